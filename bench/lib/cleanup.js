'use strict';
// Everything the bench starts registers a stop function here; stopAll() runs them (newest first).
// SIGINT/SIGTERM and uncaught errors stop everything before the process exits.
const stops = new Map();
let nextId = 1;

function register(name, stop) {
	const id = nextId++;
	stops.set(id, { name, stop });
	return () => stops.delete(id);
}

async function stopAll() {
	const entries = [...stops.entries()].reverse();
	stops.clear();
	for (const [, { name, stop }] of entries) {
		if (process.env.BENCH_DEBUG) process.stderr.write(`bench: stopping ${name}\n`);
		try {
			await Promise.race([stop(), new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
		} catch (error) {
			process.stderr.write(`bench: stopping ${name} failed: ${error.message}\n`);
		}
	}
}

let exiting = false;
function installSignalHandlers() {
	const onSignal = (signal) => {
		if (exiting) return;
		exiting = true;
		process.stderr.write(`\nbench: ${signal}, stopping everything it started...\n`);
		stopAll().finally(() => process.exit(130));
	};
	process.once('SIGINT', () => onSignal('SIGINT'));
	process.once('SIGTERM', () => onSignal('SIGTERM'));
}

module.exports = { register, stopAll, installSignalHandlers };
