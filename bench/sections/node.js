'use strict';
// Section "node": the Max API node with Wait for Completion, N items, inside n8n's engine (n8n-core,
// in this process), against the emulator in another process. Its rows run at two latencies:
//
// - L = --latency-ms (3 s), with the node's Expected Duration option set to L: a user whose tasks take
//   3 s tells the node so (GPT Image 2's usual time in the catalog is 15 s);
// - L = --real-latency-ms (20 s), a realistic GPT Image 2 task, with no option: the node waits by the
//   catalog's usual time (15 s), as a user who sets nothing gets;
// - and one informational row at L = 3 s WITHOUT the option, N = 1: a task five times faster than the
//   model's usual time, the schedule's worst case (found at the early query or at the usual time).
const fs = require('fs');
const path = require('path');
const { startEmulatorProcess } = require('../lib/emulator-process');
const { startSampler } = require('../lib/memory');
const { repeatRuns, settle, taskMetrics } = require('../lib/util');
const { loadHarness, maxApiWorkflow } = require('./harness');

/** GPT Image 2's usual time (s) in the catalog of the package under test, if it has one. */
function usualSeconds(ctx) {
	try {
		const models = require(path.join(ctx.packageDir, 'dist', 'nodes', 'shared', 'models'));
		return models.findModel(models.DEFAULT_MODEL.textToImage)?.timing?.typicalSeconds?.[0];
	} catch {
		return undefined;
	}
}

/**
 * On-CPU and run-queue-wait time (ms) of a process's main thread so far, from /proc/<pid>/schedstat
 * (Linux); undefined elsewhere. Shows whether a slow run was working or waiting for a CPU.
 */
function schedstat(pid) {
	try {
		const [onCpuNs, waitNs] = fs
			.readFileSync(`/proc/${pid}/schedstat`, 'utf8')
			.trim()
			.split(/\s+/)
			.map(Number);
		return { onCpuMs: onCpuNs / 1e6, waitMs: waitNs / 1e6 };
	} catch {
		return undefined;
	}
}

const schedDelta = (before, after) =>
	before && after
		? {
				onCpuMs: Math.round(after.onCpuMs - before.onCpuMs),
				waitMs: Math.round(after.waitMs - before.waitMs),
			}
		: undefined;

/** schedstat of the bench's and the emulator's main threads every 100 ms, to split a run into phases. */
function startSchedSampler(emuPid) {
	const samples = [];
	const sample = () =>
		samples.push({ t: Date.now(), bench: schedstat(process.pid), emulator: schedstat(emuPid) });
	sample();
	const timer = setInterval(sample, 100);
	return {
		stop: () => (clearInterval(timer), sample(), samples),
	};
}

/**
 * Per phase [from, to) of the run: its wall time and, for each main thread, the time on a CPU and
 * waiting for one (from the samples nearest the bounds).
 */
function phaseSplit(samples, bounds) {
	const at = (t) =>
		samples.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best), samples[0]);
	return bounds.map(({ name, from, to }) => {
		const a = at(from);
		const b = at(to);
		return {
			name,
			wallMs: Math.round(to - from),
			bench: schedDelta(a.bench, b.bench),
			emulator: schedDelta(a.emulator, b.emulator),
		};
	});
}

const describePhases = (phases) =>
	phases
		.map(
			(p) =>
				`${p.name} ${(p.wallMs / 1000).toFixed(1)} s${p.bench ? ` (bench CPU ${(p.bench.onCpuMs / 1000).toFixed(1)} + wait ${(p.bench.waitMs / 1000).toFixed(1)} s, emulator ${(p.emulator.onCpuMs / 1000).toFixed(1)} + ${(p.emulator.waitMs / 1000).toFixed(1)} s)` : ''}`,
		)
		.join('; ');

/** The row groups of the section, in table order. */
function variants(ctx) {
	const usual = usualSeconds(ctx);
	const nodeOptions = ctx.nodeOptions;
	const groups = [
		{
			group: 0,
			L: ctx.L,
			expectedSeconds: ctx.L / 1000,
			sizes: ctx.nodeSizes,
			usualSeconds: usual,
		},
	];
	if (usual === undefined || ctx.L < usual * 1000)
		groups.push({ group: 1, L: ctx.L, sizes: [1], informational: true, usualSeconds: usual });
	if (ctx.realL && ctx.realL !== ctx.L)
		groups.push({ group: 2, L: ctx.realL, sizes: ctx.nodeSizes, usualSeconds: usual });
	return groups.map((g) => ({ ...g, nodeOptions }));
}

