// End-to-end: Wait Mode "Pause Until Callback" in a real n8n. The run submits its tasks with the
// execution's resume URL as callBackUrl, is saved as waiting (no worker held), and resumes when the
// emulator calls back, with one output item per input item and the results as binary data.
//
//   npm run build && npx jest -c test/e2e/jest.config.js test/e2e/pause.e2e.test.ts
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sleep } from '../../scripts/lib/time';
import { packPackage } from '../../scripts/pack';
import { startN8n, N8nExecution, N8nInstance } from '../../scripts/n8n-server';
import { startEmulator, Emulator } from '../emulator';
import { nodeItems, untilStatus } from './executions';
import { E2E_TARGETS, runtimeFor, startOptions } from './targets';

const REPO = path.resolve(__dirname, '..', '..');
const NODE_TYPE = 'n8n-nodes-maxapi.maxApi';
const CREDENTIAL_TYPE = 'maxApi';
const EMULATOR_KEY = 'e2e-pause-key';
const TRIGGER = "When clicking 'Execute workflow'";

function log(line: string): void {
	process.stdout.write(`[e2e pause] ${line}\n`);
}

interface WorkflowJson {
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings: Record<string, unknown>;
}

/** Manual Trigger → Code (one item per prompt) → Max API with the given parameters. */
function workflow(
	name: string,
	credential: { id: string; name: string },
	prompts: string[],
	maxApi: Record<string, unknown>,
): WorkflowJson {
	return {
		name,
		nodes: [
			{
				id: 't',
				name: TRIGGER,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'c',
				name: 'Prompts',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: {
					jsCode: `return ${JSON.stringify(prompts)}.map((prompt) => ({ json: { prompt } }));`,
				},
			},
			{
				id: 'm',
				name: 'Max API',
				type: NODE_TYPE,
				typeVersion: 1.1,
				position: [400, 0],
				parameters: {
					resource: 'image',
					operation: 'textToImage',
					prompt: '={{ $json.prompt }}',
					waitForCompletion: true,
					...maxApi,
				},
				credentials: { [CREDENTIAL_TYPE]: credential },
			},
		],
		connections: {
			[TRIGGER]: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: 'Max API', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** The emulator's record of the task's first callback, once it has an answer (or failed to get one). */
async function answeredCallback(emulator: Emulator, taskId: string, timeoutMs = 60_000) {
	for (let waited = 0; ; waited += 250) {
		const callback = emulator.callbacks.find(
			(c) => c.taskId === taskId && (c.statusCode !== null || c.error !== null),
		);
		if (callback) return callback;
		if (waited > timeoutMs) throw new Error(`task ${taskId} never called back`);
		await sleep(250);
	}
}

/** Runs the workflow from its Manual Trigger and resolves once n8n has saved the execution as waiting. */
async function startPaused(n8n: N8nInstance, workflowId: string): Promise<string> {
	const { executionId } = await n8n.runWorkflowManually(workflowId, { wait: false });
	const waiting = await untilStatus(n8n, executionId, ['waiting', 'error', 'success'], 30_000);
	if (waiting.status !== 'waiting')
		throw new Error(
			`execution ${executionId} did not pause: ${JSON.stringify(waiting.data!.resultData.error)}`,
		);
	return executionId;
}

async function finished(
	n8n: N8nInstance,
	executionId: string,
	timeoutMs: number,
): Promise<N8nExecution> {
	const done = await untilStatus(
		n8n,
		executionId,
		['success', 'error', 'crashed', 'canceled'],
		timeoutMs,
	);
	if (done.status !== 'success')
		throw new Error(
			`execution ${executionId} ${done.status}: ${JSON.stringify(done.data!.resultData.error ?? done.data!.resultData.runData['Max API'])}`,
		);
	return done;
}

describe.each(E2E_TARGETS)('Pause Until Callback in a real $label', (target) => {
	let n8n: N8nInstance | undefined;
	let emulator: Emulator | undefined;
	let credential: { id: string; name: string };

	beforeAll(
		async () => {
			const runtime = await runtimeFor(target);
			const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-pause-pack-'));
			const { tgz } = packPackage(REPO, packDir);
			emulator = await startEmulator({ apiKey: EMULATOR_KEY, latencyMs: 3000 });
			n8n = await startN8n({
				runtime,
				packageTgz: tgz,
				expectNodeTypes: [NODE_TYPE],
				...startOptions(target),
			});
			credential = await n8n.createCredential(CREDENTIAL_TYPE, 'Max API (pause)', {
				apiKey: EMULATOR_KEY,
				baseUrl: emulator.url,
			});
		},
		15 * 60 * 1000,
	);

	afterAll(async () => {
		await Promise.allSettled([n8n?.stop(), emulator?.close()]);
	}, 60 * 1000);

	beforeEach(() => emulator!.reset());

	test('a batch of 3 is saved as waiting, then resumes on the callbacks with 3 items and their images', async () => {
		const prompts = ['a red fox', 'a blue whale', 'a green parrot'];
		const wf = await n8n!.createWorkflow(
			workflow('e2e: pause batch', credential, prompts, { waitMode: 'pause' }),
		);
		const started = Date.now();
		const executionId = await startPaused(n8n!, wf.id);
		log(`waiting after ${Date.now() - started} ms`);
		expect(emulator!.stats().submits).toBe(3);
		const callBackUrls = [...emulator!.tasks.values()].map((task) => task.callBackUrl);
		expect(new Set(callBackUrls).size).toBe(1);
		expect(callBackUrls[0]).toContain(`/webhook-waiting/${executionId}`);

		const done = await finished(n8n!, executionId, 60_000);
		log(
			`resumed after ${Date.now() - started} ms; ${emulator!.stats().queries} status queries for 3 tasks`,
		);
		const items = nodeItems(done);
		expect(items).toHaveLength(3);
		items.forEach((item, index) => {
			expect(item.json).toEqual(
				expect.objectContaining({ status: 'SUCCESS', prompt: prompts[index] }),
			);
			expect(item.json).not.toHaveProperty('maxApiPause');
			expect(item.pairedItem).toEqual({ item: index });
			expect(Object.keys(item.binary ?? {})).toEqual(['data']);
		});
		expect(emulator!.stats().submits).toBe(3);
		// In regular mode every callback reaches the process that paused the run, which remembers the
		// tasks it has verified (taskLedger.ts): a task costs its submit and one query. In queue mode
		// the callbacks reach the webhook process, which must also look at the other tasks.
		if (target.mode === 'regular') expect(emulator!.stats().queries).toBe(3);
		// No secret in what the run shows: the resume URL carries n8n's resume token.
		expect(JSON.stringify(done.data)).not.toContain('signature=');
	}, 120_000);

	test('duplicate, forged and foreign callbacks change nothing: one resume, no resubmit', async () => {
		emulator!.callbackMode = { duplicate: true };
		const prompts = ['one #latency:4000', 'two #latency:6000'];
		const wf = await n8n!.createWorkflow(
			workflow('e2e: pause callbacks', credential, prompts, { waitMode: 'pause' }),
		);
		const executionId = await startPaused(n8n!, wf.id);
		const [first, second] = [...emulator!.tasks.values()];
		const resumeUrl = first.callBackUrl!;

		// A task of another execution (made at the emulator, never submitted by this run): ignored.
		const stranger = emulator!.createTask({ prompt: 'not ours', latencyMs: 0 });
		expect(await emulator!.sendCallback(stranger, { url: resumeUrl })).toBe(200);
		// A forged SUCCESS for a task that is still running: refused after asking Max API.
		const forged = {
			code: 0,
			msg: 'ok',
			data: {
				taskId: second.taskId,
				status: 'SUCCESS',
				result: { type: 'image', urls: ['https://evil.example/x.png'] },
			},
		};
		expect(await emulator!.sendCallback(second.taskId, { url: resumeUrl, body: forged })).toBe(409);
		expect((await n8n!.getExecution(executionId)).status).toBe('waiting');

		const done = await finished(n8n!, executionId, 60_000);
		const items = nodeItems(done);
		expect(items.map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS']);
		expect(JSON.stringify(items)).not.toContain('evil.example');
		// Each task called back twice; the run resumed once and nothing was submitted again.
		await sleep(1000);
		expect(
			emulator!.callbacks.filter((c) => c.taskId === second.taskId && c.source === 'auto'),
		).toHaveLength(2);
		expect(emulator!.stats().submits).toBe(2);
		const runs = await n8n!.getExecutions(wf.id);
		expect(runs).toHaveLength(1);
	}, 120_000);

	test("a failed task is its item's error; a task past its deadline is queried once and times out with its id", async () => {
		const prompts = ['fine', 'refused #fail:CONTENT_MODERATION', 'stuck #never'];
		const wf = await n8n!.createWorkflow(
			workflow('e2e: pause deadline', credential, prompts, {
				waitMode: 'pause',
				options: { timeout: 8 },
			}),
		);
		const started = Date.now();
		const executionId = await startPaused(n8n!, wf.id);
		const stuck = [...emulator!.tasks.values()].find((task) => task.prompt.includes('#never'))!;
		const queriesBefore = emulator!.stats().byTask[stuck.taskId].queries;

		const done = await finished(n8n!, executionId, 60_000);
		log(`deadline run resumed after ${Date.now() - started} ms (timeout 8 s)`);
		expect(Date.now() - started).toBeGreaterThanOrEqual(8000);
		const [fine, refused, late] = nodeItems(done).map((item) => item.json);
		expect(fine.status).toBe('SUCCESS');
		expect(refused).toEqual(
			expect.objectContaining({ status: 'FAILURE', failureReason: 'CONTENT_MODERATION' }),
		);
		expect(String(refused.error)).toMatch(/FAILURE/);
		expect(late).toEqual(expect.objectContaining({ taskId: stuck.taskId, status: 'SUBMITTED' }));
		expect(String(late.error)).toMatch(
			new RegExp(
				`task ${stuck.taskId} did not finish within 8 seconds \\(last status: SUBMITTED\\)`,
			),
		);
		expect(String(late.errorDescription)).toContain(`Task ID ${stuck.taskId}`);
		expect(emulator!.stats().byTask[stuck.taskId].queries - queriesBefore).toBeGreaterThanOrEqual(
			1,
		);
		expect(emulator!.stats().submits).toBe(3);
	}, 120_000);

	test('tasks that end before n8n has saved the execution as waiting are not lost', async () => {
		const prompts = ['instant #latency:0', 'also instant #latency:0'];
		const wf = await n8n!.createWorkflow(
			workflow('e2e: pause instant', credential, prompts, {
				waitMode: 'pause',
				options: { timeout: 5 },
			}),
		);
		const { executionId } = await n8n!.runWorkflowManually(wf.id, { wait: false });
		const done = await finished(n8n!, executionId, 60_000);
		const answers = await Promise.all(
			[...emulator!.tasks.values()].map(
				async (task) => (await answeredCallback(emulator!, task.taskId)).statusCode,
			),
		);
		// A refusal (n8n 2.41.1 answers 500 while the execution has no saved data yet, 409 while it runs)
		// means n8n had not saved the execution as waiting: the deadline's query found the tasks then.
		log(`${target.label}: callbacks of tasks that ended at once answered ${answers.join(', ')}`);
		expect(nodeItems(done).map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS']);
		expect(emulator!.stats().submits).toBe(2);
	}, 120_000);

	test('a task whose callback n8n refused is found while the run waits for the others', async () => {
		const prompts = ['instant #latency:0', 'slower #latency:6000'];
		const wf = await n8n!.createWorkflow(
			workflow('e2e: pause refused callback', credential, prompts, {
				waitMode: 'pause',
				options: { timeout: 300 },
			}),
		);
		const started = Date.now();
		const { executionId } = await n8n!.runWorkflowManually(wf.id, { wait: false });
		const done = await finished(n8n!, executionId, 120_000);
		const [instant] = [...emulator!.tasks.values()];
		const refused = (await answeredCallback(emulator!, instant.taskId)).statusCode !== 200;
		// Regular mode: the slower task's callback only verifies its own task; the process that paused
		// the run asks for a sweep once callbacks stop (10 s later here), which finds the instant task.
		log(
			`${target.label}: instant task's callback ${refused ? 'refused' : 'accepted'}; resumed after ${Date.now() - started} ms, ${emulator!.stats().queries} status queries`,
		);
		expect(nodeItems(done).map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS']);
		expect(emulator!.stats().submits).toBe(2);
		// At most two per task: each task's verification (when n8n let its callback through) and one
		// sweep query (4 seen on a loaded machine, 2 on a quiet one).
		expect(emulator!.stats().queries).toBeLessThanOrEqual(4);
		// Well before the 300 s deadline: the sweep, not the deadline, found it.
		expect(Date.now() - started).toBeLessThan(60_000);
	}, 150_000);

	test('stopping a waiting execution from the editor ends it: later callbacks resume nothing', async () => {
		const wf = await n8n!.createWorkflow(
			workflow('e2e: pause stopped', credential, ['stop me #latency:3000'], { waitMode: 'pause' }),
		);
		const executionId = await startPaused(n8n!, wf.id);
		await n8n!.rest('POST', `/executions/${executionId}/stop`);
		const stopped = await untilStatus(n8n!, executionId, ['canceled', 'error', 'success'], 30_000);
		expect(stopped.status).toBe('canceled');
		const [task] = [...emulator!.tasks.values()];
		const callback = await answeredCallback(emulator!, task.taskId);
		expect(callback.statusCode).toBe(409);
		expect((await n8n!.getExecution(executionId)).status).toBe('canceled');
		expect(emulator!.stats().submits).toBe(1);
	}, 120_000);

	// What pausing is for: in queue mode a waiting execution holds none of a worker's slots.
	if (target.mode === 'queue') {
		test(
			'queue mode, one worker running one execution at a time: a paused batch of 10 leaves the worker free; polling blocks it',
			async () => {
				const quick = await n8n!.createWorkflow({
					name: 'e2e: quick workflow',
					nodes: [
						{
							id: 't',
							name: TRIGGER,
							type: 'n8n-nodes-base.manualTrigger',
							typeVersion: 1,
							position: [0, 0],
							parameters: {},
						},
						{
							id: 'c',
							name: 'Done',
							type: 'n8n-nodes-base.code',
							typeVersion: 2,
							position: [200, 0],
							parameters: { jsCode: 'return [{ json: { done: true } }];' },
						},
					],
					connections: { [TRIGGER]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
					settings: { executionOrder: 'v1' },
				});
				const quickRunMs = async () => {
					const started = Date.now();
					const run = await n8n!.runWorkflowManually(quick.id, { timeoutMs: 120_000 });
					expect(run.status).toBe('success');
					return Date.now() - started;
				};
				const prompts = Array.from({ length: 10 }, (_, index) => `image ${index} #latency:20000`);

				const paused = await n8n!.createWorkflow(
					workflow('e2e: 10 paused', credential, prompts, { waitMode: 'pause' }),
				);
				const pausedStarted = Date.now();
				const pausedId = await startPaused(n8n!, paused.id);
				const whilePaused = await quickRunMs();
				const pausedDone = await finished(n8n!, pausedId, 120_000);
				const pausedMs = Date.now() - pausedStarted;
				const items = nodeItems(pausedDone);
				expect(items).toHaveLength(10);
				items.forEach((item, index) => {
					expect(item.json).toEqual(
						expect.objectContaining({ status: 'SUCCESS', prompt: prompts[index] }),
					);
					expect(Object.keys(item.binary ?? {})).toEqual(['data']);
				});

				const polling = await n8n!.createWorkflow(
					workflow('e2e: 10 polled', credential, prompts, { waitMode: 'poll' }),
				);
				const pollingStarted = Date.now();
				const { executionId: pollingId } = await n8n!.runWorkflowManually(polling.id, {
					wait: false,
				});
				await untilStatus(n8n!, pollingId, ['running', 'success', 'error'], 30_000);
				const whilePolling = await quickRunMs();
				await finished(n8n!, pollingId, 120_000);
				const pollingMs = Date.now() - pollingStarted;

				log(
					`worker concurrency 1, 10 tasks of 20 s: another workflow took ${whilePaused} ms while the batch was paused (batch done in ${pausedMs} ms), ${whilePolling} ms while it polled (batch done in ${pollingMs} ms)`,
				);
				expect(whilePaused).toBeLessThan(5000);
				expect(whilePolling).toBeGreaterThan(10_000);
				expect(emulator!.stats().submits).toBe(20);
			},
			5 * 60 * 1000,
		);
	}
});

describe.each(E2E_TARGETS)('Pause Until Callback across a restart of $label', (target) => {
	let emulator: Emulator | undefined;
	let n8n: N8nInstance | undefined;
	let credential: { id: string; name: string };

	beforeAll(
		async () => {
			const runtime = await runtimeFor(target);
			const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-pause-pack-'));
			const { tgz } = packPackage(REPO, packDir);
			emulator = await startEmulator({ apiKey: EMULATOR_KEY });
			n8n = await startN8n({
				runtime,
				packageTgz: tgz,
				expectNodeTypes: [NODE_TYPE],
				...startOptions(target),
			});
			credential = await n8n.createCredential(CREDENTIAL_TYPE, 'Max API (restart)', {
				apiKey: EMULATOR_KEY,
				baseUrl: emulator.url,
			});
		},
		15 * 60 * 1000,
	);

	afterAll(async () => {
		await Promise.allSettled([n8n?.stop(), emulator?.close()]);
	}, 60 * 1000);

	beforeEach(() => emulator!.reset());

	/** Stops every n8n process, waits until each task's callback has failed, starts n8n again. */
	async function restartMissing(taskIds: string[]) {
		await n8n!.stopN8nProcesses();
		log(`${target.label}: every n8n process stopped with the execution waiting`);
		for (const taskId of taskIds) {
			const lost = await answeredCallback(emulator!, taskId);
			expect(lost.statusCode).toBeNull(); // nobody listened: Max API does not send it again
			expect(lost.error).toMatch(/ECONNREFUSED/);
		}
		await n8n!.startN8nProcesses();
		log(`${target.label}: n8n started again`);
	}

	test(
		'a task that ends while every n8n process is down is found by the next callback: the run completes with every result',
		async () => {
			// The first task ends while n8n is down; the second after n8n is back (a restart takes 15-60 s here,
			// the longer under load: the second task's 90 s leave room for it).
			const prompts = ['early #latency:4000', 'late #latency:90000'];
			const wf = await n8n!.createWorkflow(
				workflow('e2e: pause across a restart', credential, prompts, { waitMode: 'pause' }),
			);
			const executionId = await startPaused(n8n!, wf.id);
			const [early, late] = [...emulator!.tasks.values()];
			await restartMissing([early.taskId]);

			const done = await finished(n8n!, executionId, 150_000);
			const items = nodeItems(done);
			expect(items.map((item) => item.json.taskId)).toEqual([early.taskId, late.taskId]);
			expect(items.map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS']);
			for (const item of items) expect(Object.keys(item.binary ?? {})).toEqual(['data']);
			expect(emulator!.callbacks.find((c) => c.taskId === late.taskId)!.statusCode).toBe(200);
			expect(emulator!.stats().submits).toBe(2);
		},
		6 * 60 * 1000,
	);

	// Every callback is lost, so nothing runs the node again: n8n ends the wait itself after the
	// deadline (pauseRun.ts: N8N_WAIT_MARGIN_MS) and outputs each awaited item as its task's id with
	// status UNKNOWN. The workflow recovers them with Max API → Get after an IF on that status
	// (README: Long tasks and queue mode): every result, nothing submitted twice.
	test(
		'every task ends while n8n is down: n8n ends the wait after the deadline and a Get on the UNKNOWN items recovers every result',
		async () => {
			const prompts = ['first #latency:3000', 'second #latency:5000'];
			const wf = await n8n!.createWorkflow(
				withRecovery(
					workflow('e2e: pause, every callback lost', credential, prompts, {
						waitMode: 'pause',
						options: { timeout: 10 },
					}),
					credential,
				),
			);
			const started = Date.now();
			const executionId = await startPaused(n8n!, wf.id);
			const taskIds = [...emulator!.tasks.values()].map((task) => task.taskId);
			await restartMissing(taskIds);

			const done = await untilStatus(n8n!, executionId, ['success', 'error', 'crashed'], 330_000);
			log(
				`${target.label}: the run ended ${done.status} ${Date.now() - started} ms after it started`,
			);
			expect(done.status).toBe('success');
			expect(nodeItems(done).map((item) => item.json.status)).toEqual(['UNKNOWN', 'UNKNOWN']);
			const recovered = done.data!.resultData.runData[RECOVER][0].data!.main[0]!;
			expect(recovered.map((item) => item.json.taskId)).toEqual(taskIds);
			expect(recovered.map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS']);
			for (const item of recovered) expect(Object.keys(item.binary ?? {})).toEqual(['data']);
			expect(emulator!.stats().submits).toBe(2);
		},
		8 * 60 * 1000,
	);
});

const RECOVER = 'Get What n8n Gave Up On';

/** Adds IF (status is UNKNOWN) → Max API Get (wait, download) after the workflow's Max API node. */
function withRecovery(wf: ReturnType<typeof workflow>, credential: { id: string; name: string }) {
	wf.nodes.push(
		{
			id: 'i',
			name: 'Wait Ended Unknown?',
			type: 'n8n-nodes-base.if',
			typeVersion: 2,
			position: [600, 0],
			parameters: {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict' },
					conditions: [
						{
							id: 'unknown',
							leftValue: '={{ $json.status }}',
							rightValue: 'UNKNOWN',
							operator: { type: 'string', operation: 'equals' },
						},
					],
					combinator: 'and',
				},
				options: {},
			},
		},
		{
			id: 'g',
			name: RECOVER,
			type: NODE_TYPE,
			typeVersion: 1.1,
			position: [800, 0],
			parameters: {
				resource: 'task',
				operation: 'get',
				taskId: '={{ $json.taskId }}',
				waitForCompletion: true,
			},
			credentials: { [CREDENTIAL_TYPE]: credential },
		},
	);
	Object.assign(wf.connections, {
		'Max API': { main: [[{ node: 'Wait Ended Unknown?', type: 'main', index: 0 }]] },
		'Wait Ended Unknown?': { main: [[{ node: RECOVER, type: 'main', index: 0 }], []] },
	});
	return wf;
}
