'use strict';
// Section "node": the Max API node with Wait for Completion, N items, inside n8n's engine (n8n-core,
// in this process), against the emulator in another process.
const { startEmulatorProcess } = require('../lib/emulator-process');
const { startSampler } = require('../lib/memory');
const { repeatRuns, settle, taskMetrics } = require('../lib/util');
const { loadHarness, maxApiWorkflow } = require('./harness');

async function runOnce(ctx, { harness, pkg, emu, n, label }) {
	await emu.reset();
	await settle();
	const rssBefore = process.memoryUsage.rss();
	const sampler = startSampler(process.pid);
	const prompts = Array.from({ length: n }, (_, i) => `${label} ${i}`);
	const started = Date.now();
	const result = await harness.runWorkflow(
		maxApiWorkflow({ pkg, emu, prompts, timeoutMs: Math.max(60_000, 20 * ctx.L + n * 500) }),
	);
	const wallMs = Date.now() - started;
	const peak = sampler.stop();
	if (result.status !== 'success') throw new Error(`node run (N=${n}) ended ${result.status}: ${result.error?.message}`);
	const out = result.outputOf('Max API');
	const ok = out.filter((item) => item.json.status === 'SUCCESS' && item.binary?.data).length;
	if (out.length !== n || ok !== n) throw new Error(`node run (N=${n}): ${ok}/${out.length} items succeeded with an image`);
	const metrics = taskMetrics(await emu.stats(), n);
	return { wallMs, peakRss: peak.main, rssBefore, ...metrics };
}

async function run(ctx) {
	const { harness, pkg } = await loadHarness(ctx);
	const emu = await startEmulatorProcess({ latencyMs: ctx.L });
	try {
		// Warm-up (not measured): loads the node, JIT, connection pools.
		await runOnce({ ...ctx, L: 0 }, { harness, pkg, emu, n: 2, label: 'warm-up #latency:0' });
		return await repeatRuns(
			ctx,
			'node',
			ctx.sizes,
			async (n, r) => await runOnce(ctx, { harness, pkg, emu, n, label: `node r${r}` }),
			(one) =>
				`wall ${(one.wallMs / 1000).toFixed(2)} s, ${one.requestsPerTask.toFixed(2)} req/task, delay ${Math.round(one.delayMeanMs)} ms (submits spread over ${one.submitSpreadMs} ms), peak RSS ${Math.round(one.peakRss / 1048576)} MB`,
		);
	} finally {
		await emu.stop();
	}
}

module.exports = { run };
