'use strict';
/**
 * What n8n's queue mode needs besides n8n: Redis (the job queue) and PostgreSQL (the database every
 * n8n process shares), from Debian's packages, run as local processes on 127.0.0.1 with their data in
 * a folder of the caller's (no system service is started or touched). Plain CommonJS, runs on Node 20.
 */
const fs = require('fs');
const net = require('net');
const path = require('path');
const { spawnSync } = require('child_process');
const { runCaptured } = require('../lib/process');
const { sleep } = require('../lib/time');
const { spawnGuarded } = require('./process');

const PACKAGES = ['redis-server', 'postgresql'];
const DATABASE = 'n8n';

/** The newest PostgreSQL server's bin folder of Debian's layout (/usr/lib/postgresql/<major>/bin), or null. */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	let majors = [];
	try {
		majors = fs
			.readdirSync(root)
			.filter((v) => /^\d+$/.test(v))
			.sort((a, b) => Number(b) - Number(a));
	} catch {
		return null;
	}
	const found = majors
		.map((v) => path.join(root, v, 'bin'))
		.find((dir) => fs.existsSync(path.join(dir, 'postgres')));
	return found || null;
}

const commandExists = (cmd) =>
	spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;

/**
 * Installs redis-server and postgresql with apt-get when one is missing (sudo when not root). A fresh
 * CI machine gets them in .ci/run already; this covers `npm run dev -- --queue` and a lone test run.
 */