async function runOnce(ctx, { harness, pkg, emu, n, label, L, expectedSeconds }) {
	await emu.reset();
	await settle();
	const rssBefore = process.memoryUsage.rss();
	const sampler = startSampler(process.pid);
	const prompts = Array.from({ length: n }, (_, i) => `${label} ${i}`);
	const schedSampler = startSchedSampler(emu.pid);
	const started = Date.now();
	const result = await harness.runWorkflow(
		maxApiWorkflow({
			pkg,
			emu,
			prompts,
			expectedSeconds,
			options: ctx.nodeOptions ?? {},
			timeoutMs: Math.max(60_000, 20 * L + n * 500),
		}),
	);
	const ended = Date.now();
	const samples = schedSampler.stop();
	const peak = sampler.stop();
	if (result.status !== 'success')
		throw new Error(`node run (N=${n}) ended ${result.status}: ${result.error?.message}`);
	const out = result.outputOf('Max API');
	const download = ctx.nodeOptions?.downloadImages !== false;
	const ok = out.filter(
		(item) => item.json.status === 'SUCCESS' && (!download || item.binary?.data),
	).length;
	if (out.length !== n || ok !== n)
		throw new Error(
			`node run (N=${n}): ${ok}/${out.length} items succeeded${download ? ' with an image' : ''}`,
		);
	const stats = await emu.stats();
	const metrics = taskMetrics(stats, n);
	// Where the wall time goes (emulator and bench share the clock): until the first submit, the
	// submits' spread, the last completion to its detection, and the last detection to the run's end
	// (downloads and output).
	const phases = {
		toFirstSubmitMs: metrics.firstSubmitAt - started,
		lastDetectedToEndMs: ended - metrics.lastDetectedAt,
		lastCompletedToDetectedMs: metrics.lastDetectedAt - metrics.lastCompletedAt,
	};
	const lastSubmitAt = metrics.firstSubmitAt + metrics.submitSpreadMs;
	const split = phaseSplit(samples, [
		{ name: 'to first submit', from: started, to: metrics.firstSubmitAt },
		{ name: 'submits', from: metrics.firstSubmitAt, to: lastSubmitAt },
		{ name: 'last submit to last detection', from: lastSubmitAt, to: metrics.lastDetectedAt },
		{ name: 'after', from: metrics.lastDetectedAt, to: ended },
	]);
	const sched = phaseSplit(samples, [{ name: 'run', from: started, to: ended }])[0];
	const queriesHistogram = {};
	for (const task of Object.values(stats.byTask))
		queriesHistogram[task.queries] = (queriesHistogram[task.queries] ?? 0) + 1;
	return {
		wallMs: ended - started,
		peakRss: peak.main,
		rssBefore,
		...metrics,
		...phases,
		queriesHistogram,
		sched: { bench: sched.bench, emulator: sched.emulator },
		phaseSplit: split,
	};
}

async function run(ctx) {
	const { harness, pkg } = await loadHarness(ctx);
	const rows = [];
	const groups = variants(ctx);
	for (const L of [...new Set(groups.map((g) => g.L))]) {
		const emu = await startEmulatorProcess({ latencyMs: L });
		try {
			// Warm-up (not measured): loads the node, JIT, connection pools.
			await runOnce(ctx, { harness, pkg, emu, n: 2, label: 'warm-up #latency:0', L: 0 });
			for (const variant of groups.filter((g) => g.L === L)) {
				const name = `L = ${L / 1000} s, ${variant.expectedSeconds !== undefined ? `Expected Duration ${variant.expectedSeconds} s` : 'no Expected Duration'}`;
				const groupRows = await repeatRuns(
					ctx,
					'node',
					variant.sizes,
					async (n, r) =>
						await runOnce(ctx, {
							harness,
							pkg,
							emu,
							n,
							label: `node r${r}`,
							L,
							expectedSeconds: variant.expectedSeconds,
						}),
					(one) =>
						`${name}: wall ${(one.wallMs / 1000).toFixed(2)} s, ${one.requestsPerTask.toFixed(2)} req/task ` +
						`(tasks by queries: ${Object.entries(one.queriesHistogram)
							.map(([q, count]) => `${q}q×${count}`)
							.join(' ')}), ` +
						`delay mean ${Math.round(one.delayMeanMs)} ms, p90 ${Math.round(one.delayP90Ms)} ms, max ${Math.round(one.delayMaxMs)} ms; ` +
						`first submit after ${one.toFirstSubmitMs} ms, submits spread over ${one.submitSpreadMs} ms, ` +
						`last completion seen ${one.lastCompletedToDetectedMs} ms late, last detection to end ${one.lastDetectedToEndMs} ms; ` +
						(one.sched.bench
							? `main thread on CPU ${one.sched.bench.onCpuMs} ms, waiting for a CPU ${one.sched.bench.waitMs} ms (emulator: ${one.sched.emulator?.onCpuMs} / ${one.sched.emulator?.waitMs} ms); `
							: '') +
						`peak RSS ${Math.round(one.peakRss / 1048576)} MB; phases: ${describePhases(one.phaseSplit)}`,
				);
				const { sizes, ...rest } = variant;
				rows.push(...groupRows.map((row) => ({ ...row, ...rest })));
			}
		} finally {
			await emu.stop();
		}
	}
	return rows;
}

module.exports = { run };
