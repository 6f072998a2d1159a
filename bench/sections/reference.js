'use strict';
// Section "reference": strategy (b) of bench/reference-strategy.js (sequential items, fixed 3 s polls).
// It is strictly sequential, so N=100 would take ~100 x (L rounded up to 3 s); by default it runs
// N=1 and N=10 and the N=100 row is extrapolated linearly from N=10 (marked as such).
const { startEmulatorProcess } = require('../lib/emulator-process');
const { startSampler } = require('../lib/memory');
const { settle, taskMetrics } = require('../lib/util');
const { runReferenceStrategy } = require('../reference-strategy');

async function runOnce(ctx, { emu, n, label, intervalMs = 3000 }) {
	await emu.reset();
	await settle();
	const rssBefore = process.memoryUsage.rss();
	const sampler = startSampler(process.pid);
	const prompts = Array.from({ length: n }, (_, i) => `${label} ${i}`);
	const started = Date.now();
	const results = await runReferenceStrategy({
		baseUrl: emu.url,
		apiKey: emu.apiKey,
		prompts,
		intervalMs,
		input: { ratio: '1:1' },
		timeoutMs: Math.max(60_000, n * (20 * ctx.L + 6000)),
	});
	const wallMs = Date.now() - started;
	const peak = sampler.stop();
	const ok = results.filter((r) => r.status === 'SUCCESS' && r.bytes > 0).length;
	if (ok !== n)
		throw new Error(`reference strategy (N=${n}): ${ok}/${n} tasks succeeded with an image`);
	return { wallMs, peakRss: peak.main, rssBefore, ...taskMetrics(await emu.stats(), n) };
}

async function run(ctx) {
	const emu = await startEmulatorProcess({ latencyMs: ctx.L });
	const rows = [];
	try {
		await runOnce({ ...ctx, L: 0 }, { emu, n: 1, label: 'warm-up #latency:0', intervalMs: 10 });
		for (const n of ctx.sizes) {
			if (n > ctx.referenceMaxN) {
				const base = rows.filter((row) => !row.extrapolatedFrom).at(-1);
				if (base)
					rows.push({
						key: 'reference',
						n,
						extrapolatedFrom: base.n,
						runs: base.runs.map((one) => ({
							...one,
							wallMs: (one.wallMs * n) / base.n,
							peakRss: undefined,
						})),
					});
				continue;
			}
			const runs = [];
			for (let r = 0; r < ctx.repeats && ctx.timeLeft(); r++) {
				const one = await runOnce(ctx, { emu, n, label: `reference r${r}` });
				ctx.log(
					`reference N=${n} #${r + 1}: wall ${(one.wallMs / 1000).toFixed(2)} s, ${one.requestsPerTask.toFixed(2)} req/task, delay ${Math.round(one.delayMeanMs)} ms`,
				);
				runs.push(one);
			}
			rows.push({ key: 'reference', n, runs });
		}
	} finally {
		await emu.stop();
	}
	return rows;
}

module.exports = { run };
