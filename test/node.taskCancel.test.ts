// Task → Cancel inside n8n's engine: a running task is cancelled and output as Max API then reports it
// (CANCELLED); a task that can no longer be cancelled is refused with Max API's answer and the task id;
// the cancel page's two versions (v-B: any status before the end, the emulator's default; v-A: PENDING
// only) are both served as the API answers them.
//
//   npx jest test/node.taskCancel.test.ts
import { startEmulator, type Emulator } from './emulator';
import { runWorkflow } from './harness/engine';
import { NODE_NAME, NODE_TYPE, runMaxApi, useTestbed, type MaxApiTestbed } from './support/maxApi';

const bed = useTestbed({ latencyMs: 200 });

const UNKNOWN_ID = '0d9e1c55-7a3b-4f0e-9d52-6b1f1c2a9e77';

async function cancel(on: MaxApiTestbed, taskIds: string[], continueOnFail = false) {
	return await runMaxApi(on, {
		items: taskIds.map((id) => ({ id })),
		continueOnFail,
		parameters: { resource: 'task', operation: 'cancel', taskId: '={{ $json.id }}' },
	});
}

/** A task that keeps running for a minute unless cancelled. */
function runningTask(
	emu: Emulator,
	model = 'seedream-4.5',
	input: Record<string, unknown> = {},
): string {
	return emu.createTask({ prompt: `a long ${model} task`, model, input, latencyMs: 60_000 });
}

describe('Cancel (Max API cancels any task that has not ended: cancel page v-B)', () => {
	it('cancels a running task and outputs it as Max API then reports it: CANCELLED, no results, not charged', async () => {
		const gpt = runningTask(bed.emu, 'gpt-image-2/text-to-image', { resolution: '2k', n: 2 });
		const seedream = runningTask(bed.emu, 'seedream-4.5', { ratio: '3:2' });
		const result = await cancel(bed, [gpt, seedream]);

		expect(result.error).toBeUndefined();
		const [first, second] = result.outputOf(NODE_NAME);
		expect(first.json).toMatchObject({
			taskId: gpt,
			status: 'CANCELLED',
			model: 'gpt-image-2/text-to-image',
			mediaType: 'image',
			urls: [],
			failureReason: null,
			resolution: '2k',
			n: 2,
			costUsd: 0, // a published price, and "failed tasks are not charged"
			explanation: expect.stringContaining('cancelled at Max API'),
		});
		expect(second.json).toMatchObject({
			taskId: seedream,
			status: 'CANCELLED',
			model: 'seedream-4.5',
			ratio: '3:2',
			costUsd: null,
		});
		expect([first.pairedItem, second.pairedItem]).toEqual([{ item: 0 }, { item: 1 }]);
		expect(first.binary).toBeUndefined();

		for (const id of [gpt, seedream])
			expect(bed.emu.stats().byTask[id]).toMatchObject({
				status: 'CANCELLED',
				cancels: 1,
				queries: 1,
			});
		expect(bed.emu.tasks.get(gpt)!.cancelledAt).toEqual(expect.any(Number));
	});

	it.each(['PENDING', 'PROCESSING', 'SUBMITTED'] as const)(
		'cancels a task that is %s',
		async (status) => {
			const taskId = bed.emu.createTask({ prompt: `pinned ${status}`, model: 'veo3_fast', status });
			const result = await cancel(bed, [taskId]);

			expect(result.error).toBeUndefined();
			expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({
				taskId,
				status: 'CANCELLED',
				model: 'veo3_fast',
				mediaType: 'video',
				costUsd: null,
			});
		},
	);

	it('cancels the task the previous Max API node just submitted (Image to Video, Wait for Completion off)', async () => {
		const result = await runWorkflow({
			pkg: bed.pkg,
			credentials: bed.credentials,
			items: [{ prompt: 'a slow clip #latency:60000' }],
			nodes: [
				{ name: 'Start', type: 'harness.start' },
				{
					name: 'Submit',
					type: NODE_TYPE,
					parameters: {
						resource: 'video',
						operation: 'imageToVideo',
						model: 'seedance-2.0',
						prompt: '={{ $json.prompt }}',
						mediaUrls: 'https://img.example.com/first.png',
						duration: 5,
						waitForCompletion: false,
					},
				},
				{
					name: 'Cancel',
					type: NODE_TYPE,
					parameters: { resource: 'task', operation: 'cancel', taskId: '={{ $json.taskId }}' },
				},
			],
			connections: {
				Start: { main: [[{ node: 'Submit', type: 'main', index: 0 }]] },
				Submit: { main: [[{ node: 'Cancel', type: 'main', index: 0 }]] },
			},
		});

		expect(result.error).toBeUndefined();
		const [submitted] = result.outputOf('Submit');
		const [cancelled] = result.outputOf('Cancel');
		expect(submitted.json.status).toBe('PENDING');
		expect(cancelled.json).toMatchObject({
			taskId: submitted.json.taskId,
			status: 'CANCELLED',
			model: 'seedance-2.0',
			mediaType: 'video',
			mediaUrls: ['https://img.example.com/first.png'],
			duration: 5,
			costUsd: null,
		});
		expect(bed.emu.stats()).toMatchObject({ submits: 1, cancels: 1 });
	});

	it.each(['SUCCESS', 'FAILURE', 'TIMEOUT'] as const)(
		"refuses to cancel a task that ended with %s: the API's answer and the task id, nothing changed",
		async (status) => {
			const taskId = bed.emu.createTask({ prompt: `ended ${status}`, status });
			const result = await cancel(bed, [taskId]);

			expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '400' });
			expect(result.error!.message).toBe(
				`Max API rejected the request (code 400: task cannot be cancelled in status ${status})`,
			);
			expect(result.error!.description).toContain(`Task ID: ${taskId}`);
			expect(result.error!.description).toMatch(
				/can only be cancelled before it has finished.*Look it up with Get Task/,
			);
			expect(result.error!.description).toContain('This cancel request cost nothing');
			expect(
				(result.error as unknown as { context?: { itemIndex?: number } }).context?.itemIndex,
			).toBe(0);
			expect(bed.emu.stats().byTask[taskId]).toMatchObject({ status, cancels: 1 });
		},
	);

	it('an unknown task id is a 404 naming it', async () => {
		const result = await cancel(bed, [UNKNOWN_ID]);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '404' });
		expect(result.error!.message).toBe(`Max API has no task ${UNKNOWN_ID} (code 404)`);
		expect(result.error!.description).toMatch(/Check the task id/);
	});

	it("with Continue On Fail, a refused cancel becomes that item's output, and the other items are cancelled", async () => {
		const running = runningTask(bed.emu);
		const finished = bed.emu.createTask({ prompt: 'already done', status: 'SUCCESS' });
		const result = await cancel(bed, [running, finished, UNKNOWN_ID, 'not/an id'], true);

		expect(result.error).toBeUndefined();
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(output[0].json).toMatchObject({ taskId: running, status: 'CANCELLED' });
		expect(output[1].json).toEqual({
			taskId: finished,
			error: 'Max API rejected the request (code 400: task cannot be cancelled in status SUCCESS)',
			errorDescription: expect.stringContaining(`Task ID: ${finished}`),
		});
		expect(output[2].json).toMatchObject({
			taskId: UNKNOWN_ID,
			error: `Max API has no task ${UNKNOWN_ID} (code 404)`,
		});
		expect(output[3].json.error).toMatch(/^Invalid "Task ID" in item 3: /);
		expect(bed.emu.stats().cancels).toBe(3); // the malformed id was never sent
	});

	it.each(['   ', '../admin', 'a1b2?x=1'])(
		'a Task ID %p is refused before any cancel request',
		async (taskId) => {
			const result = await runMaxApi(bed, {
				parameters: { resource: 'task', operation: 'cancel', taskId },
			});
			expect(result.error).toMatchObject({ name: 'NodeOperationError' });
			expect(result.error!.message).toMatch(/^Invalid "Task ID" in item 0: /);
			expect(bed.emu.stats().cancels).toBe(0);
		},
	);
});

