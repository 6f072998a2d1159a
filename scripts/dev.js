#!/usr/bin/env node
'use strict';
/**
 * npm run dev: this package inside a real n8n on http://127.0.0.1:5678, ready to click through.
 *
 *   1. installs/reuses the pinned n8n runtime (.dev/runtime, scripts/n8n-install.js)
 *   2. npm run build + npm pack into .dev/pack
 *   3. starts the Max API emulator (test/emulator) unless MAXAPI_API_KEY is set (then the real api.maxapi.io)
 *   4. starts n8n with user folder .dev/n8n-user (kept between runs; the fresh tarball is reinstalled
 *      into .dev/n8n-user/.n8n/nodes/node_modules/n8n-nodes-maxapi every run)
 *   5. owner dev@maxapi.local (password printed; kept in .dev/n8n-user/dev-owner.json), a Max API
 *      credential pointing at the emulator (or the real API), every examples/*.json workflow imported
 *      with its Max API nodes bound to that credential
 *   Ctrl+C stops n8n and the emulator.
 *
 * Usage: npm run dev [-- --queue]
 *   --queue  n8n's queue mode, as users scale out: Redis and PostgreSQL (apt-get installed when
 *            missing; data in a temp folder, so a fresh database every run), a main, one worker
 *            (n8n's default concurrency, 10) and a webhook process; the editor stays on N8N_PORT.
 *   --help   this text.
 *
 * Environment: N8N_PORT (default 5678), MAXAPI_API_KEY (use the real API), MAXAPI_BASE_URL (default
 * https://api.maxapi.io), MAXAPI_EMULATOR_PORT (default: a free port), MAXAPI_EMULATOR_LATENCY_MS,
 * MAXAPI_N8N_LOGS=1 (echo n8n's log; it is always written to .dev/n8n-user/n8n.log),
 * MAXAPI_DEV_PACKAGE_TGZ (install this tarball instead of building and packing; for tooling tests),
 * MAXAPI_EXAMPLES_DIR (workflows to import instead of examples/).
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { ensureRuntime, findNpmCli } = require('./n8n-install');
const { npmEnv, packPackage } = require('./pack');
const { runCaptured } = require('./lib/process');
const { secondsSince: since } = require('./lib/time');
const { startN8n } = require('./n8n-server');

const REPO = path.resolve(__dirname, '..');
const DEV_DIR = path.join(REPO, '.dev');
const PACK_DIR = path.join(DEV_DIR, 'pack');
const USER_FOLDER = path.join(DEV_DIR, 'n8n-user');
const OWNER_FILE = path.join(USER_FOLDER, 'dev-owner.json');
// n8n runs in its user folder and 2.x lets the file node write only inside N8N_RESTRICT_FILE_ACCESS_TO:
// the examples write the relative path maxapi/<taskId>.png, which lands here.
const FILES_DIR = path.join(USER_FOLDER, 'maxapi');
const OWNER_EMAIL = 'dev@maxapi.local';
const CREDENTIAL_TYPE = 'maxApi';
const PACKAGE_NAME = require(path.join(REPO, 'package.json')).name;
const USAGE = `usage: npm run dev [-- --queue]
  --queue  n8n's queue mode: Redis, PostgreSQL, a main, one worker and a webhook process
  --help   this text
Environment: N8N_PORT, MAXAPI_API_KEY, MAXAPI_BASE_URL, MAXAPI_EMULATOR_PORT, MAXAPI_EMULATOR_LATENCY_MS,
MAXAPI_N8N_LOGS=1, MAXAPI_DEV_PACKAGE_TGZ, MAXAPI_EXAMPLES_DIR (see scripts/dev.js)`;

const t0 = Date.now();
const say = (msg) => process.stdout.write(`[dev] ${msg}\n`);

function runNpm(args, label) {
	return runCaptured(process.execPath, [findNpmCli(), ...args], {
		cwd: REPO,
		env: npmEnv(),
		label,
		tailLines: 60,
	});
}

async function buildAndPack() {
	if (process.env.MAXAPI_DEV_PACKAGE_TGZ) {
		const tgz = path.resolve(process.env.MAXAPI_DEV_PACKAGE_TGZ);
		say(`using ${tgz} (MAXAPI_DEV_PACKAGE_TGZ; no build)`);
		return tgz;
	}
	let t = Date.now();
	say('npm run build ...');
	await runNpm(['run', 'build'], 'npm run build');
	say(`built in ${since(t)}s`);
	t = Date.now();
	fs.mkdirSync(PACK_DIR, { recursive: true });
	for (const f of fs.readdirSync(PACK_DIR))
		if (f.endsWith('.tgz')) fs.rmSync(path.join(PACK_DIR, f));
	const packed = packPackage(REPO, PACK_DIR);
	say(
		`packed ${path.relative(REPO, packed.tgz)} (${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} KiB) in ${since(t)}s`,
	);
	return packed.tgz;
}

function devOwner() {
	let saved = null;
	try {
		saved = JSON.parse(fs.readFileSync(OWNER_FILE, 'utf8'));
	} catch {
		// first run
	}
	const password =
		process.env.MAXAPI_DEV_PASSWORD ||
		(saved && saved.password) ||
		`Dev-${crypto.randomBytes(6).toString('hex')}-1A`;
	fs.mkdirSync(USER_FOLDER, { recursive: true });
	fs.writeFileSync(OWNER_FILE, JSON.stringify({ email: OWNER_EMAIL, password }, null, 2) + '\n', {
		mode: 0o600,
	});
	return { email: OWNER_EMAIL, password, firstName: 'Dev', lastName: 'Maxapi' };
}

async function startApiTarget() {
	// The credential's Callback Token: the example submit workflow's node adds it to its Callback URL,
	// and the example trigger checks it.
	const callbackToken = process.env.MAXAPI_CALLBACK_TOKEN || crypto.randomBytes(16).toString('hex');
	if (process.env.MAXAPI_API_KEY) {
		const baseUrl = (process.env.MAXAPI_BASE_URL || 'https://api.maxapi.io').replace(/\/+$/, '');
		say(`MAXAPI_API_KEY is set: the credential uses the real API at ${baseUrl}`);
		return {
			apiKey: process.env.MAXAPI_API_KEY,
			baseUrl,
			callbackToken,
			emulator: null,
			credentialName: 'Max API',
		};
	}
	const emulatorPath = path.join(REPO, 'test', 'emulator', 'index.js');
	if (!fs.existsSync(emulatorPath))
		throw new Error(`no MAXAPI_API_KEY and no emulator at ${emulatorPath}`);
	const { startEmulator } = require(emulatorPath);
	const emulator = await startEmulator({
		port: Number(process.env.MAXAPI_EMULATOR_PORT || 0),
		apiKey: 'dev-emulator-key',
		latencyMs: process.env.MAXAPI_EMULATOR_LATENCY_MS
			? Number(process.env.MAXAPI_EMULATOR_LATENCY_MS)
			: undefined,
	});
	say(`Max API emulator on ${emulator.url} (key ${emulator.apiKey})`);
	return {
		apiKey: emulator.apiKey,
		baseUrl: emulator.url,
		callbackToken,
		emulator,
		credentialName: 'Max API (dev emulator)',
	};
}

async function upsertCredential(n8n, name, data) {
	const existing = (await n8n.listCredentials()).find(
		(c) => c.type === CREDENTIAL_TYPE && c.name === name,
	);
	if (existing) {
		await n8n.updateCredential(existing.id, { type: CREDENTIAL_TYPE, name, data });
		return { id: existing.id, name, updated: true };
	}
	const created = await n8n.createCredential(CREDENTIAL_TYPE, name, data);
	return { id: created.id, name, updated: false };
}

/** The examples' callback URLs name n8n's default address; point them at this instance's webhooks. */
function pointCallbacksAt(workflow, webhookBaseUrl) {
	for (const node of workflow.nodes || []) {
		const options = node.parameters && node.parameters.options;
		if (options && typeof options.callbackUrl === 'string') {
			options.callbackUrl = options.callbackUrl.replace(
				/^http:\/\/127\.0\.0\.1:5678/,
				webhookBaseUrl,
			);
		}
	}
	return workflow;
}

