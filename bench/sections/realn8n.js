'use strict';
// A real n8n 2.41.1 (scripts/n8n-server.js) with the packed package installed as a user has it,
// binary data in filesystem mode. The "memory" section starts a fresh one for every measured run
// (n8n does not give memory back after a batch of large images, so a reused instance's "idle"
// RSS would hide the next run's peak); the "nocode" section uses one for all its runs.
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO } = require('../lib/ts-require');
const { register } = require('../lib/cleanup');

let prepared;

/** The n8n runtime (installed once into .dev/runtime) and the package packed once per bench run. */
async function prepare(ctx) {
	if (prepared) return prepared;
	const { ensureRuntime } = require(path.join(REPO, 'scripts', 'n8n-install.js'));
	const { packPackage } = require(path.join(REPO, 'scripts', 'pack.js'));
	ctx.log('real n8n: preparing the runtime (the first time ever: a few minutes)...');
	const runtime = await ensureRuntime();
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-bench-pack-'));
	register('pack folder', async () => fs.rmSync(packDir, { recursive: true, force: true }));
	const packageTgz = packPackage(ctx.packageDir, packDir).tgz;
	prepared = { runtime, packageTgz };
	ctx.info.n8n = runtime;
	return prepared;
}

/** Starts a real n8n; resolves to { n8n, runtime, inspectPort, stop }. Stopped by the bench's cleanup if the caller fails. */
async function startRealN8n(ctx, { inspector = false } = {}) {
	const { runtime, packageTgz } = await prepare(ctx);
	const { startN8n, freePort } = require(path.join(REPO, 'scripts', 'n8n-server.js'));
	const started = Date.now();
	// The inspector (127.0.0.1 only) lets the memory section force a GC in n8n before it reads RSS.
	const inspectPort = inspector ? await freePort() : undefined;
	const n8n = await startN8n({
		runtime,
		packageTgz,
		nodeArgs: inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : [],
		env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', N8N_LOG_LEVEL: 'warn' },
		expectNodeTypes: ['n8n-nodes-maxapi.maxApi'],
	});
	const unregister = register('n8n', () => n8n.stop());
	ctx.log(
		`real n8n ${runtime.n8nVersion} (Node ${runtime.nodeVersion}) ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${n8n.url}, pid ${n8n.pid}`,
	);
	return {
		n8n,
		runtime,
		inspectPort,
		stop: async () => {
			unregister();
			await n8n.stop();
		},
	};
}

let position = 0;
/** A node of an n8n workflow as the editor exports it. */
function node(name, type, typeVersion, parameters, extra = {}) {
	position += 220;
	return {
		id: crypto.randomUUID(),
		name,
		type,
		typeVersion,
		position: [position, 0],
		parameters,
		...extra,
	};
}

const main = (...targets) => ({
	main: targets.map((t) => (t ? [{ node: t, type: 'main', index: 0 }] : [])),
});

/** The Code node's JS: N items with a prompt each. */
const itemsCode = (n, label) =>
	`return Array.from({ length: ${n} }, (_, i) => ({ json: { prompt: ${JSON.stringify(label)} + ' ' + i } }));`;

module.exports = { startRealN8n, node, main, itemsCode };