describe('Cancel when Max API cancels PENDING tasks only (cancel page v-A)', () => {
	let emu: Emulator;
	let strict: MaxApiTestbed;
	beforeAll(async () => {
		emu = await startEmulator({ latencyMs: 200, cancellableStatuses: ['PENDING'] });
		strict = { ...bed, emu, credentials: { maxApi: { apiKey: emu.apiKey, baseUrl: emu.url } } };
	});
	afterEach(() => emu.reset());
	afterAll(async () => await emu?.close());

	it('cancels a PENDING task', async () => {
		const taskId = emu.createTask({ prompt: 'queued', status: 'PENDING' });
		const result = await cancel(strict, [taskId]);
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({ taskId, status: 'CANCELLED' });
	});

	it.each(['PROCESSING', 'SUBMITTED'] as const)(
		"refuses a %s task with the API's answer; the task goes on",
		async (status) => {
			const taskId = emu.createTask({ prompt: `busy ${status}`, status });
			const result = await cancel(strict, [taskId]);

			expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '400' });
			expect(result.error!.message).toBe(
				`Max API rejected the request (code 400: task cannot be cancelled in status ${status})`,
			);
			expect(result.error!.description).toContain(`Task ID: ${taskId}`);
			expect(result.error!.description).toMatch(/only while it is queued/);
			expect(emu.stats().byTask[taskId]).toMatchObject({ status, cancelledAt: null });
		},
	);
});