function bindCredential(workflow, credential) {
	for (const node of workflow.nodes || []) {
		const ours = typeof node.type === 'string' && node.type.startsWith(`${PACKAGE_NAME}.`);
		if (ours || (node.credentials && node.credentials[CREDENTIAL_TYPE])) {
			node.credentials = {
				...(node.credentials || {}),
				[CREDENTIAL_TYPE]: { id: credential.id, name: credential.name },
			};
		}
	}
	return workflow;
}

async function importExamples(n8n, credential) {
	const dir = path.resolve(REPO, process.env.MAXAPI_EXAMPLES_DIR || 'examples');
	if (!fs.existsSync(dir)) return [];
	const files = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort();
	const existing = files.length ? await n8n.listWorkflows() : [];
	const imported = [];
	for (const f of files) {
		let wf;
		try {
			wf = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
		} catch (e) {
			say(`skipping examples/${f}: ${e.message}`);
			continue;
		}
		if (!Array.isArray(wf.nodes)) {
			say(`skipping examples/${f}: not a workflow (no nodes array)`);
			continue;
		}
		wf.name = wf.name || path.basename(f, '.json');
		bindCredential(wf, credential);
		pointCallbacksAt(wf, n8n.webhookBaseUrl);
		const same = existing.find((w) => w.name === wf.name && !w.isArchived);
		try {
			const res = same ? await n8n.updateWorkflow(same.id, wf) : await n8n.createWorkflow(wf);
			imported.push({ file: f, id: res.id, name: wf.name, updated: !!same });
		} catch (e) {
			say(`could not import examples/${f}: ${e.message.split('\n')[0]}`);
		}
	}
	return imported;
}

