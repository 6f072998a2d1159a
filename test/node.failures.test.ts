// How tasks that do not succeed, and API errors, reach the user: as n8n errors that carry the task
// id and say what to do, or (with continueOnFail) as items carrying the error.
import { NODE_NAME, runMaxApi, useTestbed, visibleText } from './support/maxApi';

const bed = useTestbed({ latencyMs: 200 });

const generate = (prompt: string, extra: Record<string, unknown> = {}) => ({
	resource: 'image',
	operation: 'textToImage',
	prompt,
	...extra,
});

describe.each([
	['#fail:CONTENT_MODERATION', 'FAILURE', 'CONTENT_MODERATION', /moderation/],
	['#fail:INVALID_PARAMETERS', 'FAILURE', 'INVALID_PARAMETERS', /Fix the parameters/],
	['#fail:INSUFFICIENT_POINTS', 'FAILURE', 'INSUFFICIENT_POINTS', /Recharge/],
	['#fail:null', 'FAILURE', null, /transient error/],
	['#status:TIMEOUT', 'TIMEOUT', null, /timed out/],
	['#status:CANCELLED', 'CANCELLED', null, /cancelled/],
])('a task ending with %s', (directive, status, reason, advice) => {
	it('fails the node with the task id, the reason and what to do', async () => {
		const result = await runMaxApi(bed, { parameters: generate(`a picture ${directive}`) });
		const taskId = [...bed.emu.tasks.keys()][0];
		expect(result.status).toBe('error');
		expect(result.error!.name).toBe('NodeApiError');
		expect(result.error!.message).toContain(taskId);
		expect(result.error!.message).toContain(status);
		if (reason) expect(result.error!.message).toContain(reason);
		expect(result.error!.description).toMatch(advice);
		expect(result.error!.description).toContain('not charged');
		expect(result.error!.description).toContain(taskId);
		expect(bed.emu.stats().submits).toBe(1);
	});

	it('with continueOnFail outputs an item carrying the error and the task id', async () => {
		const result = await runMaxApi(bed, {
			parameters: generate(`a picture ${directive}`),
			items: [{ n: 0 }, { n: 1 }],
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		const items = result.outputOf(NODE_NAME);
		expect(items).toHaveLength(2);
		for (const [index, item] of items.entries()) {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject({ status, failureReason: reason, costUsd: 0, urls: [] });
			expect(item.json.error).toContain(item.json.taskId as string);
			expect(item.binary).toBeUndefined();
		}
		expect(bed.emu.stats().submits).toBe(2);
	});
});

describe('API errors', () => {
	it('a wrong API key is a NodeApiError with code 401, and the key is not shown', async () => {
		const credentials = { maxApi: { apiKey: 'wrong-key-123', baseUrl: bed.emu.url } };
		const result = await runMaxApi(bed, { parameters: generate('x'), credentials });
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
		expect(result.error!.message).toContain('401');
		expect(visibleText(result)).not.toContain('wrong-key-123');
		expect(bed.emu.stats().tasksCreated).toBe(0);
	});

	it('code ≠ 0 on HTTP 200 from submit is an error, not a task', async () => {
		bed.emu.inject({ on: 'submit', kind: 'code', status: 400 });
		const result = await runMaxApi(bed, { parameters: generate('x') });
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '400' });
		expect(result.error!.description).toContain('nothing was billed');
		expect(bed.emu.stats().submits).toBe(1);
	});

	it('code ≠ 0 on HTTP 200 while polling is retried like any transient failure', async () => {
		bed.emu.inject({ on: 'query', kind: 'code', status: 500, times: 2 });
		const result = await runMaxApi(bed, {
			parameters: generate('x', { options: { downloadImages: false } }),
		});
		expect(result.error).toBeUndefined();
		expect(result.outputOf(NODE_NAME)[0].json.status).toBe('SUCCESS');
	});

	it('moderation at submit names the flagged categories; nothing is created', async () => {
		const result = await runMaxApi(bed, { parameters: generate('MODERATION_REJECT please') });
		expect(result.error!.message).toContain('moderation');
		expect(result.error!.description).toMatch(/Flagged categories: \w+/);
		expect(bed.emu.stats().tasksCreated).toBe(0);
	});

	it('a submit whose outcome is unknown (connection reset after processing) is not re-sent', async () => {
		bed.emu.inject({ on: 'submit', kind: 'resetAfterProcess' });
		const result = await runMaxApi(bed, { parameters: generate('ambiguous') });
		expect(result.error!.name).toBe('NodeApiError');
		expect(result.error!.description).toContain('NOT submitted again');
		const stats = bed.emu.stats();
		expect(stats.submits).toBe(1);
		expect(stats.tasksCreated).toBe(1);
	});

	it('a 429 on submit (nothing created) is retried and succeeds with exactly one task', async () => {
		bed.emu.inject({ on: 'submit', kind: 'http', status: 429, retryAfter: 0 });
		const result = await runMaxApi(bed, {
			parameters: generate('busy', { options: { downloadImages: false } }),
		});
		expect(result.error).toBeUndefined();
		const stats = bed.emu.stats();
		expect(stats.submits).toBe(2);
		expect(stats.tasksCreated).toBe(1);
	});

	it('a 500 on submit is not retried: the task may exist', async () => {
		bed.emu.inject({ on: 'submit', kind: 'http', status: 500 });
		const result = await runMaxApi(bed, { parameters: generate('maybe') });
		expect(result.error!.description).toContain('NOT submitted again');
		expect(bed.emu.stats().submits).toBe(1);
	});

	it('a task that never ends times out with an error carrying its id', async () => {
		const result = await runMaxApi(bed, {
			parameters: generate('#never', { options: { timeout: 1 } }),
		});
		const taskId = [...bed.emu.tasks.keys()][0];
		expect(result.error!.name).toBe('NodeOperationError');
		expect(result.error!.message).toContain(taskId);
		expect(result.error!.message).toContain('did not finish within 1 seconds');
		expect(result.error!.description).toContain('Get Task');
	});

	it('lists every task the run created when one item fails, so none is lost', async () => {
		const result = await runMaxApi(bed, {
			parameters: generate('={{ $json.prompt }}'),
			items: [
				{ prompt: 'fine one' },
				{ prompt: 'bad #fail:CONTENT_MODERATION' },
				{ prompt: 'fine two' },
			],
		});
		expect(result.error).toBeDefined();
		for (const taskId of bed.emu.tasks.keys()) expect(result.error!.description).toContain(taskId);
		expect(bed.emu.stats().submits).toBe(3);
	});
});
