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
 * Everything listens on 127.0.0.1 only, on free ports; n8n makes no calls to n8n.io (telemetry,
 * templates, version checks, verified-package list and the MCP-registry refresh are switched off).
 * n8n runs as the leader of its own process group; stop() kills the group, and a watchdog
 * (scripts/n8n-watchdog.js, preloaded into n8n) kills it if the starting process dies, even by SIGKILL.
 *
 * Plain CommonJS, no dependencies, runs on Node 20 (n8n itself runs on the Node 24 of the runtime).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const http = require('http');
const crypto = require('crypto');
const { spawn, spawnSync } = require('child_process');
const { ensureRuntime } = require('./n8n-install');
const { packPackage } = require('./pack');

const WATCHDOG = path.join(__dirname, 'n8n-watchdog.js');
const API_KEY_LABEL_PREFIX = 'maxapi-tooling';
const MANUAL_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';
const TEMP_PREFIX = 'maxapi-n8n-';

// ---------------------------------------------------------------------------------------------
// small utilities

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

function portIsFree(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.unref();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

async function distinctFreePorts(count, taken = []) {
	const ports = [];
	while (ports.length < count) {
		const p = await freePort();
		if (!ports.includes(p) && !taken.includes(p)) ports.push(p);
	}
	return ports;
}

/** Minimal HTTP client (no keep-alive, so nothing lingers in a jest process). */
function request(method, url, { headers = {}, body, timeoutMs = 30000 } = {}) {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		let payload;
		const h = { accept: 'application/json', ...headers };
		if (body !== undefined) {
			payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
			h['content-type'] = h['content-type'] || 'application/json';
			h['content-length'] = String(payload.length);
		}
		const req = http.request(
			{ method, hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers: h, agent: false },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = text ? JSON.parse(text) : undefined;
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, text, json });
				});
				res.on('error', reject);
			},
		);
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs} ms`)));
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

function httpError(what, res) {
	const err = new Error(`${what} -> HTTP ${res.status}: ${res.text.slice(0, 800)}`);
	err.status = res.status;
	err.body = res.json !== undefined ? res.json : res.text;
	return err;
}

function randomPassword() {
	// n8n wants 8..64 chars with a number and an uppercase letter.
	return `Mx-${crypto.randomBytes(9).toString('base64url')}-9Q`;
}

function stripOuterNpmEnv(env) {
	for (const k of Object.keys(env)) {
		if (/^npm_/i.test(k)) delete env[k];
		// the caller's own n8n settings must not leak into this isolated instance
		else if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|GENERIC_TIMEZONE$|WEBHOOK_URL$|VUE_APP_|CODE_ENABLE_STDOUT$)/.test(k)) delete env[k];
		// jest sets NODE_ENV=test, and n8n refuses to load nodes "in tests"; test-runner/tool settings stay out too
		else if (/^(NODE_ENV|NODE_OPTIONS|JEST_WORKER_ID|TS_NODE_.*)$/.test(k)) delete env[k];
	}
	return env;
}

// ---------------------------------------------------------------------------------------------
// process bookkeeping: nothing we start may outlive us

const running = new Set();
let hooksInstalled = false;

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

function installExitHooks() {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', () => {
		for (const inst of running) {
			killGroup(inst.pid, 'SIGKILL');
			if (inst.tempDir) {
				try {
					fs.rmSync(inst.tempDir, { recursive: true, force: true });
				} catch {
					// best effort
				}
			}
		}
	});
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		const handler = () => {
			// Stop every n8n we started (stop() is idempotent: scripts/dev.js's own handler shares it).
			const stops = [...running].map((inst) => (inst.stop ? inst.stop() : killGroup(inst.pid, 'SIGTERM')));
			// Someone else handles the signal (jest, scripts/dev.js): let them decide when to exit. If they exit
			// first, the 'exit' hook and the watchdog in n8n finish the job.
			if (process.listenerCount(sig) > 1) return;
			const cap = new Promise((r) => setTimeout(r, 8000).unref());
			Promise.race([Promise.allSettled(stops), cap]).then(() => {
				process.removeListener(sig, handler);
				process.kill(process.pid, sig); // default behaviour: terminate
			});
		};
		process.on(sig, handler);
	}
}

// ---------------------------------------------------------------------------------------------
// package installation into $N8N_USER_FOLDER/.n8n/nodes/node_modules/<name>

/** Installs a packed tarball exactly as `npm install <pkg>` in ~/.n8n/nodes would lay it out. */
function installPackageTgz(userFolder, tgz) {
	const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-pkg-'));
	try {
		const res = spawnSync('tar', ['-xzf', tgz, '-C', staging], { encoding: 'utf8' });
		if (res.status !== 0) throw new Error(`cannot extract ${tgz}: ${res.stderr}`);
		const root = path.join(staging, 'package');
		const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
		if (pkg.dependencies && Object.keys(pkg.dependencies).length) {
			throw new Error(`${pkg.name} has runtime dependencies (${Object.keys(pkg.dependencies).join(', ')}); a community node package must have none`);
		}
		const nodesDir = path.join(userFolder, '.n8n', 'nodes');
		const target = path.join(nodesDir, 'node_modules', pkg.name);
		fs.rmSync(target, { recursive: true, force: true });
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.renameSync(root, target);
		// n8n's own installs keep a package.json here listing the installed packages.
		const manifestFile = path.join(nodesDir, 'package.json');
		let manifest = { name: 'installed-nodes', private: true, dependencies: {} };
		try {
			manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
		} catch {
			// fresh folder
		}
		manifest.dependencies = { ...(manifest.dependencies || {}), [pkg.name]: pkg.version };
		fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
		return { name: pkg.name, version: pkg.version, dir: target, manifest: pkg };
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

function existingEncryptionKey(userFolder) {
	try {
		const cfg = JSON.parse(fs.readFileSync(path.join(userFolder, '.n8n', 'config'), 'utf8'));
		return cfg.encryptionKey || null;
	} catch {
		return null;
	}
}

// ---------------------------------------------------------------------------------------------
// workflow JSON as the public API accepts it (its schemas are strict)

const NODE_KEYS = [
	'id', 'name', 'webhookId', 'disabled', 'notesInFlow', 'notes', 'type', 'typeVersion', 'executeOnce',
	'alwaysOutputData', 'retryOnFail', 'maxTries', 'waitBetweenTries', 'continueOnFail', 'onError',
	'position', 'parameters', 'credentials',
];
const SETTINGS_KEYS = [
	'saveExecutionProgress', 'saveManualExecutions', 'saveDataErrorExecution', 'saveDataSuccessExecution',
	'executionTimeout', 'errorWorkflow', 'timezone', 'executionOrder', 'callerPolicy', 'callerIds',
	'timeSavedMode', 'timeSavedPerExecution', 'availableInMCP',
];
const pick = (obj, keys) => Object.fromEntries(keys.filter((k) => obj && obj[k] !== undefined).map((k) => [k, obj[k]]));

function toPublicWorkflow(json) {
	const wf = typeof json === 'string' ? JSON.parse(json) : json;
	const out = {
		name: wf.name || 'Untitled workflow',
		nodes: (wf.nodes || []).map((n) => pick(n, NODE_KEYS)),
		connections: wf.connections || {},
		settings: { executionOrder: 'v1', ...pick(wf.settings || {}, SETTINGS_KEYS) },
	};
	if (wf.staticData) out.staticData = wf.staticData;
	if (wf.pinData && Object.keys(wf.pinData).length) out.pinData = wf.pinData;
	return out;
}

// ---------------------------------------------------------------------------------------------

/**
 * @param {object} [opts]
 * @param {string} [opts.userFolder]   N8N_USER_FOLDER; default: a new temp folder, deleted by stop()
 * @param {number} [opts.port]         default: a free port (an explicit port must be free)
 * @param {string} [opts.packageTgz]   `npm pack` tarball of the community package to install
 * @param {string} [opts.packageDir]   or a package folder (packed with `npm pack --ignore-scripts` first)
 * @param {object} [opts.env]          extra/overriding environment for n8n
 * @param {{email?:string,password?:string,firstName?:string,lastName?:string}} [opts.owner]
 * @param {string[]} [opts.expectNodeTypes]        node types that must be loaded, e.g. ['n8n-nodes-maxapi.maxApi']
 * @param {string[]} [opts.expectCredentialTypes]  credential types that must be loaded, e.g. ['maxApi']
 * @param {(line:string)=>void} [opts.onLog]       each n8n log line (default: printed when MAXAPI_N8N_LOGS=1)
 * @param {string} [opts.logFile]      also append n8n's output to this file
 * @param {number} [opts.readyTimeoutMs]  default 180000
 * @param {boolean} [opts.keepUserFolder] keep a temp user folder after stop()
 * @param {string[]} [opts.nodeArgs]   extra arguments for the Node 24 running n8n
 * @param {object} [opts.runtime]      result of ensureRuntime() (default: call it)
 */
/** Temp user folders left by runs that were killed before they could clean up (their n8n is dead). */
function sweepStaleTempFolders() {
	const tmp = os.tmpdir();
	let entries = [];
	try {
		entries = fs.readdirSync(tmp).filter((n) => n.startsWith(TEMP_PREFIX));
	} catch {
		return;
	}
	for (const name of entries) {
		const dir = path.join(tmp, name);
		try {
			let stale;
			try {
				const pid = Number(fs.readFileSync(path.join(dir, '.n8n', 'maxapi-n8n.pid'), 'utf8').trim());
				stale = !pid || !pidAlive(pid);
			} catch {
				stale = Date.now() - fs.statSync(dir).mtimeMs > 60 * 60 * 1000; // no n8n started in it for an hour
			}
			if (stale) fs.rmSync(dir, { recursive: true, force: true });
		} catch {
			// another process may be removing it
		}
	}
}

async function startN8n(opts = {}) {
	const t0 = Date.now();
	const runtime = opts.runtime || (await ensureRuntime());
	sweepStaleTempFolders();
	const tempFolder = !opts.userFolder;
	const userFolder = path.resolve(opts.userFolder || fs.mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX)));
	fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
	try {
		return await launch(opts, runtime, userFolder, tempFolder, t0);
	} catch (err) {
		if (tempFolder && !opts.keepUserFolder) fs.rmSync(userFolder, { recursive: true, force: true });
		throw err;
	}
}

async function launch(opts, runtime, userFolder, tempFolder, t0) {

	// 1. ports, and one n8n per user folder (they would share one SQLite database)
	let port = opts.port !== undefined && opts.port !== null ? Number(opts.port) : null;
	if (port) {
		if (!(await portIsFree(port))) throw new Error(`port ${port} on 127.0.0.1 is in use (set N8N_PORT to another port)`);
	} else {
		[port] = await distinctFreePorts(1);
	}
	const [brokerPort] = await distinctFreePorts(1, [port]);
	const pidFile = path.join(userFolder, '.n8n', 'maxapi-n8n.pid');
	try {
		const other = Number(fs.readFileSync(pidFile, 'utf8').trim());
		if (other && other !== process.pid && pidAlive(other)) {
			throw new Error(`another n8n started by this tooling (pid ${other}) uses ${userFolder}; stop it first`);
		}
	} catch (e) {
		if (e.code !== 'ENOENT') throw e;
	}

	// 2. the package
	let pkg = null;
	let tgz = opts.packageTgz ? path.resolve(opts.packageTgz) : null;
	if (!tgz && opts.packageDir) tgz = packPackage(path.resolve(opts.packageDir), path.join(userFolder, 'pack')).tgz;
	if (tgz) pkg = installPackageTgz(userFolder, tgz);

	// 3. keys, owner
	const encryptionKey =
		(opts.env && opts.env.N8N_ENCRYPTION_KEY) || existingEncryptionKey(userFolder) || crypto.randomBytes(24).toString('hex');
	const owner = {
		email: (opts.owner && opts.owner.email) || 'owner@maxapi.local',
		password: (opts.owner && opts.owner.password) || randomPassword(),
		firstName: (opts.owner && opts.owner.firstName) || 'Max',
		lastName: (opts.owner && opts.owner.lastName) || 'Tester',
	};
	const bcrypt = require(require.resolve('bcryptjs', { paths: [runtime.n8nDir] }));
	const passwordHash = bcrypt.hashSync(owner.password, 10);
	const url = `http://127.0.0.1:${port}`;

	const env = stripOuterNpmEnv({ ...process.env });
	Object.assign(env, {
		PATH: [path.dirname(runtime.nodeBin), process.env.PATH].join(path.delimiter),
		N8N_USER_FOLDER: userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `${url}/`,
		N8N_EDITOR_BASE_URL: url,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		// community packages on, but no fetch of n8n's verified-package list
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		// the MCP-registry module refreshes a server list from api.n8n.io at start
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_TASK_TIMEOUT: '300',
		N8N_PYTHON_ENABLED: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		DB_TYPE: 'sqlite',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: passwordHash,
		NO_PROXY: ['127.0.0.1', 'localhost', env.NO_PROXY || env.no_proxy].filter(Boolean).join(','),
		no_proxy: ['127.0.0.1', 'localhost', env.NO_PROXY || env.no_proxy].filter(Boolean).join(','),
		MAXAPI_N8N_WATCHDOG_FD: '3',
	});
	Object.assign(env, opts.env || {});

	// 4. start
	const logs = [];
	const verbose = process.env.MAXAPI_N8N_LOGS === '1';
	const onLog = opts.onLog || (verbose ? (l) => process.stdout.write(`[n8n] ${l}\n`) : null);
	const logStream = opts.logFile ? fs.createWriteStream(opts.logFile, { flags: 'a' }) : null;
	const child = spawn(runtime.nodeBin, [...(opts.nodeArgs || []), '-r', WATCHDOG, runtime.n8nBin, 'start'], {
		cwd: userFolder,
		env,
		detached: true, // own process group: stop() kills n8n and its task runner together
		stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
	});
	const watchdogPipe = child.stdio[3];
	if (watchdogPipe && watchdogPipe.unref) watchdogPipe.unref();
	const inst = { pid: child.pid, stop: null, tempDir: tempFolder && !opts.keepUserFolder ? userFolder : null };
	running.add(inst);
	if (child.pid) fs.writeFileSync(pidFile, String(child.pid));
	let exited = null;
	const closePromise = new Promise((resolve) => child.on('close', resolve));
	const exitPromise = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			running.delete(inst);
			resolve(exited);
		});
		child.on('error', (err) => {
			exited = { code: null, signal: null, error: err.message };
			running.delete(inst);
			resolve(exited);
		});
	});
	installExitHooks();

	const addLines = (stream) => {
		let buf = '';
		stream.on('data', (chunk) => {
			buf += chunk.toString('utf8');
			let i;
			while ((i = buf.indexOf('\n')) >= 0) {
				const line = buf.slice(0, i).replace(/\x1b\[[0-9;]*m/g, '');
				buf = buf.slice(i + 1);
				logs.push(line);
				if (logs.length > 20000) logs.splice(0, 5000);
				if (logStream) logStream.write(line + '\n');
				if (onLog) onLog(line);
			}
		});
	};
	addLines(child.stdout);
	addLines(child.stderr);
	const tail = (n = 60) =>
		logs
			.filter((l) => !/^(Starting|Finished) migration /.test(l))
			.slice(-n)
			.join('\n');

	let stopping = null;
	let isReady = false;
	async function stop() {
		if (stopping) return stopping;
		stopping = (async () => {
			if (!exited) {
				// A starting n8n handles SIGTERM only once its synchronous start work is done (tens of seconds
				// on a busy machine): kill it outright. A ready one shuts down gracefully.
				killGroup(child.pid, isReady ? 'SIGTERM' : 'SIGKILL');
				// n8n shuts down gracefully within N8N_GRACEFUL_SHUTDOWN_TIMEOUT (5 s); then SIGKILL
				const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 15000);
				await exitPromise;
				clearTimeout(timer);
			}
			// the task runner (same group) must not survive its broker
			killGroup(child.pid, 'SIGKILL');
			running.delete(inst);
			fs.rmSync(pidFile, { force: true });
			if (watchdogPipe) watchdogPipe.destroy();
			if (logStream) await new Promise((r) => logStream.end(r));
			if (tempFolder && !opts.keepUserFolder) fs.rmSync(userFolder, { recursive: true, force: true });
			return exited;
		})();
		return stopping;
	}

	inst.stop = stop;
	const timings = { spawnedAtMs: Date.now() - t0 };
	try {
		// 5. ready
		const readyTimeout = opts.readyTimeoutMs || 180000;
		const tReady = Date.now();
		for (;;) {
			if (exited) {
				await Promise.race([closePromise, sleep(2000)]); // the last output arrives after 'exit'
				throw new Error(`n8n exited during start (${JSON.stringify(exited)})`);
			}
			if (Date.now() - tReady > readyTimeout) throw new Error(`n8n not ready after ${readyTimeout} ms`);
			try {
				const res = await request('GET', `${url}/healthz/readiness`, { timeoutMs: 2000 });
				if (res.status === 200) break;
			} catch {
				// not listening yet
			}
			await sleep(200);
		}
		timings.readyMs = Date.now() - tReady;
		isReady = true;

		// 6. login (owner created from env) and a public API key
		const login = await request('POST', `${url}/rest/login`, {
			body: { emailOrLdapLoginId: owner.email, password: owner.password },
		});
		if (login.status !== 200) throw httpError('POST /rest/login', login);
		const setCookie = [].concat(login.headers['set-cookie'] || []);
		const authCookie = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (!authCookie) throw new Error(`POST /rest/login gave no n8n-auth cookie (${setCookie.join(' | ')})`);
		const cookie = authCookie;

		const rest = async (method, p, body) => {
			const res = await request(method, `${url}/rest${p}`, { headers: { cookie, 'browser-id': 'maxapi-tooling' }, body });
			if (res.status < 200 || res.status >= 300) throw httpError(`${method} /rest${p}`, res);
			return res.json && Object.prototype.hasOwnProperty.call(res.json, 'data') ? res.json.data : res.json;
		};

		// a reused user folder: drop the keys earlier runs of this tooling created
		const listed = await rest('GET', '/api-keys?take=250').catch(() => null);
		const existingKeys = Array.isArray(listed) ? listed : (listed && listed.items) || [];
		for (const k of existingKeys) {
			if (k && typeof k.label === 'string' && k.label.startsWith(API_KEY_LABEL_PREFIX)) {
				await rest('DELETE', `/api-keys/${k.id}`).catch(() => {});
			}
		}
		const scopes = await rest('GET', '/api-keys/scopes');
		const created = await rest('POST', '/api-keys', {
			label: `${API_KEY_LABEL_PREFIX}-${Date.now()}`.slice(0, 50),
			scopes,
			expiresAt: null,
		});
		const apiKey = created.rawApiKey;
		if (!apiKey) throw new Error('POST /rest/api-keys returned no rawApiKey');

		const api = async (method, p, body) => {
			const res = await request(method, `${url}/api/v1${p}`, { headers: { 'X-N8N-API-KEY': apiKey }, body });
			if (res.status < 200 || res.status >= 300) throw httpError(`${method} /api/v1${p}`, res);
			return res.json;
		};

		// 7. did n8n load the package?
		let typesCache = null;
		async function getLoadedTypes(refresh = false) {
			if (typesCache && !refresh) return typesCache;
			const [nodesRes, credsRes] = await Promise.all([
				request('GET', `${url}/types/nodes.json`, { headers: { cookie }, timeoutMs: 60000 }),
				request('GET', `${url}/types/credentials.json`, { headers: { cookie }, timeoutMs: 60000 }),
			]);
			if (nodesRes.status !== 200) throw httpError('GET /types/nodes.json', nodesRes);
			if (credsRes.status !== 200) throw httpError('GET /types/credentials.json', credsRes);
			const nodes = nodesRes.json.map((n) => n.name);
			const credentials = credsRes.json.map((c) => c.name);
			const prefix = pkg ? `${pkg.name}.` : null;
			const packageNodes = prefix ? [...new Set(nodes.filter((n) => n.startsWith(prefix)))] : [];
			const packageCredentials = pkg
				? credsRes.json.filter((c) => JSON.stringify(c).includes(`/${pkg.name}/`)).map((c) => c.name)
				: [];
			typesCache = { nodes, credentials, packageNodes, packageCredentials };
			return typesCache;
		}

		let loaded = null;
		if (pkg) {
			const t = await getLoadedTypes();
			const missingNodes = (opts.expectNodeTypes || []).filter((n) => !t.nodes.includes(n));
			const missingCreds = (opts.expectCredentialTypes || []).filter((c) => !t.credentials.includes(c));
			if (!t.packageNodes.length || missingNodes.length || missingCreds.length) {
				const related = logs
					.filter((l) => !/^(Starting|Finished) migration /.test(l))
					.filter((l) => l.includes(pkg.name) || /community|package|Error/i.test(l))
					.slice(-30);
				throw new Error(
					`n8n did not load ${pkg.name}@${pkg.version}: node types of the package: [${t.packageNodes.join(', ')}]` +
						(missingNodes.length ? `, missing node types: [${missingNodes.join(', ')}]` : '') +
						(missingCreds.length ? `, missing credential types: [${missingCreds.join(', ')}]` : '') +
						`\nrelated log lines:\n${related.join('\n')}`,
				);
			}
			loaded = { name: pkg.name, version: pkg.version, nodes: t.packageNodes, credentials: t.packageCredentials };
		}
		timings.totalMs = Date.now() - t0;

		// 8. helpers --------------------------------------------------------------------------
		const createCredential = async (type, name, data) => api('POST', '/credentials', { name, type, data });
		const updateCredential = async (id, { type, name, data }) => api('PATCH', `/credentials/${id}`, { name, type, data });
		const listCredentials = async () => {
			const all = [];
			let cursor;
			do {
				const q = cursor ? `?limit=250&cursor=${encodeURIComponent(cursor)}` : '?limit=250';
				const page = await api('GET', `/credentials${q}`);
				all.push(...(page.data || []));
				cursor = page.nextCursor;
			} while (cursor);
			return all;
		};
		const deleteCredential = async (id) => api('DELETE', `/credentials/${id}`);

		const createWorkflow = async (json) => api('POST', '/workflows', toPublicWorkflow(json));
		const updateWorkflow = async (id, json) => api('PUT', `/workflows/${id}`, toPublicWorkflow(json));
		const getWorkflow = async (id) => api('GET', `/workflows/${id}`);
		const listWorkflows = async (query = {}) => {
			const all = [];
			let cursor;
			do {
				const params = new URLSearchParams({ limit: '250', ...query });
				if (cursor) params.set('cursor', cursor);
				const page = await api('GET', `/workflows?${params}`);
				all.push(...(page.data || []));
				cursor = page.nextCursor;
			} while (cursor);
			return all;
		};
		const deleteWorkflow = async (id) => api('DELETE', `/workflows/${id}`);
		const activateWorkflow = async (id) => api('POST', `/workflows/${id}/activate`);
		const deactivateWorkflow = async (id) => api('POST', `/workflows/${id}/deactivate`);

		const getExecution = async (id, { includeData = true } = {}) =>
			api('GET', `/executions/${id}?includeData=${includeData ? 'true' : 'false'}`);
		const getExecutions = async (workflowId, { includeData = false, status, limit = 250 } = {}) => {
			const all = [];
			let cursor;
			do {
				const params = new URLSearchParams({ includeData: String(!!includeData), limit: String(Math.min(limit, 250)) });
				if (workflowId) params.set('workflowId', workflowId);
				if (status) params.set('status', status);
				if (cursor) params.set('cursor', cursor);
				const page = await api('GET', `/executions?${params}`);
				all.push(...(page.data || []));
				cursor = all.length < limit ? page.nextCursor : null;
			} while (cursor);
			return all.sort((a, b) => Number(a.id) - Number(b.id));
		};
		const isDone = (e) => !!e && (e.finished === true || !!e.stoppedAt) && e.status !== 'running' && e.status !== 'new';

		/** Resolves when at least `count` executions of the workflow have finished (any final status). */
		const waitForExecutions = async (workflowId, count = 1, timeoutMs = 30000, { includeData = true } = {}) => {
			const deadline = Date.now() + timeoutMs;
			let seen = [];
			for (;;) {
				seen = await getExecutions(workflowId, { includeData: false });
				const done = seen.filter(isDone);
				if (done.length >= count) {
					if (!includeData) return done;
					return Promise.all(done.map((e) => getExecution(e.id, { includeData: true })));
				}
				if (Date.now() > deadline) {
					throw new Error(
						`waitForExecutions(${workflowId}, ${count}): ${done.length} finished after ${timeoutMs} ms ` +
							`(seen: ${JSON.stringify(seen.map((e) => ({ id: e.id, status: e.status, finished: e.finished })))})`,
					);
				}
				await sleep(250);
			}
		};

		const waitForExecution = async (id, timeoutMs = 60000) => {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				let ex = null;
				try {
					ex = await getExecution(id, { includeData: true });
				} catch (e) {
					if (e.status !== 404) throw e; // not saved yet
				}
				if (ex && (isDone(ex) || ex.status === 'waiting')) return ex;
				if (Date.now() > deadline) throw new Error(`execution ${id} not finished after ${timeoutMs} ms (${ex && ex.status})`);
				await sleep(200);
			}
		};

		/**
		 * Runs a workflow the way the editor's "Execute workflow" button does (POST /rest/workflows/:id/run,
		 * mode "manual"), starting from its Manual Trigger (or opts.triggerName). Resolves to the finished
		 * execution with data (opts.wait=false: to { executionId }).
		 */
		const runWorkflowManually = async (id, { triggerName, wait = true, timeoutMs = 60000 } = {}) => {
			let name = triggerName;
			if (!name) {
				const wf = await getWorkflow(id);
				const trigger = wf.nodes.find((n) => n.type === MANUAL_TRIGGER_TYPE && !n.disabled);
				if (!trigger) throw new Error(`workflow ${id} has no enabled Manual Trigger; pass { triggerName }`);
				name = trigger.name;
			}
			const result = await rest('POST', `/workflows/${id}/run`, { triggerToStartFrom: { name } });
			if (!result || !result.executionId) {
				throw new Error(`POST /rest/workflows/${id}/run started no execution: ${JSON.stringify(result)}`);
			}
			if (!wait) return result;
			return waitForExecution(result.executionId, timeoutMs);
		};

		/**
		 * The other way to run a workflow: the n8n CLI (`n8n execute --id`) as a separate process on the same
		 * database. Slower (~5-6 s: it boots n8n) and not an editor-like "manual" run; kept for comparison.
		 */
		const runWorkflowWithCli = async (id, { timeoutMs = 120000 } = {}) => {
			const [cliBroker] = await distinctFreePorts(1, [port, brokerPort]);
			const cliEnv = { ...env, N8N_RUNNERS_BROKER_PORT: String(cliBroker), N8N_LOG_FORMAT: 'json' };
			delete cliEnv.MAXAPI_N8N_WATCHDOG_FD;
			return new Promise((resolve, reject) => {
				const cli = spawn(runtime.nodeBin, [runtime.n8nBin, 'execute', `--id=${id}`], {
					cwd: userFolder,
					env: cliEnv,
					detached: true,
					stdio: ['ignore', 'pipe', 'pipe'],
				});
				const cliInst = { pid: cli.pid };
				running.add(cliInst);
				let out = '';
				cli.stdout.on('data', (c) => (out += c));
				cli.stderr.on('data', (c) => (out += c));
				const timer = setTimeout(() => killGroup(cli.pid, 'SIGKILL'), timeoutMs);
				cli.on('exit', (code, signal) => {
					clearTimeout(timer);
					running.delete(cliInst);
					killGroup(cli.pid, 'SIGKILL');
					let run = null;
					for (const line of out.split('\n')) {
						try {
							const msg = JSON.parse(line).message;
							if (typeof msg === 'string' && msg.startsWith('{')) run = JSON.parse(msg);
						} catch {
							// not JSON
						}
					}
					if (run) return resolve({ code, signal, run: run.data || run, output: out });
					reject(new Error(`n8n execute --id=${id} gave no run (exit ${code} ${signal || ''}):\n${out.slice(-3000)}`));
				});
			});
		};

		/**
		 * Tests credential data through n8n's own credential test (POST /rest/credentials/test), i.e. the
		 * "Test" of the credential dialog, using the credential type's `test` request.
		 * With an `id` of a stored credential, `data` overrides its stored data (as the dialog does).
		 * Resolves to { status: 'OK' | 'Error', message }.
		 */
		const testCredential = async (type, data, { id = '', name = 'credential test' } = {}) => {
			if (type && typeof type === 'object') ({ type, data, id = '', name = 'credential test' } = type);
			return rest('POST', '/credentials/test', { credentials: { id, name, type, data } });
		};

		return {
			url,
			port,
			brokerPort,
			pid: child.pid,
			userFolder,
			encryptionKey,
			owner: { email: owner.email, password: owner.password },
			apiKey,
			cookie,
			logs,
			logTail: tail,
			package: loaded,
			runtime,
			timings,
			stop,
			exited: () => exited,
			rest,
			api,
			getLoadedTypes,
			createCredential,
			updateCredential,
			listCredentials,
			deleteCredential,
			createWorkflow,
			updateWorkflow,
			getWorkflow,
			listWorkflows,
			deleteWorkflow,
			activateWorkflow,
			deactivateWorkflow,
			runWorkflowManually,
			runWorkflowWithCli,
			getExecution,
			getExecutions,
			waitForExecution,
			waitForExecutions,
			testCredential,
			webhookUrl: (p) => `${url}/webhook/${String(p).replace(/^\//, '')}`,
		};
	} catch (err) {
		await stop().catch(() => {});
		err.message += `\n--- last n8n log lines ---\n${tail()}`;
		throw err;
	}
}

module.exports = { startN8n, freePort, toPublicWorkflow, installPackageTgz };