/** The command line's options, or null after printing the usage (--help, or an unknown option). */
function parseArgs(argv) {
	const opts = { queue: false };
	for (const a of argv) {
		if (a === '--queue') opts.queue = true;
		else {
			process[a === '--help' ? 'stdout' : 'stderr'].write(
				`${a === '--help' ? '' : `unknown option ${a}\n`}${USAGE}\n`,
			);
			process.exitCode = a === '--help' ? 0 : 2;
			return null;
		}
	}
	return opts;
}

async function main(args) {
	say(`starting: n8n runtime, build, pack, emulator, n8n${args.queue ? ' in queue mode' : ''}`);
	const runtime = await ensureRuntime();
	const tgz = await buildAndPack();
	const owner = devOwner();
	const target = await startApiTarget();

	let n8n = null;
	let shuttingDown = false;
	const shutdown = async (code, why) => {
		if (shuttingDown) return;
		shuttingDown = true;
		if (why) say(why);
		const t = Date.now();
		await Promise.allSettled([n8n && n8n.stop(), target.emulator && target.emulator.close()]);
		say(`stopped n8n${target.emulator ? ' and the emulator' : ''} in ${since(t)}s`);
		process.exit(code);
	};
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
		process.on(sig, () => shutdown(0, `${sig}: stopping ...`));

	const port = Number(process.env.N8N_PORT || 5678);
	fs.mkdirSync(FILES_DIR, { recursive: true });
	const tStart = Date.now();
	say(`starting n8n on 127.0.0.1:${port} (user folder ${path.relative(REPO, USER_FOLDER)}) ...`);
	try {
		n8n = await startN8n({
			...(args.queue ? { mode: 'queue', workers: 1, workerConcurrency: 10 } : {}),
			runtime,
			userFolder: USER_FOLDER,
			port,
			packageTgz: tgz,
			owner,
			env: { N8N_RESTRICT_FILE_ACCESS_TO: FILES_DIR },
			expectNodeTypes: [`${PACKAGE_NAME}.maxApi`],
			expectCredentialTypes: [CREDENTIAL_TYPE],
			logFile: path.join(USER_FOLDER, 'n8n.log'),
			onLog:
				process.env.MAXAPI_N8N_LOGS === '1'
					? (l) => process.stdout.write(`[n8n] ${l}\n`)
					: undefined,
		});
	} catch (e) {
		if (target.emulator) await target.emulator.close().catch(() => {});
		throw e;
	}
	say(
		`n8n ready in ${since(tStart)}s (loaded ${n8n.package.name}@${n8n.package.version}: ${n8n.package.nodes.join(', ')})`,
	);

	const credential = await upsertCredential(n8n, target.credentialName, {
		apiKey: target.apiKey,
		baseUrl: target.baseUrl,
		callbackToken: target.callbackToken,
	});
	const check = await n8n.testCredential(
		CREDENTIAL_TYPE,
		{ apiKey: target.apiKey, baseUrl: target.baseUrl, callbackToken: target.callbackToken },
		credential,
	);
	say(
		`credential "${credential.name}" (${credential.id}) ${credential.updated ? 'updated' : 'created'}; ` +
			`n8n's credential test: ${check.status}${check.status === 'OK' ? '' : ` (${check.message})`}`,
	);
	const workflows = await importExamples(n8n, credential);

	// exits by itself if n8n dies
	const watchExit = setInterval(() => {
		const ex = n8n.exited();
		if (ex) {
			clearInterval(watchExit);
			process.stdout.write(n8n.logTail(40) + '\n');
			shutdown(
				1,
				`n8n exited unexpectedly (${JSON.stringify(ex)}); log: ${path.join(USER_FOLDER, 'n8n.log')}`,
			);
		}
	}, 1000);

	const lines = [
		'',
		`  n8n ${runtime.n8nVersion} with ${n8n.package.name}@${n8n.package.version} is running (ready in ${since(t0)}s total)`,
		'',
		`  Editor:    ${n8n.url}`,
		...(n8n.mode === 'queue'
			? [
					`  Queue:     ${Object.keys(n8n.processes()).join(', ')}; webhooks on ${n8n.webhookBaseUrl}; ` +
						`Redis :${n8n.services.redis.port}, PostgreSQL :${n8n.services.postgres.port} (fresh every run)`,
				]
			: []),
		`  Login:     ${owner.email}`,
		`  Password:  ${owner.password}`,
		`  Max API:   ${target.baseUrl}${target.emulator ? ' (emulator)' : ''}  -> credential "${credential.name}"`,
		...(workflows.length
			? [
					'  Workflows:',
					...workflows.map(
						(w) => `    ${n8n.url}/workflow/${w.id}  ${w.name}${w.updated ? ' (updated)' : ''}`,
					),
				]
			: ['  Workflows: none in examples/']),
		`  Images:    the examples' file nodes write into ${path.relative(REPO, FILES_DIR)}/`,
		`  n8n log:   ${path.relative(REPO, path.join(USER_FOLDER, 'n8n.log'))}   (MAXAPI_N8N_LOGS=1 to echo it)`,
		`  API key:   X-N8N-API-KEY in ${path.relative(REPO, path.join(USER_FOLDER, 'dev-api-key.txt'))}`,
		'',
		'  Ctrl+C stops n8n and the emulator. Re-run `npm run dev` after changing the node: it rebuilds and reinstalls.',
		'',
	];
	fs.writeFileSync(path.join(USER_FOLDER, 'dev-api-key.txt'), n8n.apiKey + '\n', { mode: 0o600 });
	process.stdout.write(lines.join('\n') + '\n');
}

const args = parseArgs(process.argv.slice(2));
if (args)
	main(args).catch((err) => {
		process.stderr.write(`[dev] FAILED after ${since(t0)}s: ${err.stack || err.message}\n`);
		process.exit(1);
	});
