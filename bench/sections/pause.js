'use strict';
// Section "pause": the Max API node with Wait Mode = Pause Until Callback (typeVersion 1.1) in a real
// n8n 2.41.1 (regular mode), N images at the bench's latency L, the emulator as Max API. The run
// submits its tasks with the execution's resume URL as callBackUrl and is saved as `waiting`; the
// emulator's callbacks reach n8n's resume URL, and the node's webhook resumes the run once every task
// has ended, downloading the images then.
//
// Per run: the wall time (POST of the manual run → the execution's stoppedAt), requests per task
// (submits + status queries at the emulator; downloads apart), the executions n8n shows as `running`
// while ours is `waiting` (the worker slots a waiting batch holds: the goal is 0), and the resume
// delay: the emulator sending the last task's callback → the execution's stoppedAt (both on this
// machine's clock).
const { startEmulatorProcess } = require('../lib/emulator-process');
const { fmt, verdict } = require('../lib/report');
const { median, sleep, taskMetrics, repeatRuns } = require('../lib/util');
const { startRealN8n, emulatorCredential, maxApiWorkflow } = require('./realn8n');

const SAMPLE_MS = 250;
const DONE = ['success', 'error', 'crashed', 'canceled'];

const workflow = (n, credentialId, label) =>
	maxApiWorkflow({
		name: `bench pause N=${n} (${label})`,
		n,
		label,
		credentialId,
		typeVersion: 1.1,
		parameters: { ratio: '1:1', waitForCompletion: true, waitMode: 'pause' },
	});

/** The execution without its data, or undefined while n8n does not list it yet. */
async function executionStatus(n8n, id) {
	try {
		return await n8n.getExecution(id, { includeData: false });
	} catch (error) {
		if (error.status === 404) return undefined;
		throw error;
	}
}

/** The answer, or undefined when n8n gave none in time (a busy n8n: the sample says so). */
async function unlessNoAnswer(call) {
	try {
		return await call();
	} catch (error) {
		if (/no answer in/.test(error.message)) return undefined;
		throw error;
	}
}

/**
 * Samples, every SAMPLE_MS until the execution has ended: its status and how many executions n8n
 * lists as `running` (any workflow: in regular mode each one is a run the process is busy with).
 */
async function followExecution(n8n, id, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	const samples = [];
	for (;;) {
		const [execution, running] = await Promise.all([
			unlessNoAnswer(() => executionStatus(n8n, id)),
			unlessNoAnswer(() => n8n.getExecutions(undefined, { status: 'running' })),
		]);
		samples.push({ t: Date.now(), status: execution?.status, running: running?.length });
		if (execution && DONE.includes(execution.status)) return { execution, samples };
		if (Date.now() > deadline)
			throw new Error(`pause: execution ${id} is ${execution?.status} after ${timeoutMs} ms`);
		await sleep(SAMPLE_MS);
	}
}

async function runOnce(ctx, { n8n, emu, workflowId, n }) {
	await emu.reset();
	const started = Date.now();
	const { executionId } = await n8n.runWorkflowManually(workflowId, { wait: false });
	const { samples } = await followExecution(
		n8n,
		executionId,
		Math.max(120_000, 20 * ctx.L + n * 2000),
	);
	const execution = await n8n.getExecution(executionId, { includeData: true });
	if (execution.status !== 'success')
		throw new Error(
			`pause run (N=${n}) ended ${execution.status}: ${JSON.stringify(execution.data?.resultData?.error ?? {}).slice(0, 500)}`,
		);
	const runs = execution.data.resultData.runData['Max API'];
	const items = runs[runs.length - 1].data.main[0];
	const ok = items.filter((item) => item.json.status === 'SUCCESS' && item.binary?.data).length;
	if (items.length !== n || ok !== n)
		throw new Error(`pause run (N=${n}): ${ok}/${items.length} items succeeded with an image`);

	const stoppedAt = Date.parse(execution.stoppedAt);
	const callbacks = (await emu.callbacks()).filter((c) => c.source === 'auto');
	const lastCallbackAt = Math.max(...callbacks.map((c) => c.sentAt));
	const answers = {};
	for (const c of callbacks)
		answers[c.statusCode ?? 'none'] = (answers[c.statusCode ?? 'none'] ?? 0) + 1;
	const waiting = samples.filter((s) => s.status === 'waiting');
	const metrics = taskMetrics(await emu.stats(), n);
	// Where the resume delay goes, from the emulator's request log: after the last callback was sent,
	// the last status query (n8n had handled the callbacks), the first and the last download.
	const log = (await emu.requests()).filter((r) => r.time >= lastCallbackAt);
	const lastAt = (test) => Math.max(...log.filter(test).map((r) => r.time)) - lastCallbackAt;
	const firstAt = (test) => Math.min(...log.filter(test).map((r) => r.time)) - lastCallbackAt;
	const isQuery = (r) => r.method === 'GET' && r.path.startsWith('/api/v1/task/');
	const isDownload = (r) => r.method === 'GET' && r.path.startsWith('/files/');
	return {
		wallMs: stoppedAt - started,
		...metrics,
		resumeDelayMs: stoppedAt - lastCallbackAt,
		resumePhases: {
			lastQueryMs: lastAt(isQuery),
			firstDownloadMs: firstAt(isDownload),
			lastDownloadMs: lastAt(isDownload),
		},
		// From the start to the first sample that saw the execution waiting (n8n saved it so).
		toWaitingMs: waiting.length ? waiting[0].t - started : undefined,
		waitingSamples: waiting.length,
		runningWhileWaitingMax: waiting.some((s) => s.running !== undefined)
			? Math.max(...waiting.filter((s) => s.running !== undefined).map((s) => s.running))
			: undefined,
		// Samples n8n did not answer within 30 s (it was busy).
		unansweredSamples: samples.filter((s) => s.running === undefined).length,
		// Runs of the node in the execution's data: a resume replaces the paused run, so 1.
		nodeRuns: runs.length,
		callbacks: callbacks.length,
		callbackAnswers: answers,
	};
}

