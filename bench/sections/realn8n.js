'use strict';
// A real n8n 2.41.1 (scripts/n8n-server.js) with the packed package installed as a user has it,
// binary data in filesystem mode. The "memory" section starts a fresh one for every measured run
// (n8n does not give memory back after a batch of large images, so a reused instance's "idle"
// RSS would hide the next run's peak); the "nocode", "pause" and "triggerRate" sections use one for
// all their runs ("triggerRate" one in regular and one in queue mode).
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

/**
 * Starts a real n8n; resolves to { n8n, runtime, inspectPort, stop }. Stopped by the bench's cleanup if
 * the caller fails. `queue` ({ workers, workerConcurrency }) starts n8n's queue mode (Redis,
 * PostgreSQL, main, workers and a webhook process; binary data in the database, as queue mode needs);
 * `env` adds to or overrides n8n's environment.
 */
async function startRealN8n(ctx, { inspector = false, queue, env = {} } = {}) {
	const { runtime, packageTgz } = await prepare(ctx);
	const { startN8n, freePort } = require(path.join(REPO, 'scripts', 'n8n-server.js'));
	const started = Date.now();
	// The inspector (127.0.0.1 only) lets the memory section force a GC in n8n before it reads RSS.
	const inspectPort = inspector ? await freePort() : undefined;
	const n8n = await startN8n({
		runtime,
		packageTgz,
		nodeArgs: inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : [],
		env: {
			...(queue ? {} : { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' }),
			N8N_LOG_LEVEL: 'warn',
			...env,
		},
		expectNodeTypes: ['n8n-nodes-maxapi.maxApi'],
		...(queue ? { mode: 'queue', ...queue } : {}),
	});
	const unregister = register('n8n', () => n8n.stop());
	ctx.log(
		`real n8n ${runtime.n8nVersion} (Node ${runtime.nodeVersion})${queue ? ' in queue mode' : ''} ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${n8n.url}, pid ${n8n.pid}`,
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

/** A Max API credential in the n8n for the emulator (`extra`: more fields, e.g. callbackToken); resolves to its id. */
async function emulatorCredential(n8n, emu, extra = {}) {
	const credential = await n8n.createCredential('maxApi', 'Max API (bench)', {
		apiKey: emu.apiKey,
		baseUrl: emu.url,
		...extra,
	});
	return credential.id;
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

/** Manual Trigger → Code (N items with a prompt each) → Max API (Text to Image with `parameters`). */
function maxApiWorkflow({ name, n, label, credentialId, typeVersion = 1, parameters }) {
	return {
		name,
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, {}),
			node('Prompts', 'n8n-nodes-base.code', 2, { jsCode: itemsCode(n, label) }),
			node(
				'Max API',
				'n8n-nodes-maxapi.maxApi',
				typeVersion,
				{
					resource: 'image',
					operation: 'textToImage',
					prompt: '={{ $json.prompt }}',
					...parameters,
				},
				{ credentials: { maxApi: { id: credentialId, name: 'Max API (bench)' } } },
			),
		],
		connections: { Start: main('Prompts'), Prompts: main('Max API') },
		settings: { executionOrder: 'v1' },
	};
}

module.exports = { startRealN8n, emulatorCredential, maxApiWorkflow, node, main, itemsCode };
