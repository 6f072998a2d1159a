'use strict';
// Section "triggerRate": how many callbacks per second an ACTIVE workflow starting with the Max API
// Trigger takes, next to n8n's own Webhook node (n8n-nodes-base.webhook, Respond: Immediately) on the
// same n8n 2.41.1, 20 requests in flight, in regular mode and in queue mode (there the requests go to
// the webhook process, which answers and queues the run for the worker).
//
// Rounds alternate trigger, webhook, trigger, webhook… (max(2, --repeats) of each), each of
// --rate-callbacks POSTs (default 100). The callbacks are for real emulator tasks (made finished at the
// emulator, their bodies the emulator's own task envelopes), since the trigger asks Max API about each
// (one GET). The trigger runs with Verify With Max API on (its default) and Download Results off: the
// Webhook node downloads nothing either. Then two rounds for diagnosis, once each: the trigger without
// verification, and the trigger with each verification answered 100 ms late (a remote API's round trip).
//
// Per round: the rate (callbacks / (last answer − first send)), the answer times, the runs' end (the
// last run's stoppedAt), each n8n process's CPU time per callback (/proc), and for the trigger where a
// callback's time goes: sent → its verification query reaching the emulator → answered.
const crypto = require('crypto');
const { startEmulatorProcess, request } = require('../lib/emulator-process');
const { cpuOf, cpuDelta } = require('../lib/proc-cpu');
const { fmt, verdict } = require('../lib/report');
const { median, quantile, sleep } = require('../lib/util');
const { startRealN8n, emulatorCredential, node } = require('./realn8n');

const IN_FLIGHT = 20;
const SECRET = 'bench-trigger-rate-token';
const SLOW_VERIFICATION_MS = 100;
const MODES = [
	{ label: 'regular' },
	// One worker with n8n's default concurrency (10): it runs the queued runs between the rounds.
	{ label: 'queue', queue: { workers: 1, workerConcurrency: 10 } },
	// Diagnosis: n8n's expression engine without isolated-vm. n8n 2.41.1 takes an isolate for the
	// webhook phase of every start node except its own Webhook node (v2+, static parameters), and
	// another to read a credential; one pair of rounds.
	{
		label: 'regular, N8N_EXPRESSION_ENGINE=legacy (diagnosis)',
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
		pairs: 1,
		diagnosisRounds: false,
	},
];

/** The round kinds: the two compared, and the trigger's diagnosis rounds. */
const KINDS = {
	trigger: { label: 'Max API Trigger (Verify With Max API)', receiver: 'trigger' },
	webhook: { label: "n8n's Webhook node (Respond: Immediately)", receiver: 'webhook' },
	unverified: {
		label: 'Max API Trigger, Verify With Max API off (diagnosis)',
		receiver: 'unverified',
	},
	slowVerification: {
		label: `Max API Trigger, each verification answered ${SLOW_VERIFICATION_MS} ms late (diagnosis)`,
		receiver: 'trigger',
		queryDelayMs: SLOW_VERIFICATION_MS,
	},
};

