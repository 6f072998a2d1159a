// Get Task: look up a task by id, optionally wait for it and download its images.
import { NODE_NAME, pngSize, runMaxApi, useTestbed } from './support/maxApi';

const bed = useTestbed({ latencyMs: 400 });

describe('Get Task', () => {
	it('outputs the current status at once without waiting', async () => {
		const taskId = bed.emu.createTask({ prompt: 'queued', status: 'PROCESSING' });
		const result = await runMaxApi(bed, {
			parameters: { resource: 'task', operation: 'get', taskId },
		});
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({
			taskId,
			status: 'PROCESSING',
			urls: [],
			prompt: 'queued',
		});
		expect(bed.emu.stats().queries).toBe(1);
	});

	it('waits for a running task and downloads its images', async () => {
		const taskId = bed.emu.createTask({ prompt: 'soon', input: { ratio: '9:16', n: 2 } });
		const result = await runMaxApi(bed, {
			parameters: { resource: 'task', operation: 'get', taskId, waitForCompletion: true },
		});
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ taskId, status: 'SUCCESS', n: 2 });
		expect(Object.keys(item.binary!)).toEqual(['data', 'data_1']);
		expect(pngSize(await result.binaryBuffer(NODE_NAME, 0, 'data_1'))).toEqual({
			width: 864,
			height: 1536,
		});
	});

	it('an unknown task id is a NodeApiError 404 naming the id', async () => {
		const taskId = '11111111-2222-3333-4444-555555555555';
		const result = await runMaxApi(bed, {
			parameters: { resource: 'task', operation: 'get', taskId },
		});
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '404' });
		expect(result.error!.message).toContain(taskId);
	});

	it('reads the task id per item from an expression', async () => {
		const ids = [
			bed.emu.createTask({ prompt: 'a', status: 'SUCCESS' }),
			bed.emu.createTask({ prompt: 'b', status: 'PENDING' }),
		];
		const result = await runMaxApi(bed, {
			items: ids.map((id) => ({ id })),
			parameters: {
				resource: 'task',
				operation: 'get',
				taskId: '={{ $json.id }}',
				options: { downloadImages: false },
			},
		});
		expect(result.outputOf(NODE_NAME).map((item) => [item.json.taskId, item.json.status])).toEqual([
			[ids[0], 'SUCCESS'],
			[ids[1], 'PENDING'],
		]);
	});
});
