'use strict';
// Forces a full garbage collection in another Node process (a real n8n started with
// --inspect=127.0.0.1:<port>) through the inspector protocol: HeapProfiler.collectGarbage.
// Used so that the "idle" RSS of n8n is its live memory, not whatever garbage n8n's own start-up
// left for a later GC (which otherwise runs during the measured run and hides its peak).
// The client runs on n8n's Node 24 (it has a WebSocket client; the bench's Node 20 has none).
const { execFile } = require('child_process');

const CLIENT = `
const port = process.argv[1];
const timer = setTimeout(() => { console.error('inspector: no answer'); process.exit(2); }, 15000);
(async () => {
	const targets = await (await fetch('http://127.0.0.1:' + port + '/json/list')).json();
	const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
	let id = 0;
	const call = (method) => new Promise((resolve) => {
		const mine = ++id;
		const onMessage = (event) => { const m = JSON.parse(event.data); if (m.id === mine) { ws.removeEventListener('message', onMessage); resolve(m); } };
		ws.addEventListener('message', onMessage);
		ws.send(JSON.stringify({ id: mine, method }));
	});
	await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('inspector: cannot connect')); });
	await call('HeapProfiler.collectGarbage');
	await call('HeapProfiler.collectGarbage');
	ws.close();
	clearTimeout(timer);
})().catch((error) => { console.error(error.message); process.exit(1); });
`;

/** Resolves once the process listening with its inspector on 127.0.0.1:port has collected its garbage twice. */
function collectGarbage(nodeBin, port) {
	return new Promise((resolve, reject) => {
		execFile(
			nodeBin,
			['-e', CLIENT, String(port)],
			{ timeout: 20_000 },
			(error, _stdout, stderr) =>
				error
					? reject(new Error(`forcing a GC in n8n failed: ${stderr || error.message}`))
					: resolve(),
		);
	});
}

module.exports = { collectGarbage };