async function run(ctx) {
	const emu = await startEmulatorProcess({ latencyMs: ctx.L });
	let instance;
	try {
		instance = await startRealN8n(ctx);
		const { n8n } = instance;
		const credentialId = await emulatorCredential(n8n, emu);
		const workflowId = async (n, label) =>
			(await n8n.createWorkflow(workflow(n, credentialId, label))).id;
		// Warm-up (not measured): the node loaded, the resume path taken once. At the bench's L: a task
		// that ends before n8n has saved the execution as waiting is only found at its deadline.
		await runOnce(ctx, { n8n, emu, workflowId: await workflowId(2, 'warm-up'), n: 2 });
		return await repeatRuns(
			ctx,
			'pause',
			ctx.sizes,
			async (n, r) =>
				await runOnce(ctx, { n8n, emu, workflowId: await workflowId(n, `pause r${r}`), n }),
			(one) =>
				`wall ${(one.wallMs / 1000).toFixed(2)} s, waiting after ${one.toWaitingMs} ms, ` +
				`${one.requestsPerTask.toFixed(2)} req/task (${one.submits} submits, ${one.queries} queries), ${one.downloadsPerTask.toFixed(2)} downloads/task, ` +
				`running executions while waiting: max ${one.runningWhileWaitingMax} over ${one.waitingSamples} samples (${one.unansweredSamples} samples unanswered), ` +
				`${one.nodeRuns} run(s) of the node in the execution, ${one.callbacks} callbacks answered ${JSON.stringify(one.callbackAnswers)}, ` +
				`resume delay after the last callback ${one.resumeDelayMs} ms (after it: last status query ${one.resumePhases.lastQueryMs} ms, ` +
				`downloads ${one.resumePhases.firstDownloadMs}–${one.resumePhases.lastDownloadMs} ms)`,
		);
	} finally {
		await instance?.stop();
		await emu.stop();
	}
}

const TITLE =
	'Max API node, Wait Mode = Pause Until Callback (typeVersion 1.1), real n8n 2.41.1 in regular mode, GPT Image 2 images with Download Results';

/** The section's own table (bench/run.js prints it under the main one). */
function table(rows, ctx) {
	const header = [
		'N',
		'Wall (s), median (min–max)',
		'Wall / L',
		'Requests / task (submit + queries)',
		'Downloads / task',
		'Executions running while the batch waits (max over samples)',
		'Resume delay after the last callback (s): total (last status query; downloads)',
		"Callbacks: n8n's answers (status × count, each run)",
		'Target: no slot held while waiting',
	];
	const lines = [
		`**${TITLE}**, L = ${ctx.L / 1000} s:`,
		'',
		`| ${header.join(' | ')} |`,
		`|${header.map(() => '---').join('|')}|`,
	];
	for (const row of rows) {
		if (row.runs.length === 0) {
			lines.push(`| ${row.n} | not run (time budget) |${' |'.repeat(header.length - 2)}`);
			continue;
		}
		const pick = (key) => median(row.runs.map((one) => one[key]));
		const walls = row.runs.map((one) => one.wallMs);
		const held = Math.max(...row.runs.map((one) => one.runningWhileWaitingMax ?? Infinity));
		const samples = row.runs.reduce((sum, one) => sum + one.waitingSamples, 0);
		lines.push(
			`| ${[
				row.n,
				`${fmt.s(pick('wallMs'))}${row.runs.length > 1 ? ` (${fmt.s(Math.min(...walls))}–${fmt.s(Math.max(...walls))})` : ''}`,
				fmt.x(pick('wallMs') / ctx.L),
				fmt.x(pick('requestsPerTask')),
				fmt.x(pick('downloadsPerTask')),
				`${Number.isFinite(held) ? held : '—'} (${samples} samples)`,
				`${fmt.s(pick('resumeDelayMs'))} (${fmt.s(median(row.runs.map((one) => one.resumePhases.lastQueryMs)))}; ` +
					`${fmt.s(median(row.runs.map((one) => one.resumePhases.firstDownloadMs)))}–${fmt.s(median(row.runs.map((one) => one.resumePhases.lastDownloadMs)))})`,
				row.runs
					.map((one) =>
						Object.entries(one.callbackAnswers)
							.map(([status, count]) => `${status} × ${count}`)
							.join(', '),
					)
					.join('; '),
				verdict(held === 0),
			].join(' | ')} |`,
		);
	}
	return lines.join('\n');
}

module.exports = { run, table };
