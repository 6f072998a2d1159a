'use strict';
/**
 * Starts a real n8n (the pinned runtime from scripts/n8n-install.js) with this community package
 * installed the way a user's n8n has it, and talks to it through its public API and REST.
 *
 *   const { startN8n } = require('./scripts/n8n-server');
 *   const n8n = await startN8n({ packageTgz: 'n8n-nodes-maxapi-0.1.0.tgz' });
 *   const cred = await n8n.createCredential('maxApi', 'Max API', { apiKey, baseUrl });
 *   ...
 *   await n8n.stop();
 *
 * Everything listens on 127.0.0.1 only, on free ports; n8n makes no calls to n8n.io. The pieces, one
 * job each, are in scripts/n8n/: build-env.js (the environment n8n gets), process.js (spawn, stop,
 * watchdog, logs), user-folder.js (package install, temp folders), owner.js (owner, login, API key),
 * client.js (REST and public-API calls) and workflow-json.js. Types: scripts/n8n-server.d.ts.
 *
 * Plain CommonJS, no dependencies, runs on Node 20 (n8n itself runs on the Node 24 of the runtime).
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { ensureRuntime } = require('./n8n-install');
const { packPackage } = require('./pack');
const { freePort, portIsFree, distinctFreePorts, request } = require('./lib/net');
const { sleep } = require('./lib/time');
const { buildEnv } = require('./n8n/build-env');
const { registerCleanup, spawnN8n, logTail, openLogFile } = require('./n8n/process');
const userFolders = require('./n8n/user-folder');
const { ownerFrom, ownerEnv, login, createApiKey } = require('./n8n/owner');
const { createClient, restCaller } = require('./n8n/client');
const { toPublicWorkflow } = require('./n8n/workflow-json');

/**
 * @param {object} [opts]  see StartN8nOptions in scripts/n8n-server.d.ts
 */
async function startN8n(opts = {}) {
	const t0 = Date.now();
	const runtime = opts.runtime || (await ensureRuntime());
	userFolders.sweepStaleTempFolders();
	const tempFolder = !opts.userFolder;
	const userFolder = path.resolve(opts.userFolder || userFolders.makeTempUserFolder());
	fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
	try {
		return await launch(opts, runtime, userFolder, tempFolder && !opts.keepUserFolder, t0);
	} catch (err) {
		if (tempFolder && !opts.keepUserFolder) fs.rmSync(userFolder, { recursive: true, force: true });
		throw err;
	}
}

/** The port the caller asked for (it must be free), else a free one. */
async function editorPort(requested) {
	if (requested === undefined || requested === null) return (await distinctFreePorts(1))[0];
	const port = Number(requested);
	if (!(await portIsFree(port))) throw new Error(`port ${port} on 127.0.0.1 is in use (set N8N_PORT to another port)`);
	return port;
}

/** The package to install: the given tarball, or the given folder packed. */
function installPackage(opts, userFolder) {
	let tgz = opts.packageTgz ? path.resolve(opts.packageTgz) : null;
	if (!tgz && opts.packageDir) tgz = packPackage(path.resolve(opts.packageDir), path.join(userFolder, 'pack')).tgz;
	return tgz ? userFolders.installPackageTgz(userFolder, tgz) : null;
}

/** Waits for /healthz/readiness (plain /healthz answers before n8n can serve). */
async function waitForReadiness(url, proc, timeoutMs) {
	const t0 = Date.now();
	for (;;) {
		if (proc.exited()) {
			await Promise.race([proc.closePromise, sleep(2000)]); // the last output arrives after 'exit'
			throw new Error(`n8n exited during start (${JSON.stringify(proc.exited())})`);
		}
		if (Date.now() - t0 > timeoutMs) throw new Error(`n8n not ready after ${timeoutMs} ms`);
		try {
			const res = await request('GET', `${url}/healthz/readiness`, { timeoutMs: 2000 });
			if (res.status === 200) break;
		} catch {
			// not listening yet
		}
		await sleep(200);
	}
	proc.markReady();
	return Date.now() - t0;
}

