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
 * `startN8n({ mode: 'queue', workers: 1, workerConcurrency: 1 })` starts n8n's queue mode instead:
 * Redis and PostgreSQL as local processes, a main, the workers and a webhook process.
 *
 * Everything listens on 127.0.0.1 only, on free ports; n8n makes no calls to n8n.io. The pieces, one
 * job each, are in scripts/n8n/: build-env.js (the environment n8n gets), topology.js (which n8n
 * processes, in which order), process.js (spawn, stop, watchdog, logs), queue-services.js (Redis,
 * PostgreSQL), user-folder.js (package install, temp folders), owner.js (owner, login, API key),
 * client.js (REST and public-API calls) and workflow-json.js. Types: scripts/n8n-server.d.ts.
 *
 * Plain CommonJS, no dependencies, runs on Node 20 (n8n itself runs on the Node 24 of the runtime).
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { ensureRuntime } = require('./n8n-install');
const { packPackage } = require('./pack');
const { freePort, portIsFree, distinctFreePorts } = require('./lib/net');
const { sleep, secondsSince } = require('./lib/time');
const { buildEnv } = require('./n8n/build-env');
const { registerCleanup, logTail, openLogFile } = require('./n8n/process');
const { processLayout, n8nProcesses } = require('./n8n/topology');
const { startQueueServices } = require('./n8n/queue-services');
const userFolders = require('./n8n/user-folder');
const { ownerFrom, ownerEnv, setupOwner, login, createApiKey } = require('./n8n/owner');
const { createClient, restCaller } = require('./n8n/client');
const { toPublicWorkflow } = require('./n8n/workflow-json');
const { versionProfile } = require('./n8n/versions');

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
	if (!(await portIsFree(port)))
		throw new Error(`port ${port} on 127.0.0.1 is in use (set N8N_PORT to another port)`);
	return port;
}

/** The package to install: the given tarball, or the given folder packed. */
function installPackage(opts, userFolder) {
	let tgz = opts.packageTgz ? path.resolve(opts.packageTgz) : null;
	if (!tgz && opts.packageDir)
		tgz = packPackage(path.resolve(opts.packageDir), path.join(userFolder, 'pack')).tgz;
	return tgz ? userFolders.installPackageTgz(userFolder, tgz) : null;
}

/**
 * Waits until n8n logs one more line matching `pattern` than the `before` it had logged (n8n 1.x answers
 * its readiness URL while its migrations still run; a restart logs the line again); ms it took.
 */
async function waitForLogLine(logs, pattern, before, processes, timeoutMs) {
	const t0 = Date.now();
	while (logs.filter((line) => pattern.test(line)).length <= before) {
		if (processes.exited())
			throw new Error(`n8n exited during start (${JSON.stringify(processes.exited())})`);
		if (Date.now() - t0 > timeoutMs)
			throw new Error(
				`n8n did not log ${pattern} within ${timeoutMs} ms of answering its readiness URL`,
			);
		await sleep(200);
	}
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
	return {
		name: pkg.name,
		version: pkg.version,
		nodes: t.packageNodes,
		credentials: t.packageCredentials,
	};
}

/** The options' mode, checked: 'regular' (default) or 'queue' with its worker settings. */
function modeOf(opts) {
	const mode = opts.mode || 'regular';
	if (mode !== 'regular' && mode !== 'queue')
		throw new Error(`startN8n: mode must be 'regular' or 'queue', not ${JSON.stringify(mode)}`);
	if (mode === 'regular') return { mode, queue: null };
	const workers = opts.workers === undefined ? 1 : Number(opts.workers);
	const workerConcurrency =
		opts.workerConcurrency === undefined ? 1 : Number(opts.workerConcurrency);
	if (!(Number.isInteger(workers) && workers >= 1))
		throw new Error(`startN8n: workers must be a whole number >= 1, not ${opts.workers}`);
	if (!(Number.isInteger(workerConcurrency) && workerConcurrency >= 1))
		throw new Error(
			`startN8n: workerConcurrency must be a whole number >= 1, not ${opts.workerConcurrency}`,
		);
	return { mode, queue: { workers, workerConcurrency } };
}

/** Every port the instance needs, all different: main's, the brokers', and queue mode's. */
async function allocatePorts(main, queue) {
	if (!queue) {
		const [broker] = await distinctFreePorts(1, [main]);
		return { main, broker: [broker] };
	}
	const n = queue.workers;
	const free = await distinctFreePorts(2 * n + 5, [main]);
	return {
		main,
		broker: free.slice(0, n + 2), // main, the workers, webhook
		health: free.slice(n + 2, 2 * n + 2),
		webhook: free[2 * n + 2],
		redis: free[2 * n + 3],
		postgres: free[2 * n + 4],
	};
}

