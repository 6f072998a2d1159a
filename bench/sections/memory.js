'use strict';
// Section "memory": a real n8n (filesystem binary mode) runs Manual Trigger -> Code (N items) ->
// Max API (16:9, 4k, n=1, Wait for Completion, Download Images) against the emulator serving
// incompressible ~25 MB PNGs. Every measured run gets a FRESH n8n: started, warmed up with one small
// (1k) image so that the node, the Code node's task runner and the request paths are loaded, left
// idle 3 s, then a full GC is forced through the inspector (n8n runs with --inspect on 127.0.0.1;
// without it the garbage of n8n's own start-up is collected DURING the run and hides the peak),
// then the baseline (median of 10 samples of the main process's VmRSS), then the run, with RSS
// sampled every 20 ms plus the kernel's VmHWM; "after" is the RSS after the run and another full GC
// (what n8n keeps). RSS that V8 has freed is not always given back to the system, so a fresh n8n is
// started for every measured run rather than reusing one. Before the measured run,
// a control run of the same N tasks with Download Images off (same instance, small allocations)
// shows what n8n and the polling cost without any image. The idle/control/measured protocol is
// bench/lib/n8n-memory.js's, shared with the "video" section.
//
// The node is told the emulated latency (Expected Duration = L): GPT Image 2's usual time in the
// catalog is 15 s, so without it the node would query each run's probe at 1.5 s and then not until
// 15 s: both runs would then mostly measure n8n idling, which the video section found to swamp the
// difference between them with garbage (see BENCHMARKS.md's video notes).
const { startEmulatorProcess, request } = require('../lib/emulator-process');
const { peakFigures, peaksAgainstControl } = require('../lib/n8n-memory');
const { repeatRuns, taskMetrics } = require('../lib/util');
const { startRealN8n, emulatorCredential, maxApiWorkflow } = require('./realn8n');

function workflow(
	n,
	credentialId,
	{ label = 'memory', resolution = '4k', download = true, expectedSeconds } = {},
) {
	const options = {
		...(expectedSeconds !== undefined ? { expectedDuration: expectedSeconds } : {}),
		...(download ? {} : { downloadImages: false }),
	};
	return maxApiWorkflow({
		name: `bench memory N=${n} ${resolution}${download ? '' : ' no download'}`,
		n,
		label,
		credentialId,
		parameters: { ratio: '16:9', resolution, n: 1, options },
	});
}

async function execute(n8n, workflowId, n, timeoutMs, { download = true } = {}) {
	const execution = await n8n.runWorkflowManually(workflowId, { timeoutMs });
	if (execution.status !== 'success') {
		throw new Error(
			`memory run (N=${n}) ended ${execution.status}: ${JSON.stringify(execution.data?.resultData?.error ?? {}).slice(0, 500)}`,
		);
	}
	const items = execution.data.resultData.runData['Max API'][0].data.main[0];
	const withImage = items.filter(
		(item) => item.json.status === 'SUCCESS' && (!download || item.binary?.data),
	);
	if (withImage.length !== n)
		throw new Error(`memory run (N=${n}): ${withImage.length}/${n} items with an image`);
	return withImage;
}

async function runOnce(ctx, { emu, n }) {
	const instance = await startRealN8n(ctx, { inspector: true });
	try {
		const { n8n } = instance;
		const credentialId = await emulatorCredential(n8n, emu);
		const warm = await n8n.createWorkflow(
			workflow(1, credentialId, { label: 'warm-up #latency:0', resolution: '1k' }),
		);
		const expectedSeconds = ctx.L / 1000;
		const control = await n8n.createWorkflow(
			workflow(n, credentialId, { label: 'control', download: false, expectedSeconds }),
		);
		const measured = await n8n.createWorkflow(workflow(n, credentialId, { expectedSeconds }));
		const timeoutMs = Math.max(120_000, 20 * ctx.L + n * 5000);
		await execute(n8n, warm.id, 1, 60_000);

		// Control: the same N tasks without Download Images: what n8n and the polling cost by themselves.
		const peaks = await peaksAgainstControl(instance, {
			control: async () => await execute(n8n, control.id, n, timeoutMs, { download: false }),
			between: async () => await emu.reset(),
			measured: async () => await execute(n8n, measured.id, n, timeoutMs),
		});
		const metrics = taskMetrics(await emu.stats(), n);
		// Size of the images: the Content-Length the emulator serves (every 4k 16:9 noise PNG has the same size).
		const sizes = [];
		for (const item of peaks.result.slice(0, 3))
			sizes.push(Number((await request('HEAD', item.json.urls[0])).headers['content-length']));
		const largest = Math.max(...sizes);
		return { ...peakFigures(peaks), largestImage: largest, sumImages: largest * n, ...metrics };
	} finally {
		await instance.stop();
	}
}

async function run(ctx) {
	const emu = await startEmulatorProcess({ latencyMs: ctx.L, noiseImages: true });
	try {
		return await repeatRuns(
			ctx,
			'memory',
			ctx.memorySizes,
			async (n) => await runOnce(ctx, { emu, n }),
			(one) =>
				`idle ${Math.round(one.baseline / 1048576)} MB, peak ${Math.round(one.peakMain / 1048576)} MB (+${Math.round(one.aboveBaseline / 1048576)} MB), ` +
				`after + GC ${Math.round(one.afterRss / 1048576)} MB, without downloads +${Math.round(one.controlAbove / 1048576)} MB, group peak ${Math.round(one.peakGroup / 1048576)} MB over ${one.processes} processes, image ${(one.largestImage / 1048576).toFixed(1)} MB, wall ${(one.wallMs / 1000).toFixed(1)} s`,
		);
	} finally {
		await emu.stop();
	}
}

module.exports = { run };
