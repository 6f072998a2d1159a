#!/usr/bin/env node
'use strict';
/**
 * Performance benchmark of n8n-nodes-maxapi against the Max API emulator: batches, polling cost,
 * detection delay and memory, next to the alternatives, in one run, printed as one table.
 *
 *   npm run bench                                  # everything, L = 3000 ms (node rows also at 20000 ms), 3 repeats (medians)
 *   npm run bench -- --latency-ms 5000 --repeats 5
 *   npm run bench -- --only node,callbacks         # some sections only
 *   npm run bench -- --only node --repeats 1 --no-write   # the node rows at both latencies, once
 *   npm run bench -- --only video --repeats 1      # the video download row only
 *   npm run bench -- --only pause,triggerRate --repeats 1 --no-write   # the real-n8n callback sections
 *
 * Options (flags, or the env variable in brackets):
 *   --latency-ms <ms>     generation latency L of every emulated task (BENCH_LATENCY_MS, default 3000)
 *   --real-latency-ms <ms> the node section runs its rows again at this realistic L, the catalog's GPT Image 2
 *                         taking 15-60 s (BENCH_REAL_LATENCY_MS, default 20000; 0: not run)
 *   --repeats <k>         runs per row; the table shows medians (BENCH_REPEATS, default 3)
 *   --only <list>         sections: node,callbacks,reference,nocode,memory,video,pause,triggerRate,package
 *                         (BENCH_ONLY, default all). pause: Wait Mode = Pause Until Callback in a real n8n;
 *                         triggerRate: callbacks per second into an active Max API Trigger workflow next to
 *                         n8n's Webhook node, regular and queue mode
 *   --node-options <json> more options of the Max API node in the node rows, for diagnosis, e.g.
 *                         '{"maxParallelRequests":20}' or '{"downloadImages":false}' (the rows say so)
 *   --sizes <list>        N for node, callbacks, reference and pause (default 1,10,100,1000 for node, 1,10,100
 *                         for the others)
 *   --rate-callbacks <n>  callbacks per round of the triggerRate section (default 100; max(2, repeats) rounds
 *                         of the trigger and of the Webhook node, alternating, per n8n mode)
 *   --reference-max-n <n> largest N the sequential reference strategy really runs; larger N are
 *                         extrapolated from the largest one run (default 10: N=100 would take ~5 min)
 *   --nocode-sizes <list> N for the no-code workflow in a real n8n (default 1,10,100)
 *   --memory-sizes <list> N of 4k images for the memory section (default 10,20)
 *   --video-sizes <list>  sizes in MB (MiB) of the one video of the video section, a row each (default 30,300)
 *   --max-minutes <m>     time budget: remaining repeats are skipped past it (default 60; a full run takes ~30 min)
 *   --write / --no-write  write the table into BENCHMARKS.md (default: only when every section ran)
 *   --json <file>         also write every run's raw figures to this JSON file
 *   --package-dir <dir>   benchmark another build of the package (a folder with package.json and dist/,
 *                         and node_modules/n8n-workflow linked to this repository's copy), e.g. a
 *                         prototype; default: this repository
 *
 * The package is used compiled (dist/: `npm run bench` builds first); the in-process sections load
 * test/harness/engine.ts through bench/lib/ts-require.js. Everything listens on 127.0.0.1 and
 * everything started here is stopped at the end, on failure and on Ctrl-C too.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { REPO } = require('./lib/ts-require');
const { installSignalHandlers, stopAll } = require('./lib/cleanup');
const { table } = require('./lib/report');

const SECTIONS = [
	'node',
	'callbacks',
	'reference',
	'nocode',
	'memory',
	'video',
	'pause',
	'triggerRate',
	'package',
];

function parseArgs(argv) {
	const args = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--'))
			throw new Error(`unexpected argument ${arg} (see the top of bench/run.js)`);
		const eq = arg.indexOf('=');
		if (eq > 0) args[arg.slice(2, eq)] = arg.slice(eq + 1);
		else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) args[arg.slice(2)] = argv[++i];
		else args[arg.slice(2)] = true;
	}
	const known = [
		'latency-ms',
		'real-latency-ms',
		'node-options',
		'repeats',
		'only',
		'sizes',
		'reference-max-n',
		'nocode-sizes',
		'memory-sizes',
		'video-sizes',
		'rate-callbacks',
		'max-minutes',
		'write',
		'no-write',
		'json',
		'package-dir',
		'help',
	];
	const unknown = Object.keys(args).filter((key) => !known.includes(key));
	if (unknown.length)
		throw new Error(
			`unknown option --${unknown[0]} (known: ${known.map((k) => `--${k}`).join(' ')})`,
		);
	return args;
}

function number(value, name, { min = 0, integer = false } = {}) {
	const n = Number(value);
	if (value === true || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
		throw new Error(`${name} must be a number >= ${min}`);
	return n;
}

function list(value, name) {
	return String(value)
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean)
		.map((s) => number(s, name, { min: 1, integer: true }));
}

function jsonObject(value, name) {
	if (value === undefined) return undefined;
	let parsed;
	try {
		parsed = JSON.parse(String(value));
	} catch {
		parsed = undefined;
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
		throw new Error(`${name} must be a JSON object`);
	return parsed;
}

function git(args) {
	try {
		return execFileSync('git', args, {
			cwd: REPO,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}).trimEnd();
	} catch {
		return '';
	}
}

/** The 1-minute load average, sampled every 5 s while the bench runs (the machine is shared). */
function startLoadSampler(ctx) {
	ctx.info.load = [];
	const sample = () => ctx.info.load.push(os.loadavg()[0]);
	sample();
	const timer = setInterval(sample, 5000);
	timer.unref();
	return () => (clearInterval(timer), sample());
}

