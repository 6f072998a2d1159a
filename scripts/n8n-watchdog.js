'use strict';
/**
 * Keeps what this tooling starts from outliving it. The starter runs each server as the leader of its
 * own process group and keeps the write end of a pipe on the server's fd 3; when the starter dies in
 * any way (even SIGKILL), the pipe closes and this kills the whole group. Two uses:
 *
 *   node -r n8n-watchdog.js n8n start      preloaded into n8n (it and its task runner are the group)
 *   node n8n-watchdog.js <cmd> [args...]   around a server that is not Node (Redis, PostgreSQL): runs
 *                                          it as a child in the same group, exits with its exit code
 */
const net = require('net');
const { spawn } = require('child_process');
const { killGroup: signalGroup } = require('./lib/process');

const fd = Number(process.env.MAXAPI_N8N_WATCHDOG_FD || 0);
delete process.env.MAXAPI_N8N_WATCHDOG_FD;

if (fd > 0) {
	let fired = false;
	// not a group leader: at least stop ourselves
	const signal = (sig) => signalGroup(process.pid, sig) || process.kill(process.pid, sig);
	const killGroup = () => {
		if (fired) return;
		fired = true;
		signal('SIGTERM');
		setTimeout(() => signal('SIGKILL'), 3000).unref();
	};
	try {
		const sock = new net.Socket({ fd, readable: true, writable: false });
		sock.on('data', () => {});
		sock.on('end', killGroup);
		sock.on('close', killGroup);
		sock.on('error', killGroup);
		sock.unref();
	} catch {
		// fd not usable: run without the watchdog
	}
}

if (require.main === module) {
	// MAXAPI_WATCHDOG_UID/GID: run the server as that user (PostgreSQL refuses to run as root).
	const uid = process.env.MAXAPI_WATCHDOG_UID ? Number(process.env.MAXAPI_WATCHDOG_UID) : undefined;
	const gid = process.env.MAXAPI_WATCHDOG_GID ? Number(process.env.MAXAPI_WATCHDOG_GID) : undefined;
	delete process.env.MAXAPI_WATCHDOG_UID;
	delete process.env.MAXAPI_WATCHDOG_GID;
	const [cmd, ...args] = process.argv.slice(2);
	const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], uid, gid });
	// A stop signal reaches the whole group, the server included: wait for the server to shut down in its
	// own way and exit with it, rather than die first and leave the starter thinking it is gone.
	for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => {});
	child.on('error', (err) => {
		process.stderr.write(`cannot run ${cmd}: ${err.message}\n`);
		process.exit(127);
	});
	child.on('exit', (code, sig) =>
		process.exit(code === null ? 128 + (require('os').constants.signals[sig] || 0) : code),
	);
}