async function ensureQueuePackages(log) {
	if (commandExists('redis-server') && postgresBinDir()) return false;
	const sudo = process.getuid && process.getuid() !== 0 ? ['sudo'] : [];
	const t0 = Date.now();
	log(`installing ${PACKAGES.join(' and ')} with apt-get (Debian's packages; about 15 s) ...`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const apt = (args, label) => {
		const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
		return runCaptured(cmd, rest, { env, label });
	};
	// another apt-get on the machine holds the lock for a while: wait for it rather than fail
	await apt(['update', '-qq'], 'apt-get update');
	await apt(
		['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=300', ...PACKAGES],
		`apt-get install ${PACKAGES.join(' ')}`,
	);
	if (!commandExists('redis-server') || !postgresBinDir())
		throw new Error(
			`apt-get installed ${PACKAGES.join(', ')} but redis-server or postgres is still missing`,
		);
	log(`installed ${PACKAGES.join(' and ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	return true;
}

/** Resolves when `probe()` is true; fails when the process exits or the time is up. */
async function waitFor(what, proc, probe, timeoutMs) {
	const t0 = Date.now();
	for (;;) {
		if (proc.exited())
			throw new Error(`${what} exited during start (${JSON.stringify(proc.exited())})`);
		if (await probe()) return Date.now() - t0;
		if (Date.now() - t0 > timeoutMs) throw new Error(`${what} not ready after ${timeoutMs} ms`);
		await sleep(100);
	}
}

/** Redis answers PING with +PONG. */
function redisPong(port) {
	return new Promise((resolve) => {
		const sock = net.connect(port, '127.0.0.1');
		let answer = '';
		const done = (ok) => {
			sock.destroy();
			resolve(ok);
		};
		sock.setTimeout(1000, () => done(false));
		sock.on('connect', () => sock.write('PING\r\n'));
		sock.on('data', (d) => {
			answer += d;
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
		sock.on('error', () => done(false));
	});
}

/** Redis on 127.0.0.1:port, nothing persisted (its folder is only its working directory). */
async function startRedis({ dir, port, logging }) {
	const t0 = Date.now();
	fs.mkdirSync(dir, { recursive: true });
	const proc = spawnGuarded({
		cmd: 'redis-server',
		args: [
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
		],
		env: process.env,
		cwd: dir,
		label: '[redis] ',
		...logging,
	});
	await waitFor('redis-server', proc, () => redisPong(port), 30000);
	proc.markReady();
	return { proc, port, readyMs: Date.now() - t0 };
}

/** The postgres user's uid/gid when we are root (PostgreSQL refuses to run as root), else null: run as ourselves. */
function postgresIdentity() {
	if (!process.getuid || process.getuid() !== 0) return null;
	const id = (flag) =>
		Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const uid = id('-u');
	const gid = id('-g');
	if (!uid)
		throw new Error(
			'running as root, and there is no postgres user to run PostgreSQL as (apt-get install postgresql makes it)',
		);
	return { uid, gid };
}

/**
 * PostgreSQL on 127.0.0.1:port with its cluster in `dir` (made by initdb on first use, trust auth, user
 * postgres) and a database `n8n`. Run as the postgres user when we are root: through the watchdog's
 * uid switch rather than `su -c` (su puts its command in a session of its own, out of reach of the
 * process-group kill that stops it).
 */
async function startPostgres({ dir, port, logging }) {
	const t0 = Date.now();
	const bin = postgresBinDir();
	if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
	const runAs = postgresIdentity();
	if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
		fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
		if (runAs) fs.chownSync(dir, runAs.uid, runAs.gid);
		const initdb = spawnSync(
			path.join(bin, 'initdb'),
			['-D', dir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'],
			{
				encoding: 'utf8',
				cwd: dir,
				...(runAs || {}),
			},
		);
		if (initdb.status !== 0)
			throw new Error(`initdb -D ${dir} failed: ${initdb.stderr || initdb.error}`);
	}
	const proc = spawnGuarded({
		cmd: path.join(bin, 'postgres'),
		// A throwaway test database: no fsync, so n8n's migrations do not wait on the disk.
		args: [
			'-D',
			dir,
			'-p',
			String(port),
			'-k',
			dir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
		],
		env: process.env,
		cwd: dir,
		runAs,
		label: '[postgres] ',
		stopSignal: 'SIGINT', // fast shutdown: SIGTERM would wait for every client to leave
		...logging,
	});
	const isReady = () =>
		spawnSync(path.join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)])
			.status === 0;
	await waitFor('postgres', proc, async () => isReady(), 60000);
	proc.markReady();
	const exists = spawnSync(
		path.join(bin, 'psql'),
		[
			'-h',
			'127.0.0.1',
			'-p',
			String(port),
			'-U',
			'postgres',
			'-tAc',
			`SELECT 1 FROM pg_database WHERE datname='${DATABASE}'`,
		],
		{ encoding: 'utf8' },
	);
	if (exists.stdout.trim() !== '1') {
		const created = spawnSync(
			path.join(bin, 'createdb'),
			['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', DATABASE],
			{ encoding: 'utf8' },
		);
		if (created.status !== 0)
			throw new Error(`createdb ${DATABASE} failed: ${created.stderr || created.error}`);
	}
	return { proc, port, database: DATABASE, user: 'postgres', readyMs: Date.now() - t0 };
}

/**
 * Redis and PostgreSQL for one queue-mode n8n, started together, data in `dir` (redis/, postgres/).
 * Resolves to { redis, postgres, stop(), killNow() }; `log` gets each one's start time.
 */
async function startQueueServices({ dir, redisPort, postgresPort, logging, log }) {
	await ensureQueuePackages(log);
	const started = await Promise.allSettled([
		startRedis({ dir: path.join(dir, 'redis'), port: redisPort, logging }),
		startPostgres({ dir: path.join(dir, 'postgres'), port: postgresPort, logging }),
	]);
	const up = started.filter((r) => r.status === 'fulfilled').map((r) => r.value);
	const stop = async () => {
		await Promise.all(up.map((s) => s.proc.stop()));
	};
	const failed = started.find((r) => r.status === 'rejected');
	if (failed) {
		await stop();
		throw failed.reason;
	}
	const [redis, postgres] = up;
	log(
		`redis ready in ${(redis.readyMs / 1000).toFixed(1)} s, postgres (initdb, start, database ${postgres.database}) in ${(postgres.readyMs / 1000).toFixed(1)} s`,
	);
	return { redis, postgres, stop, killNow: () => up.forEach((s) => s.proc.killNow()) };
}

module.exports = { startQueueServices };