/** Throws, with the log lines that tell why, unless n8n loaded the package and the expected types. */
async function assertPackageLoaded(client, pkg, opts, logs) {
	const t = await client.getLoadedTypes();
	const missingNodes = (opts.expectNodeTypes || []).filter((n) => !t.nodes.includes(n));
	const missingCreds = (opts.expectCredentialTypes || []).filter((c) => !t.credentials.includes(c));
	if (!t.packageNodes.length || missingNodes.length || missingCreds.length) {
		const related = logs
			.filter((l) => !/(Starting|Finished) migration /.test(l))
			.filter((l) => l.includes(pkg.name) || /community|package|Error/i.test(l))
			.slice(-30);
		throw new Error(
			`n8n did not load ${pkg.name}@${pkg.version}: node types of the package: [${t.packageNodes.join(', ')}]` +
				(missingNodes.length ? `, missing node types: [${missingNodes.join(', ')}]` : '') +
				(missingCreds.length ? `, missing credential types: [${missingCreds.join(', ')}]` : '') +
				`\nrelated log lines:\n${related.join('\n')}`,
		);
	}
	return { name: pkg.name, version: pkg.version, nodes: t.packageNodes, credentials: t.packageCredentials };
}

async function launch(opts, runtime, userFolder, removeFolder, t0) {
	// 1. ports, and one n8n per user folder (they would share one SQLite database)
	const port = await editorPort(opts.port);
	const [brokerPort] = await distinctFreePorts(1, [port]);
	userFolders.assertFolderUnused(userFolder);

	// 2. the package, keys, owner, environment
	const pkg = installPackage(opts, userFolder);
	const encryptionKey =
		(opts.env && opts.env.N8N_ENCRYPTION_KEY) || userFolders.existingEncryptionKey(userFolder) || crypto.randomBytes(24).toString('hex');
	const owner = ownerFrom(opts.owner);
	const url = `http://127.0.0.1:${port}`;
	const env = buildEnv({
		runtime,
		userFolder,
		port,
		brokerPort,
		encryptionKey,
		ownerEnv: ownerEnv(owner, runtime),
		overrides: opts.env,
	});

	// 3. start
	const logs = [];
	const verbose = process.env.MAXAPI_N8N_LOGS === '1';
	const logStream = openLogFile(opts.logFile);
	const proc = spawnN8n({
		runtime,
		args: ['start'],
		env,
		cwd: userFolder,
		nodeArgs: opts.nodeArgs,
		logs,
		onLog: opts.onLog || (verbose ? (l) => process.stdout.write(`[n8n] ${l}\n`) : null),
		logStream,
	});
	const pidFile = userFolders.pidFileOf(userFolder);
	if (proc.pid) fs.writeFileSync(pidFile, String(proc.pid));

	let stopping = null;
	/** Stops n8n (gracefully once ready) and waits for it; deletes a temp user folder. Idempotent. */
	function stop() {
		if (stopping) return stopping;
		stopping = (async () => {
			const exited = await proc.stop();
			unregister();
			fs.rmSync(pidFile, { force: true });
			if (logStream) await new Promise((r) => logStream.end(r));
			if (removeFolder) fs.rmSync(userFolder, { recursive: true, force: true });
			return exited;
		})();
		return stopping;
	}
	const unregister = registerCleanup({
		killNow: () => {
			proc.killNow();
			if (removeFolder) fs.rmSync(userFolder, { recursive: true, force: true });
		},
		stop,
	});

	const timings = { spawnedAtMs: Date.now() - t0 };
	try {
		// 4. ready, logged in, with a public-API key
		timings.readyMs = await waitForReadiness(url, proc, opts.readyTimeoutMs || 180000);
		const cookie = await login(url, owner);
		const apiKey = await createApiKey(restCaller(url, cookie));
		const client = createClient({ url, cookie, apiKey, pkg, cli: { runtime, env, userFolder, takenPorts: [port, brokerPort] } });

		// 5. did n8n load the package?
		const loaded = pkg ? await assertPackageLoaded(client, pkg, opts, logs) : null;
		timings.totalMs = Date.now() - t0;

		return {
			url,
			port,
			brokerPort,
			pid: proc.pid,
			userFolder,
			encryptionKey,
			owner: { email: owner.email, password: owner.password },
			apiKey,
			cookie,
			logs,
			logTail: (n) => logTail(logs, n),
			package: loaded,
			runtime,
			timings,
			stop,
			exited: proc.exited,
			...client,
			webhookUrl: (p) => `${url}/webhook/${String(p).replace(/^\//, '')}`,
		};
	} catch (err) {
		await stop().catch(() => {});
		err.message += `\n--- last n8n log lines ---\n${logTail(logs)}`;
		throw err;
	}
}

module.exports = { startN8n, freePort, toPublicWorkflow, installPackageTgz: userFolders.installPackageTgz };