function loadRange(ctx) {
	const load = ctx.info.load ?? [];
	if (!load.length) return 'unknown';
	const sorted = [...load].sort((a, b) => a - b);
	return `${sorted[0].toFixed(1)}–${sorted.at(-1).toFixed(1)} (median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)}) on ${os.cpus().length} cores`;
}

function machine(ctx) {
	const cpus = os.cpus();
	const lines = [
		`- Machine: ${typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length} cores (${cpus[0]?.model ?? 'unknown CPU'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, Linux ${os.release()}`,
		`- Node ${process.version} (bench, in-process n8n-core 2.41.1 engine, emulator)${ctx.info.n8n ? `; real n8n ${ctx.info.n8n.n8nVersion} on Node ${ctx.info.n8n.nodeVersion}` : ''}`,
	];
	const { commit, dirty } = ctx.info.git;
	if (ctx.packageDir !== REPO)
		lines.push(`- Package: the build in ${ctx.packageDir} (not this repository's dist/)`);
	else
		lines.push(
			`- Package: commit ${commit || 'unknown'}${dirty ? ` plus uncommitted changes in ${dirty}` : ''} (as the run started)`,
		);
	return lines.join('\n');
}

const MARK_START =
	'<!-- bench:results:start (written by bench/run.js; edit outside these markers) -->';
const MARK_END = '<!-- bench:results:end -->';