async function launch(opts, runtime, userFolder, removeFolder, t0) {
	const { mode, queue } = modeOf(opts);
	// queue mode tells its phases: its start takes several processes
	const say = queue ? (msg) => process.stdout.write(`[n8n-server] ${msg}\n`) : () => {};

	// 1. ports, and one n8n per user folder (they would share one SQLite database)
	const ports = await allocatePorts(await editorPort(opts.port), queue);
	userFolders.assertFolderUnused(userFolder);

	// 2. the package, keys, owner
	const pkg = installPackage(opts, userFolder);
	const encryptionKey =
		(opts.env && opts.env.N8N_ENCRYPTION_KEY) ||
		userFolders.existingEncryptionKey(userFolder) ||
		crypto.randomBytes(24).toString('hex');
	const profile = versionProfile(runtime.n8nVersion);
	const owner = ownerFrom(opts.owner, profile.ownerFromEnv ? null : encryptionKey);
	const url = `http://127.0.0.1:${ports.main}`;
	const webhookBase = queue ? `http://127.0.0.1:${ports.webhook}` : url;

	const logs = [];
	const verbose = process.env.MAXAPI_N8N_LOGS === '1';
	const logStream = openLogFile(opts.logFile);
	const logging = {
		logs,
		onLog: opts.onLog || (verbose ? (l) => process.stdout.write(`[n8n] ${l}\n`) : null),
		logStream,
	};

	// 3. queue mode: Redis and PostgreSQL
	const queueFolder = queue ? userFolders.makeTempQueueFolder() : null;
	let services = null;
	let processes = null;
	let stopping = null;
	/** Stops n8n (gracefully once ready), then Redis and PostgreSQL, and waits; deletes temp folders. Idempotent. */
	function stop() {
		if (stopping) return stopping;
		stopping = (async () => {
			const exited = processes ? await processes.stop() : null;
			if (services) await services.stop();
			unregister();
			if (logStream) await new Promise((r) => logStream.end(r));
			if (queueFolder) fs.rmSync(queueFolder, { recursive: true, force: true });
			if (removeFolder) fs.rmSync(userFolder, { recursive: true, force: true });
			return exited;
		})();
		return stopping;
	}
	const unregister = registerCleanup({
		killNow: () => {
			if (processes) processes.killNow();
			if (services) services.killNow();
			if (queueFolder) fs.rmSync(queueFolder, { recursive: true, force: true });
			if (removeFolder) fs.rmSync(userFolder, { recursive: true, force: true });
		},
		stop,
	});

	const timings = {};
	try {
		if (queue) {
			const tServices = Date.now();
			services = await startQueueServices({
				dir: queueFolder,
				redisPort: ports.redis,
				postgresPort: ports.postgres,
				logging,
				log: say,
			});
			timings.servicesMs = Date.now() - tServices;
		}

		// 4. the n8n processes
		const env = buildEnv({
			runtime,
			userFolder,
			port: ports.main,
			brokerPort: ports.broker[0],
			encryptionKey,
			ownerEnv: profile.ownerFromEnv ? ownerEnv(owner, runtime) : {},
			queue: services && {
				redisPort: ports.redis,
				postgres: services.postgres,
				webhookPort: ports.webhook,
			},
			overrides: opts.env,
		});
		processes = n8nProcesses({
			runtime,
			layout: processLayout({ mode, ports, ...queue }),
			env,
			cwd: userFolder,
			nodeArgs: opts.nodeArgs,
			logging,
			labelled: !!queue,
			readyTimeoutMs: opts.readyTimeoutMs || 180000,
			pidFile: userFolders.pidFileOf(userFolder),
		});
		/** Starts the n8n processes (again), and says how long each took. */
		const startProcesses = async () => {
			const t = Date.now();
			const readyLines = profile.readyLogLine
				? logs.filter((line) => profile.readyLogLine.test(line)).length
				: 0;
			const readyMs = await processes.start();
			if (profile.readyLogLine)
				readyMs.main += await waitForLogLine(
					logs,
					profile.readyLogLine,
					readyLines,
					processes,
					opts.readyTimeoutMs || 180000,
				);
			say(
				`n8n ${Object.entries(readyMs)
					.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
					.join(', ')} (ready in ${secondsSince(t)} s)`,
			);
			return readyMs;
		};
		timings.spawnedAtMs = Date.now() - t0;
		timings.processesReadyMs = await startProcesses();
		timings.readyMs = timings.processesReadyMs.main;

		// 5. logged in, with a public-API key; did n8n load the package?
		if (!profile.ownerFromEnv) await setupOwner(url, owner);
		const cookie = await login(url, owner);
		const apiKey = await createApiKey(restCaller(url, cookie));
		const client = createClient({
			url,
			cookie,
			apiKey,
			pkg,
			cli: { runtime, env, userFolder, takenPorts: Object.values(ports).flat() },
			profile,
		});
		const loaded = pkg ? await assertPackageLoaded(client, pkg, opts, logs) : null;
		timings.totalMs = Date.now() - t0;
		say(`${mode} mode ready in ${secondsSince(t0)} s: editor ${url}, webhooks ${webhookBase}`);

		return {
			url,
			port: ports.main,
			brokerPort: ports.broker[0],
			pid: processes.pids().main,
			mode,
			processes: processes.pids,
			services: services && {
				redis: { port: ports.redis },
				postgres: { port: ports.postgres, database: services.postgres.database },
			},
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
			stopN8nProcesses: async () => {
				await processes.stop();
			},
			startN8nProcesses: async () => {
				await startProcesses();
			},
			exited: processes.exited,
			...client,
			webhookBaseUrl: webhookBase,
			webhookUrl: (p) => `${webhookBase}/webhook/${String(p).replace(/^\//, '')}`,
		};
	} catch (err) {
		await stop().catch(() => {});
		err.message += `\n--- last n8n log lines ---\n${logTail(logs)}`;
		throw err;
	}
}

module.exports = {
	startN8n,
	freePort,
	toPublicWorkflow,
	installPackageTgz: userFolders.installPackageTgz,
};