/** The three active workflows, one receiver each; resolves to { [receiver]: { workflowId, url, probe } }. */
async function createReceivers(n8n, credentialId) {
	const credentials = { maxApi: { id: credentialId, name: 'Max API (bench)' } };
	const receivers = {};
	const trigger = async (name, verifyWithApi) => {
		const webhookId = crypto.randomUUID();
		const wf = await n8n.createWorkflow({
			name: `bench trigger rate: ${name}`,
			nodes: [
				node(
					'Max API Trigger',
					'n8n-nodes-maxapi.maxApiTrigger',
					1,
					{ verifyWithApi, options: { downloadImages: false } },
					{ webhookId, credentials },
				),
			],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		const url = n8n.webhookUrl(`${webhookId}/maxapi`);
		// Without the token the trigger answers 401 (and starts nothing) once the webhook is registered.
		return { workflowId: wf.id, url: `${url}?token=${SECRET}`, probe: { url, ready: 401 } };
	};
	receivers.trigger = await trigger('Max API Trigger', true);
	receivers.unverified = await trigger('Max API Trigger, no verification', false);
	const path = crypto.randomUUID();
	const webhook = await n8n.createWorkflow({
		name: "bench trigger rate: n8n's Webhook node",
		nodes: [
			node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2,
				{ httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
				{ webhookId: crypto.randomUUID() },
			),
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	});
	// The probe starts a run here (the section counts runs from the round's first one on).
	const webhookUrl = n8n.webhookUrl(path);
	receivers.webhook = {
		workflowId: webhook.id,
		url: webhookUrl,
		probe: { url: webhookUrl, ready: 200 },
	};
	for (const receiver of Object.values(receivers)) {
		await n8n.activateWorkflow(receiver.workflowId);
		// n8n answers 404 for a moment after activation.
		for (let attempt = 0; ; attempt++) {
			const res = await request('POST', receiver.probe.url, { probe: true });
			if (res.status === receiver.probe.ready) break;
			if (attempt >= 100)
				throw new Error(
					`trigger rate: ${receiver.probe.url} did not come up (last answer ${res.status})`,
				);
			await sleep(200);
		}
	}
	return receivers;
}

/** `count` finished tasks at the emulator and their callback bodies (the emulator's task envelopes). */
async function callbackBodies(emu, count, label) {
	const bodies = new Array(count);
	let next = 0;
	await Promise.all(
		Array.from({ length: IN_FLIGHT }, async () => {
			while (next < count) {
				const i = next++;
				const taskId = await emu.createTask({ prompt: `${label} ${i}`, status: 'SUCCESS' });
				const res = await request('GET', `${emu.url}/api/v1/task/${taskId}`, undefined, {
					headers: { authorization: `Bearer ${emu.apiKey}` },
				});
				if (res.status !== 200)
					throw new Error(`trigger rate: GET task ${taskId}: HTTP ${res.status}`);
				bodies[i] = { taskId, text: res.text };
			}
		}),
	);
	return bodies;
}

/** POSTs every body to `url`, IN_FLIGHT at a time; each answer's times (ms since epoch) and status. */
async function send(url, bodies) {
	const answers = [];
	let next = 0;
	await Promise.all(
		Array.from({ length: IN_FLIGHT }, async () => {
			while (next < bodies.length) {
				const body = bodies[next++];
				const sentAt = Date.now();
				let status = null;
				try {
					status = (await request('POST', url, body.text, { timeoutMs: 60_000 })).status;
				} catch {
					status = null;
				}
				answers.push({ taskId: body.taskId, sentAt, answeredAt: Date.now(), status });
			}
		}),
	);
	return answers;
}

/** The workflow's executions with an id above `afterId` (the public API lists the newest first). */
async function executionsAfter(n8n, workflowId, afterId) {
	const found = [];
	let cursor;
	for (;;) {
		const page = await n8n.api(
			'GET',
			`/executions?workflowId=${workflowId}&includeData=false&limit=250${cursor ? `&cursor=${cursor}` : ''}`,
		);
		const newer = (page.data ?? []).filter((e) => Number(e.id) > afterId);
		found.push(...newer);
		cursor = page.nextCursor;
		if (!cursor || newer.length < (page.data ?? []).length) return found;
	}
}

/** The id of the workflow's newest execution (0: none). */
const lastId = async (n8n, workflowId) =>
	Number(
		(await n8n.api('GET', `/executions?workflowId=${workflowId}&includeData=false&limit=1`))
			.data?.[0]?.id ?? 0,
	);

/** Waits until `count` runs newer than `afterId` have ended; resolves to them. */
async function runsEnded(n8n, workflowId, afterId, count, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const runs = await executionsAfter(n8n, workflowId, afterId);
		const ended = runs.filter((e) => e.stoppedAt && e.status !== 'running' && e.status !== 'new');
		if (ended.length >= count) return ended;
		if (Date.now() > deadline)
			throw new Error(`trigger rate: ${ended.length}/${count} runs ended after ${timeoutMs} ms`);
		await sleep(1000);
	}
}

async function round(ctx, { n8n, emu, receivers, mode, kind, index, callbacks }) {
	const { receiver, queryDelayMs } = KINDS[kind];
	const { workflowId, url } = receivers[receiver];
	const bodies = await callbackBodies(emu, callbacks, `${mode} ${kind} ${index}`);
	if (queryDelayMs)
		await request('POST', `${emu.url}/__emulator/faults`, {
			on: 'query',
			kind: 'delay',
			delayMs: queryDelayMs,
			times: callbacks,
		});
	const afterId = await lastId(n8n, workflowId);
	const queriesBefore = (await emu.stats()).queries;
	const pids = { ...n8n.processes(), emulator: emu.pid };
	const cpuBefore = cpuOf(pids);
	const answers = await send(url, bodies);
	const cpuAnswering = cpuDelta(cpuBefore, cpuOf(pids));
	if (queryDelayMs) await request('DELETE', `${emu.url}/__emulator/faults`);
	const queries = (await emu.stats()).queries - queriesBefore;
	const firstSent = Math.min(...answers.map((a) => a.sentAt));
	const lastAnswered = Math.max(...answers.map((a) => a.answeredAt));
	const notOk = answers.filter((a) => a.status === null || a.status < 200 || a.status > 299);
	const runs = await runsEnded(n8n, workflowId, afterId, callbacks - notOk.length, 300_000);
	// Until the last run has ended (the runs go on after the answers; this includes a poll a second).
	const cpu = cpuDelta(cpuBefore, cpuOf(pids));
	const failedRuns = runs.filter((e) => e.status !== 'success').length;
	// Where a trigger callback's time goes: its verification query's arrival at the emulator splits it.
	const queryAt = new Map();
	for (const r of await emu.requests())
		if (r.method === 'GET' && r.time >= firstSent && r.path.startsWith('/api/v1/task/'))
			queryAt.set(r.path.slice('/api/v1/task/'.length), r.time);
	const split = answers
		.filter((a) => queryAt.has(a.taskId))
		.map((a) => ({
			toQuery: queryAt.get(a.taskId) - a.sentAt,
			queryToAnswer: a.answeredAt - queryAt.get(a.taskId),
		}));
	const times = answers.map((a) => a.answeredAt - a.sentAt);
	const roundMs = lastAnswered - firstSent;
	return {
		kind,
		mode,
		callbacks,
		roundMs,
		rate: (callbacks * 1000) / roundMs,
		notOk: notOk.length,
		failedRuns,
		runsEndMs: Math.max(...runs.map((e) => Date.parse(e.stoppedAt))) - firstSent,
		answerP50Ms: quantile(times, 0.5),
		answerP90Ms: quantile(times, 0.9),
		queriesPerCallback: queries / callbacks,
		toQueryP50Ms: split.length
			? quantile(
					split.map((s) => s.toQuery),
					0.5,
				)
			: undefined,
		queryToAnswerP50Ms: split.length
			? quantile(
					split.map((s) => s.queryToAnswer),
					0.5,
				)
			: undefined,
		cpuMsPerCallback: Object.fromEntries(
			Object.entries(cpu).map(([name, ms]) => [name, ms / callbacks]),
		),
		cpuMsPerCallbackAnswering: Object.fromEntries(
			Object.entries(cpuAnswering).map(([name, ms]) => [name, ms / callbacks]),
		),
	};
}

const describe = (one) =>
	`${one.mode} ${one.kind}: ${one.rate.toFixed(1)} callbacks/s (${one.callbacks} in ${(one.roundMs / 1000).toFixed(2)} s, ` +
	`${one.notOk} not 2xx), answer p50 ${one.answerP50Ms} ms, p90 ${one.answerP90Ms} ms` +
	(one.toQueryP50Ms !== undefined
		? ` (p50 sent → verification query ${one.toQueryP50Ms} ms, query → answered ${one.queryToAnswerP50Ms} ms)`
		: '') +
	`; ${one.queriesPerCallback.toFixed(2)} queries/callback; last run ended ${(one.runsEndMs / 1000).toFixed(2)} s after the first send` +
	`${one.failedRuns ? `, ${one.failedRuns} runs failed` : ''}; CPU ms per callback until the last run ended: ${Object.entries(
		one.cpuMsPerCallback,
	)
		.map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
		.join(', ')} (until the last answer: ${Object.entries(one.cpuMsPerCallbackAnswering)
		.map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
		.join(', ')})`;

async function run(ctx) {
	const emu = await startEmulatorProcess({ latencyMs: ctx.L });
	const pairs = Math.max(2, ctx.repeats);
	const results = [];
	try {
		for (const { label, queue, env, pairs: modePairs, diagnosisRounds = true } of MODES) {
			if (!ctx.timeLeft()) break;
			const instance = await startRealN8n(ctx, { queue, env });
			try {
				const { n8n } = instance;
				const credentialId = await emulatorCredential(n8n, emu, { callbackToken: SECRET });
				const receivers = await createReceivers(n8n, credentialId);
				const ctxRound = { n8n, emu, receivers, mode: label };
				// Warm-up (not measured): each receiver's path taken a few times.
				for (const kind of ['trigger', 'webhook', 'unverified'])
					await round(ctx, { ...ctxRound, kind, index: 'warm-up', callbacks: IN_FLIGHT * 2 });
				const plan = [];
				for (let r = 0; r < (modePairs ?? pairs); r++) plan.push(['trigger', r], ['webhook', r]);
				if (diagnosisRounds) plan.push(['unverified', 0], ['slowVerification', 0]);
				for (const [kind, index] of plan) {
					if (!ctx.timeLeft()) break;
					const one = await round(ctx, {
						...ctxRound,
						kind,
						index,
						callbacks: ctx.rateCallbacks,
					});
					ctx.log(`triggerRate ${describe(one)}`);
					results.push(one);
				}
			} finally {
				await instance.stop();
			}
		}
	} finally {
		await emu.stop();
	}
	return results;
}

/** Runs per second of a round: its callbacks over the time from the first send to the last run's end. */
const runsPerSecond = (one) => (one.callbacks * 1000) / one.runsEndMs;

/** The section's own table (bench/run.js prints it under the main one): one row per mode and kind. */
function table(results, ctx) {
	const header = [
		'n8n mode',
		'Receiver',
		'Rounds',
		'Callbacks / s, median (each round)',
		'Answer p50 / p90 (ms)',
		'Sent → verification query → answered, p50 (ms)',
		'CPU ms per callback, until the last run ended (n8n processes; emulator)',
		"Runs / s (callbacks / time to the last run's end)",
		'rate(trigger) / rate(webhook) ≥ 0.9: answers; runs',
	];
	const lines = [
		`**Callbacks per second into an active workflow**: ${ctx.rateCallbacks} POSTs per round, ${IN_FLIGHT} in flight, rounds interleaved (trigger, webhook, …), real n8n 2.41.1; queue mode: 1 worker (concurrency 10), the POSTs to the webhook process:`,
		'',
		`| ${header.join(' | ')} |`,
		`|${header.map(() => '---').join('|')}|`,
	];
	for (const mode of [...new Set(results.map((one) => one.mode))]) {
		const ofMode = results.filter((one) => one.mode === mode);
		const rate = (kind) => median(ofMode.filter((one) => one.kind === kind).map((one) => one.rate));
		const runRate = (kind) =>
			median(ofMode.filter((one) => one.kind === kind).map((one) => runsPerSecond(one)));
		const ratio = rate('trigger') / rate('webhook');
		const runRatio = runRate('trigger') / runRate('webhook');
		for (const kind of Object.keys(KINDS)) {
			const rounds = ofMode.filter((one) => one.kind === kind);
			if (!rounds.length) continue;
			const pick = (key) => median(rounds.map((one) => one[key]));
			const cpuNames = Object.keys(rounds[0].cpuMsPerCallback);
			const cpu = cpuNames
				.map(
					(name) => `${name} ${fmt.x(median(rounds.map((one) => one.cpuMsPerCallback[name])), 1)}`,
				)
				.join(', ');
			const notOk = rounds.reduce((sum, one) => sum + one.notOk + one.failedRuns, 0);
			lines.push(
				`| ${[
					mode,
					KINDS[kind].label,
					rounds.length,
					`**${fmt.x(rate(kind), 1)}** (${rounds.map((one) => one.rate.toFixed(1)).join(', ')})${notOk ? `; ${notOk} not answered 2xx or runs failed` : ''}`,
					`${Math.round(pick('answerP50Ms'))} / ${Math.round(pick('answerP90Ms'))}`,
					pick('toQueryP50Ms') === undefined
						? '—'
						: `${Math.round(pick('toQueryP50Ms'))} → ${Math.round(pick('queryToAnswerP50Ms'))}`,
					cpu,
					fmt.x(runRate(kind), 1),
					kind === 'trigger' && Number.isFinite(ratio)
						? `${fmt.x(ratio)}: ${verdict(ratio >= 0.9)}; ${fmt.x(runRatio)}`
						: kind === 'webhook'
							? 'reference'
							: '—',
				].join(' | ')} |`,
			);
		}
	}
	return lines.join('\n');
}

module.exports = { run, table };