function writeBenchmarksMd(block) {
	const file = path.join(REPO, 'BENCHMARKS.md');
	const fresh = `# Benchmarks\n\n${MARK_START}\n${block}\n${MARK_END}\n`;
	let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
	const a = text.indexOf(MARK_START);
	const b = text.indexOf(MARK_END);
	text =
		a >= 0 && b > a
			? `${text.slice(0, a)}${MARK_START}\n${block}\n${text.slice(b)}`
			: text
				? `${text.trimEnd()}\n\n${MARK_START}\n${block}\n${MARK_END}\n`
				: fresh;
	fs.writeFileSync(file, text);
	return file;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0]);
		return;
	}
	const only = String(args.only ?? process.env.BENCH_ONLY ?? SECTIONS.join(','))
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	for (const s of only)
		if (!SECTIONS.includes(s))
			throw new Error(`--only: unknown section ${s} (known: ${SECTIONS.join(', ')})`);
	const started = Date.now();
	const maxMinutes = number(args['max-minutes'] ?? 60, '--max-minutes', { min: 1 });
	const ctx = {
		L: number(args['latency-ms'] ?? process.env.BENCH_LATENCY_MS ?? 3000, '--latency-ms', {
			min: 100,
			integer: true,
		}),
		realL: number(
			args['real-latency-ms'] ?? process.env.BENCH_REAL_LATENCY_MS ?? 20000,
			'--real-latency-ms',
			{ min: 0, integer: true },
		),
		repeats: number(args.repeats ?? process.env.BENCH_REPEATS ?? 3, '--repeats', {
			min: 1,
			integer: true,
		}),
		sizes: list(args.sizes ?? '1,10,100', '--sizes'),
		nodeSizes: list(args.sizes ?? '1,10,100,1000', '--sizes'),
		nodeOptions: jsonObject(args['node-options'], '--node-options'),
		referenceMaxN: number(args['reference-max-n'] ?? 10, '--reference-max-n', {
			min: 1,
			integer: true,
		}),
		nocodeSizes: list(args['nocode-sizes'] ?? '1,10,100', '--nocode-sizes'),
		memorySizes: list(args['memory-sizes'] ?? '10,20', '--memory-sizes'),
		videoSizes: list(args['video-sizes'] ?? '30,300', '--video-sizes'),
		rateCallbacks: number(args['rate-callbacks'] ?? 100, '--rate-callbacks', {
			min: 1,
			integer: true,
		}),
		deadline: started + maxMinutes * 60_000,
		timeLeft: () => Date.now() < ctx.deadline,
		log: (line) =>
			process.stderr.write(
				`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`,
			),
		info: {},
		packageDir: path.resolve(typeof args['package-dir'] === 'string' ? args['package-dir'] : REPO),
	};
	if (!fs.existsSync(path.join(ctx.packageDir, 'dist', 'nodes', 'MaxApi', 'MaxApi.node.js')))
		throw new Error(`${ctx.packageDir}/dist is missing: run \`npm run build\` first`);
	// The package as built for this run (npm run bench builds just before): recorded now, as others may commit meanwhile.
	const changed = git(['status', '--porcelain', '--', 'nodes', 'credentials', 'package.json'])
		.split('\n')
		.filter(Boolean)
		.map((line) => line.slice(3));
	ctx.info.git = { commit: git(['rev-parse', '--short', 'HEAD']), dirty: changed.join(', ') };
	installSignalHandlers();
	const stopLoadSampler = startLoadSampler(ctx);
	ctx.log(
		`L = ${ctx.L} ms${only.includes('node') && ctx.realL && ctx.realL !== ctx.L ? ` (node rows also at ${ctx.realL} ms)` : ''}, ${ctx.repeats} repeats, sections: ${only.join(', ')}`,
	);

	const rows = [];
	const failures = [];
	// Order: in-process sections first, then the real n8n ones.
	const order = [
		'node',
		'callbacks',
		'reference',
		'memory',
		'video',
		'nocode',
		'pause',
		'triggerRate',
		'package',
	].filter((s) => only.includes(s));
	// Sections with a table of their own (other columns than the main table's): their tables, in order,
	// and their rows for --json.
	const ownTables = [];
	const ownRows = {};
	try {
		for (const section of order) {
			ctx.log(`section ${section}...`);
			try {
				const module = require(`./sections/${section}`);
				const sectionRows = await module.run(ctx);
				if (module.table) {
					ownTables.push(module.table(sectionRows, ctx));
					ownRows[section] = sectionRows;
				} else rows.push(...sectionRows);
			} catch (error) {
				failures.push(`${section}: ${error.message}`);
				ctx.log(`section ${section} FAILED: ${error.stack || error.message}`);
			}
		}
	} finally {
		stopLoadSampler();
		await stopAll();
	}

	const rank = (key) =>
		['node', 'callbacks', 'reference', 'nocode', 'memory', 'video', 'package'].indexOf(key);
	rows.sort(
		(a, b) =>
			rank(a.key) - rank(b.key) || (a.group ?? 0) - (b.group ?? 0) || (a.n ?? 0) - (b.n ?? 0),
	);
	const elapsed = (Date.now() - started) / 1000;
	// Quoted as a shell needs it, so the command can be pasted (e.g. --node-options '{"downloadImages":false}').
	const argv = process.argv
		.slice(2)
		.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`))
		.join(' ');
	const command =
		process.env.npm_lifecycle_event === 'bench'
			? `npm run bench${argv ? ` -- ${argv}` : ''}`
			: `node ${path.relative(REPO, __filename)}${argv ? ` ${argv}` : ''}`;
	const block = [
		`## Results of ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
		'',
		`- Command: \`${command}\` (took ${Math.floor(Math.round(elapsed) / 60)} min ${Math.round(elapsed) % 60} s)`,
		`- Generation latency L = ${ctx.L} ms for every task${rows.some((row) => row.L && row.L !== ctx.L) ? ` (node rows: also L = ${ctx.realL} ms, as marked)` : ''}; ${ctx.repeats} run${ctx.repeats === 1 ? '' : 's'} per row, medians shown; emulator in its own process`,
		`- Load average (1 min) during the run: ${loadRange(ctx)}`,
		machine(ctx),
		'',
		...(rows.length ? [table(rows, ctx), ''] : []),
		...ownTables.flatMap((own) => [own, '']),
		"Requests per task count the submit and the status queries (for callbacks: the trigger's verification query; for pause: the resume's verification and status queries); downloads are counted apart. " +
			'Detection delay = first query that saw the task finished − the moment it finished at the emulator. ' +
			"Peak RSS of the in-process rows is the bench process's (n8n-core engine + node; emulator not included); the memory and video rows are the n8n process's.",
		...(failures.length ? ['', '**Sections that failed:**', ...failures.map((f) => `- ${f}`)] : []),
	].join('\n');
	process.stdout.write(`\n${block}\n`);
	const write = args['no-write']
		? false
		: args.write
			? true
			: SECTIONS.every((s) => only.includes(s)) && failures.length === 0 && ctx.packageDir === REPO;
	if (write) ctx.log(`table written to ${writeBenchmarksMd(block)}`);
	else ctx.log('BENCHMARKS.md not written (partial run; --write forces it)');
	if (typeof args.json === 'string') {
		fs.writeFileSync(
			path.resolve(args.json),
			`${JSON.stringify({ startedAt: new Date(started).toISOString(), L: ctx.L, realL: ctx.realL, repeats: ctx.repeats, load: ctx.info.load, rows, sections: ownRows, failures }, null, 2)}\n`,
		);
		ctx.log(`raw figures written to ${path.resolve(args.json)}`);
	}
	if (failures.length) process.exitCode = 1;
}

main().catch(async (error) => {
	process.stderr.write(`bench: ${error.stack || error.message}\n`);
	await stopAll();
	process.exit(1);
});
