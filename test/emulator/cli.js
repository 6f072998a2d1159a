#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Run the Max API emulator as a process: `npm run emulator -- --port 5680 --latency-ms 3000`.
 * Stays up until SIGINT/SIGTERM.
 */

const { startEmulator } = require('./index');

const USAGE = `Usage: node test/emulator/cli.js [options]
  --port <n>                     port on 127.0.0.1 (default: env MAXAPI_EMULATOR_PORT or 5680; 0 = any free port)
  --api-key <key>                accepted Bearer key (default: env MAXAPI_EMULATOR_API_KEY or emulator-key)
  --latency-ms <n>               submit-to-terminal time per task (default 3000)
  --latency-scale <x>            instead: each model's typical latency times x (e.g. 0.01)
  --video-bytes <n>              size of every video result (default: the ~6 KB MP4 itself)
  --cancellable-statuses <list>  statuses a cancel accepts, comma-separated (default PENDING,PROCESSING,SUBMITTED)
  --reject-localhost-callbacks   reject callBackUrl on localhost like the real service
  --public-base-url <url>        base of result URLs (default: the emulator's own URL)
  --noise-images                 serve incompressible random-pixel PNGs
  --fetch-inputs                 download each task's imageUrls/mediaUrls as Max API would
  --help`;

/**
 * @param {string[]} argv
 * @returns {Record<string, string | true>}
 */
function parseArgs(argv) {
	/** @type {Record<string, string | true>} */
	const args = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
		const eq = arg.indexOf('=');
		if (eq > 0) {
			args[arg.slice(2, eq)] = arg.slice(eq + 1);
		} else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
			args[arg.slice(2)] = argv[++i];
		} else {
			args[arg.slice(2)] = true;
		}
	}
	return args;
}

/**
 * @param {string | true | undefined} value
 * @param {string} name
 * @returns {number | undefined}
 */
function toNumber(value, name) {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (value === true || !Number.isFinite(n) || n < 0)
		throw new Error(`${name} must be a number >= 0`);
	return n;
}

async function main() {
	const known = [
		'port',
		'api-key',
		'latency-ms',
		'latency-scale',
		'video-bytes',
		'cancellable-statuses',
		'reject-localhost-callbacks',
		'public-base-url',
		'noise-images',
		'fetch-inputs',
		'help',
	];
	const args = parseArgs(process.argv.slice(2));
	const unknown = Object.keys(args).filter((k) => !known.includes(k));
	if (unknown.length) throw new Error(`unknown option --${unknown[0]}`);
	if (args.help) {
		console.log(USAGE);
		return;
	}
	const apiKey = args['api-key'] ?? process.env.MAXAPI_EMULATOR_API_KEY ?? 'emulator-key';
	if (apiKey === true) throw new Error('--api-key needs a value');
	const publicBaseUrl = args['public-base-url'];
	if (publicBaseUrl === true) throw new Error('--public-base-url needs a value');
	const cancellable = args['cancellable-statuses'];
	if (cancellable === true) throw new Error('--cancellable-statuses needs a value');

	const emulator = await startEmulator({
		port: toNumber(args.port ?? process.env.MAXAPI_EMULATOR_PORT, '--port') ?? 5680,
		apiKey,
		latencyMs: toNumber(args['latency-ms'], '--latency-ms') ?? 3000,
		latencyScale: toNumber(args['latency-scale'], '--latency-scale'),
		videoBytes: toNumber(args['video-bytes'], '--video-bytes'),
		cancellableStatuses:
			cancellable === undefined
				? undefined
				: /** @type {any} */ (cancellable.split(',').map((status) => status.trim())),
		rejectLocalhostCallbacks: args['reject-localhost-callbacks'] === true,
		publicBaseUrl,
		noiseImages: args['noise-images'] === true,
		fetchInputs: args['fetch-inputs'] === true,
	});
	console.log(`Max API emulator listening on ${emulator.url} (API key: ${emulator.apiKey})`);

	const stop = () => {
		emulator.close().then(() => process.exit(0));
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((err) => {
	console.error(`emulator: ${err instanceof Error ? err.message : String(err)}`);
	console.error(USAGE);
	process.exit(1);
});
