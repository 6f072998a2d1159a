'use strict';
// The Max API emulator (test/emulator) in its own process, so that the bench process's RSS is the
// n8n engine's and the node's, not the emulator's (which holds the served images). Started by
// bench/lib/emulator-process.js with an IPC-less pipe on stdin: when the parent goes away (even
// killed), stdin ends and this process closes the emulator and exits.
const { startEmulator } = require('../../test/emulator');

async function main() {
	const options = JSON.parse(process.argv[2] || '{}');
	const emulator = await startEmulator({ port: 0, host: '127.0.0.1', ...options });
	let closing = false;
	const stop = () => {
		if (closing) return;
		closing = true;
		const force = setTimeout(() => process.exit(0), 3000);
		force.unref();
		emulator.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.stdin.on('end', stop);
	process.stdin.on('close', stop);
	process.stdin.resume();
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	process.stdout.write(`${JSON.stringify({ url: emulator.url, apiKey: emulator.apiKey })}\n`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
