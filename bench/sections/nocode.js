'use strict';
// Section "nocode", alternative (a): what a user builds from n8n's own nodes, no community package:
// Manual Trigger -> Code (N items) -> HTTP Request (POST submit, Header Auth) -> Wait 1 s ->
// HTTP Request (GET task) -> IF status is terminal -> true: HTTP Request (download the image as a
// file) / false: back to Wait. Run in a real n8n. Wall time is taken from n8n's own run data, from
// the start of the Submit node to the end of the last node run (the Code node and the editor-run
// bookkeeping before it are left out, as the in-process rows have no such step).
// No Max API node here, so nothing to tell about the expected latency: the loop polls every second
// whatever the task's latency (about L / 1 s queries per task).
const { startEmulatorProcess } = require('../lib/emulator-process');
const { taskMetrics } = require('../lib/util');
const { startRealN8n, node, main, itemsCode } = require('./realn8n');

const WAIT_SECONDS = 1;

function workflow(n, emuUrl, credentialId) {
	const auth = {
		authentication: 'genericCredentialType',
		genericAuthType: 'httpHeaderAuth',
	};
	const credentials = { httpHeaderAuth: { id: credentialId, name: 'Max API header (bench)' } };
	return {
		name: `bench no-code polling N=${n}`,
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, {}),
			node('Prompts', 'n8n-nodes-base.code', 2, { jsCode: itemsCode(n, 'nocode') }),
			node(
				'Submit',
				'n8n-nodes-base.httpRequest',
				4.2,
				{
					method: 'POST',
					url: `${emuUrl}/api/v1/task/submit`,
					...auth,
					sendBody: true,
					specifyBody: 'json',
					jsonBody:
						"={{ JSON.stringify({ model: 'gpt-image-2/text-to-image', input: { prompt: $json.prompt, ratio: '1:1' } }) }}",
					options: {},
				},
				{ credentials },
			),
			node('Wait', 'n8n-nodes-base.wait', 1.1, {
				resume: 'timeInterval',
				amount: WAIT_SECONDS,
				unit: 'seconds',
			}),
			node(
				'Query',
				'n8n-nodes-base.httpRequest',
				4.2,
				{
					method: 'GET',
					url: `={{ '${emuUrl}/api/v1/task/' + $json.data.taskId }}`,
					...auth,
					options: {},
				},
				{ credentials },
			),
			node('Finished?', 'n8n-nodes-base.if', 2.2, {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
					conditions: [
						{
							id: '9f1d3a52-0000-4000-8000-000000000001',
							leftValue:
								"={{ ['SUCCESS', 'FAILURE', 'TIMEOUT', 'CANCELLED'].includes($json.data.status) }}",
							rightValue: '',
							operator: { type: 'boolean', operation: 'true', singleValue: true },
						},
					],
					combinator: 'and',
				},
				options: {},
			}),
			node('Download', 'n8n-nodes-base.httpRequest', 4.2, {
				method: 'GET',
				url: '={{ $json.data.result.urls[0] }}',
				options: { response: { response: { responseFormat: 'file' } } },
			}),
		],
		connections: {
			Start: main('Prompts'),
			Prompts: main('Submit'),
			Submit: main('Wait'),
			Wait: main('Query'),
			Query: main('Finished?'),
			'Finished?': main('Download', 'Wait'),
		},
		settings: { executionOrder: 'v1' },
	};
}

async function runOnce(ctx, { n8n, emu, workflowId, n }) {
	await emu.reset();
	const execution = await n8n.runWorkflowManually(workflowId, {
		timeoutMs: Math.max(120_000, 40 * ctx.L + n * 2000),
	});
	if (execution.status !== 'success') {
		throw new Error(
			`no-code run (N=${n}) ended ${execution.status}: ${JSON.stringify(execution.data?.resultData?.error ?? {}).slice(0, 500)}`,
		);
	}
	const runData = execution.data.resultData.runData;
	const downloaded = (runData.Download ?? []).reduce(
		(sum, run) => sum + (run.data?.main?.[0]?.filter((item) => item.binary?.data).length ?? 0),
		0,
	);
	if (downloaded !== n)
		throw new Error(`no-code run (N=${n}): ${downloaded}/${n} images downloaded`);
	const submitStart = runData.Submit[0].startTime;
	let end = 0;
	for (const runs of Object.values(runData))
		for (const run of runs) end = Math.max(end, run.startTime + run.executionTime);
	const executionMs = Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt);
	return {
		wallMs: end - submitStart,
		executionMs,
		loops: runData.Query.length,
		...taskMetrics(await emu.stats(), n),
	};
}

async function run(ctx) {
	const emu = await startEmulatorProcess({ latencyMs: ctx.L });
	const rows = [];
	let instance;
	try {
		instance = await startRealN8n(ctx);
		const { n8n } = instance;
		const credentialId = (
			await n8n.createCredential('httpHeaderAuth', 'Max API header (bench)', {
				name: 'Authorization',
				value: `Bearer ${emu.apiKey}`,
			})
		).id;
		const warm = await n8n.createWorkflow(workflow(1, emu.url, credentialId));
		await runOnce({ ...ctx, L: 0 }, { n8n, emu, workflowId: warm.id, n: 1 });
		for (const n of ctx.nocodeSizes) {
			const wf = await n8n.createWorkflow(workflow(n, emu.url, credentialId));
			const runs = [];
			for (let r = 0; r < ctx.repeats && ctx.timeLeft(); r++) {
				const one = await runOnce(ctx, { n8n, emu, workflowId: wf.id, n });
				ctx.log(
					`no-code N=${n} #${r + 1}: wall ${(one.wallMs / 1000).toFixed(2)} s (execution ${(one.executionMs / 1000).toFixed(2)} s, ${one.loops} loops), ${one.requestsPerTask.toFixed(2)} req/task, delay ${Math.round(one.delayMeanMs)} ms`,
				);
				runs.push(one);
			}
			rows.push({ key: 'nocode', n, runs });
		}
	} finally {
		await instance?.stop();
		await emu.stop();
	}
	return rows;
}

module.exports = { run };
