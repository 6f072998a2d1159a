'use strict';
// Section "callbacks": the Max API node submits N items without waiting, with the Callback URL of a
// Max API Trigger served by the harness's webhook server (n8n's webhook handling, in this process).
// Each callback is verified by the trigger (one query) and starts one run that downloads the image.
// The node does not wait here (Wait for Completion off), so it never polls: Expected Duration, which
// only shapes the polling schedule, plays no part, and the model's usual time does not either.
const { startEmulatorProcess } = require('../lib/emulator-process');
const { startSampler } = require('../lib/memory');
const { repeatRuns, settle, taskMetrics } = require('../lib/util');
const { loadHarness, maxApiWorkflow, TRIGGER_TYPE, CREDENTIAL_REF } = require('./harness');

const SECRET = 'bench-secret-token';

async function runOnce(ctx, { harness, pkg, emu, n, label }) {
	await emu.reset();
	await settle();
	const timeoutMs = Math.max(60_000, 20 * ctx.L + n * 500);
	const server = await harness.startWebhookServer({
		pkg,
		credentials: { maxApi: { apiKey: emu.apiKey, baseUrl: emu.url } },
		nodeName: 'Max API Trigger',
		runTimeoutMs: timeoutMs,
		nodes: [
			{
				name: 'Max API Trigger',
				type: TRIGGER_TYPE,
				parameters: { secretToken: SECRET },
				credentials: CREDENTIAL_REF,
			},
		],
	});
	try {
		const rssBefore = process.memoryUsage.rss();
		const sampler = startSampler(process.pid);
		const prompts = Array.from({ length: n }, (_, i) => `${label} ${i}`);
		const started = Date.now();
		const submitted = await harness.runWorkflow(
			maxApiWorkflow({
				pkg,
				emu,
				prompts,
				timeoutMs,
				parameters: { waitForCompletion: false },
				options: { callbackUrl: `${server.url}?token=${SECRET}` },
			}),
		);
		const submitMs = Date.now() - started;
		if (submitted.status !== 'success')
			throw new Error(
				`callback submit run (N=${n}) ended ${submitted.status}: ${submitted.error?.message}`,
			);
		const runs = await server.waitForRuns(n, timeoutMs);
		const wallMs = Date.now() - started;
		const peak = sampler.stop();
		const items = runs.map((run) => run.outputOf('Max API Trigger')[0]);
		const ok = items.filter((item) => item?.json.status === 'SUCCESS' && item.binary?.data).length;
		if (ok !== n)
			throw new Error(
				`callbacks (N=${n}): ${ok}/${n} trigger runs with a successful task and its image`,
			);
		const metrics = taskMetrics(await emu.stats(), n);
		return { wallMs, submitMs, peakRss: peak.main, rssBefore, ...metrics };
	} finally {
		await server.close();
	}
}

async function run(ctx) {
	const { harness, pkg } = await loadHarness(ctx);
	const emu = await startEmulatorProcess({ latencyMs: ctx.L });
	try {
		await runOnce({ ...ctx, L: 0 }, { harness, pkg, emu, n: 2, label: 'warm-up #latency:0' });
		return await repeatRuns(
			ctx,
			'callbacks',
			ctx.sizes,
			async (n, r) => await runOnce(ctx, { harness, pkg, emu, n, label: `callbacks r${r}` }),
			(one) =>
				`end-to-end ${(one.wallMs / 1000).toFixed(2)} s (submit run ${(one.submitMs / 1000).toFixed(2)} s), ${one.requestsPerTask.toFixed(2)} req/task`,
		);
	} finally {
		await emu.stop();
	}
}

module.exports = { run };
