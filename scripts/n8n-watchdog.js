'use strict';
/**
 * Preloaded into the n8n process by scripts/n8n-server.js (`node -r n8n-watchdog.js n8n start`).
 * n8n is started as the leader of its own process group; the starter keeps the write end of a pipe
 * on fd 3. When the starter dies in any way (even SIGKILL), the pipe closes and this kills the whole
 * group (n8n and its task runner), so no n8n outlives the tool that started it.
 */
const net = require('net');
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
