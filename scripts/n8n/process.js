'use strict';
/**
 * n8n (or another server) as a child process this tooling owns: spawned as the leader of its own
 * process group (so its task runner and children stop with it), its output kept as lines, stopped
 * gracefully or killed, and never outliving the tooling. An n8n also gets the watchdog
 * (scripts/n8n-watchdog.js, preloaded into it), which kills its group when the starting process dies,
 * even by SIGKILL. Plain CommonJS, no dependencies, runs on Node 20.
 */
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { killGroup } = require('../lib/process');

const WATCHDOG = path.join(__dirname, '..', 'n8n-watchdog.js');
const MAX_LOG_LINES = 20000;

// ---------------------------------------------------------------------------------------------
// nothing we start may outlive us: everything running is registered until it is stopped

const registered = new Set();
let hooksInstalled = false;

function installExitHooks() {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', () => {
		for (const entry of registered) entry.killNow();
	});
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		const handler = () => {
			// Stop everything we started (stop() is idempotent: scripts/dev.js's own handler shares it).
			const stops = [...registered].map((entry) => entry.stop());
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

/**
 * Registers what must end when this process ends: killNow() (synchronous, at 'exit') and stop() (a
 * signal's graceful way). Returns the function that unregisters it.
 */
function registerCleanup({ killNow, stop }) {
	installExitHooks();
	const entry = { killNow, stop };
	registered.add(entry);
	return () => registered.delete(entry);
}

// ---------------------------------------------------------------------------------------------

/**
 * Spawns `cmd args` as a process-group leader and keeps its output as lines.
 *   logs: the array the lines go to (shared by the processes of one n8n); label: prefix of its lines;
 *   onLog: called with each line; logStream: a writable the lines are appended to;
 *   watchdogFd: give the child the write end of a pipe on fd 3 (scripts/n8n-watchdog.js reads it);
 *   stopSignal: what asks it to shut down (PostgreSQL: SIGINT, its fast shutdown).
 */
function spawnGroup({
	cmd,
	args,
	env,
	cwd,
	logs = [],
	label = '',
	onLog = null,
	logStream = null,
	watchdogFd = false,
	stopSignal = 'SIGTERM',
}) {
	const child = spawn(cmd, args, {
		cwd,
		env,
		detached: true, // own process group: stop() kills it and its children together
		stdio: ['ignore', 'pipe', 'pipe', ...(watchdogFd ? ['pipe'] : [])],
	});
	const watchdogPipe = watchdogFd ? child.stdio[3] : null;
	if (watchdogPipe && watchdogPipe.unref) watchdogPipe.unref();

	let exited = null;
	const closePromise = new Promise((resolve) => child.on('close', resolve));
	const exitPromise = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			resolve(exited);
		});
		child.on('error', (err) => {
			exited = { code: null, signal: null, error: err.message };
			resolve(exited);
		});
	});

	const addLines = (stream) => {
		let buf = '';
		stream.on('data', (chunk) => {
			buf += chunk.toString('utf8');
			let i;
			while ((i = buf.indexOf('\n')) >= 0) {
				// eslint-disable-next-line no-control-regex -- ESC (\x1b) starts the ANSI colour codes stripped here
				const line = label + buf.slice(0, i).replace(/\x1b\[[0-9;]*m/g, '');
				buf = buf.slice(i + 1);
				logs.push(line);
				if (logs.length > MAX_LOG_LINES) logs.splice(0, 5000);
				if (logStream) logStream.write(line + '\n');
				if (onLog) onLog(line);
			}
		});
	};
	addLines(child.stdout);
	addLines(child.stderr);

	let ready = false;
	let stopping = null;
	/** Ends the group: stopSignal once ready (SIGKILL after graceMs), SIGKILL while it starts. Idempotent. */
	function stop({ graceMs = 15000 } = {}) {
		if (stopping) return stopping;
		stopping = (async () => {
			if (!exited) {
				// A starting n8n handles SIGTERM only once its synchronous start work is done (tens of seconds
				// on a busy machine): kill it outright. A ready one shuts down gracefully.
				killGroup(child.pid, ready ? stopSignal : 'SIGKILL');
				const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
				await exitPromise;
				clearTimeout(timer);
			}
			// children in the group (n8n's task runner) must not survive their leader
			killGroup(child.pid, 'SIGKILL');
			if (watchdogPipe) watchdogPipe.destroy();
			return exited;
		})();
		return stopping;
	}

	return {
		pid: child.pid,
		logs,
		exited: () => exited,
		exitPromise,
		closePromise,
		markReady: () => {
			ready = true;
		},
		stop,
		killNow: () => killGroup(child.pid, 'SIGKILL'),
	};
}

/**
 * Spawns `n8n <args>` (e.g. ['start']) with the runtime's Node 24 and the watchdog preloaded.
 * n8n shuts down gracefully within N8N_GRACEFUL_SHUTDOWN_TIMEOUT (5 s); stop() waits 15 s, then SIGKILL.
 */
function spawnN8n({ runtime, args, env, cwd, nodeArgs = [], ...logging }) {
	return spawnGroup({
		cmd: runtime.nodeBin,
		args: [...nodeArgs, '-r', WATCHDOG, runtime.n8nBin, ...args],
		env: { ...env, MAXAPI_N8N_WATCHDOG_FD: '3' },
		cwd,
		watchdogFd: true,
		...logging,
	});
}

/**
 * Spawns a server that is not Node (Redis, PostgreSQL) under the watchdog, which runs it in its group
 * and kills the group if this process dies. runAs: { uid, gid } of the user the server runs as.
 */
function spawnGuarded({ cmd, args, env, runAs = null, ...rest }) {
	const identity = runAs
		? { MAXAPI_WATCHDOG_UID: String(runAs.uid), MAXAPI_WATCHDOG_GID: String(runAs.gid) }
		: {};
	return spawnGroup({
		cmd: process.execPath,
		args: [WATCHDOG, cmd, ...args],
		env: { ...env, ...identity, MAXAPI_N8N_WATCHDOG_FD: '3' },
		watchdogFd: true,
		...rest,
	});
}

/** Output lines worth showing when something failed: the last n, without migration chatter. */
function logTail(logs, n = 60) {
	return logs
		.filter((l) => !/(Starting|Finished) migration /.test(l))
		.slice(-n)
		.join('\n');
}

/** A log file the lines of every process of one n8n are appended to, or null. */
function openLogFile(file) {
	return file ? fs.createWriteStream(file, { flags: 'a' }) : null;
}

module.exports = { registerCleanup, spawnN8n, spawnGuarded, logTail, openLogFile };
