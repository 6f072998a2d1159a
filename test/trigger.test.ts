// Max API Trigger inside n8n's engine: real HTTP callbacks from the emulator to the trigger's
// webhook, the runs they start, and the requests that must start none.
import axios from 'axios';

import { startWebhookServer, type WebhookServer } from './harness/engine';
import { pngSize, useTestbed } from './support/maxApi';
import type { IDataObject } from 'n8n-workflow';

const bed = useTestbed({ latencyMs: 300 });
const TRIGGER = 'Max API Trigger';
const SECRET = 's3cret-token';

let server: WebhookServer | undefined;

async function startTrigger(parameters: IDataObject = {}): Promise<WebhookServer> {
	server = await startWebhookServer({
		pkg: bed.pkg,
		credentials: { maxApi: { ...bed.credentials.maxApi, callbackToken: SECRET } },
		nodeName: TRIGGER,
		nodes: [
			{
				name: TRIGGER,
				type: 'n8n-nodes-maxapi.maxApiTrigger',
				parameters,
				credentials: { maxApi: { id: '1', name: 'Max API account' } },
			},
		],
	});
	return server;
}

afterEach(async () => {
	await server?.close();
	server = undefined;
});

const withToken = (url: string, token = SECRET) => `${url}?token=${encodeURIComponent(token)}`;

/** POSTs like Max API does, without throwing on 4xx. */
async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
	return await axios.post(url, body, {
		validateStatus: () => true,
		headers: { 'content-type': 'application/json', ...headers },
		transformRequest: typeof body === 'string' ? [(data: unknown) => data] : undefined,
	});
}

const envelope = (data: Record<string, unknown>) => ({ code: 0, msg: 'ok', data });

describe('Max API Trigger', () => {
	it("turns the emulator's real callback into a run with the task's item and images", async () => {
		const trigger = await startTrigger();
		const taskId = bed.emu.createTask({
			prompt: 'a lighthouse',
			input: { ratio: '16:9', n: 2 },
			callBackUrl: withToken(trigger.url),
		});

		const [run] = await trigger.waitForRuns(1, 10_000);
		const [item] = run.outputOf(TRIGGER);
		expect(item.json).toMatchObject({
			taskId,
			status: 'SUCCESS',
			model: 'gpt-image-2/text-to-image',
			prompt: 'a lighthouse',
			ratio: '16:9',
			n: 2,
			costUsd: 0.04,
			failureReason: null,
		});
		expect(item.json.urls).toHaveLength(2);
		expect(Object.keys(item.binary!)).toEqual(['data', 'data_1']);
		expect(pngSize(await run.binaryBuffer(TRIGGER, 0, 'data_1'))).toEqual({
			width: 1536,
			height: 864,
		});
		expect(bed.emu.callbacks.map((callback) => callback.statusCode)).toEqual([200]);
	});

	it('a failed task starts a run too, with the reason and cost 0', async () => {
		const trigger = await startTrigger();
		const taskId = bed.emu.createTask({
			prompt: 'x',
			failureReason: 'CONTENT_MODERATION',
			callBackUrl: withToken(trigger.url),
		});
		const [run] = await trigger.waitForRuns(1, 10_000);
		expect(run.outputOf(TRIGGER)[0].json).toMatchObject({
			taskId,
			status: 'FAILURE',
			failureReason: 'CONTENT_MODERATION',
			costUsd: 0,
		});
		expect(run.outputOf(TRIGGER)[0].binary).toBeUndefined();
	});

	it('answers Max API before downloading the images', async () => {
		const trigger = await startTrigger();
		const taskId = bed.emu.createTask({ prompt: 'slow cdn', status: 'SUCCESS' });
		bed.emu.inject({ on: 'download', kind: 'delay', delayMs: 2000, taskId });
		const started = Date.now();
		const status = await bed.emu.sendCallback(taskId, { url: withToken(trigger.url) });
		expect(status).toBe(200);
		expect(Date.now() - started).toBeLessThan(1500);
		const [run] = await trigger.waitForRuns(1, 10_000);
		expect(run.outputOf(TRIGGER)[0].binary?.data).toBeDefined();
	});

	it('emits the URLs Max API reports, not the ones in the body', async () => {
		const trigger = await startTrigger({ options: { downloadImages: false } });
		const taskId = bed.emu.createTask({ prompt: 'x', status: 'SUCCESS' });
		const forged = envelope({
			taskId,
			status: 'SUCCESS',
			result: { type: 'image', urls: ['https://evil.example/x.png'] },
		});
		expect((await post(withToken(trigger.url), forged)).status).toBe(200);
		const [run] = await trigger.waitForRuns(1, 10_000);
		const urls = run.outputOf(TRIGGER)[0].json.urls as string[];
		expect(urls).toHaveLength(1);
		expect(urls[0].startsWith(bed.emu.url)).toBe(true);
	});

	it('filters by status: unselected endings are acknowledged and start nothing', async () => {
		const trigger = await startTrigger({ statuses: ['SUCCESS'] });
		const taskId = bed.emu.createTask({ prompt: 'x', status: 'CANCELLED' });
		const answer = await post(withToken(trigger.url), envelope({ taskId, status: 'CANCELLED' }));
		expect(answer.status).toBe(200);
		expect(answer.data.ignored).toBeDefined();
		expect(trigger.runs).toHaveLength(0);
	});

	it('filters by model', async () => {
		const trigger = await startTrigger({ models: ['gpt-image-2/image-to-image'] });
		const taskId = bed.emu.createTask({ prompt: 'x', status: 'SUCCESS' });
		expect(
			(await post(withToken(trigger.url), envelope({ taskId, status: 'SUCCESS' }))).data.ignored,
		).toBeDefined();
		expect(trigger.runs).toHaveLength(0);
	});

	it('a duplicated callback starts two runs (documented: de-duplicate by taskId downstream)', async () => {
		const trigger = await startTrigger({ options: { downloadImages: false } });
		const taskId = bed.emu.createTask({ prompt: 'x', status: 'SUCCESS' });
		expect(await bed.emu.sendCallback(taskId, { url: withToken(trigger.url), times: 2 })).toBe(200);
		const runs = await trigger.waitForRuns(2, 10_000);
		expect(runs.map((run) => run.outputOf(TRIGGER)[0].json.taskId)).toEqual([taskId, taskId]);
	});

	it('with verification off, trusts the body (the documented risk) and needs no query', async () => {
		const trigger = await startTrigger({
			verifyWithApi: false,
			options: { downloadImages: false },
		});
		const answer = await post(
			withToken(trigger.url),
			envelope({
				taskId: 'made-up',
				status: 'SUCCESS',
				result: { urls: ['https://x.example/a.png'] },
			}),
		);
		expect(answer.status).toBe(200);
		const [run] = await trigger.waitForRuns(1, 10_000);
		expect(run.outputOf(TRIGGER)[0].json).toMatchObject({
			taskId: 'made-up',
			urls: ['https://x.example/a.png'],
		});
		expect(bed.emu.stats().queries).toBe(0);
	});
});

describe('Max API Trigger refuses', () => {
	const cases: Array<
		[string, (url: string, taskId: string) => Promise<{ status: number }>, number]
	> = [
		['a missing token', (url, taskId) => post(url, envelope({ taskId, status: 'SUCCESS' })), 401],
		[
			'a wrong token',
			(url, taskId) => post(withToken(url, 'guess'), envelope({ taskId, status: 'SUCCESS' })),
			403,
		],
		[
			'a token of the right length but wrong',
			(url, taskId) =>
				post(withToken(url, 's3cret-tokeX'), envelope({ taskId, status: 'SUCCESS' })),
			403,
		],
		[
			'a forged task id',
			(url) =>
				post(
					withToken(url),
					envelope({ taskId: '99999999-9999-9999-9999-999999999999', status: 'SUCCESS' }),
				),
			403,
		],
		[
			'a task id with path characters',
			(url) => post(withToken(url), envelope({ taskId: '../admin', status: 'SUCCESS' })),
			400,
		],
		[
			'a body whose status contradicts the API',
			(url, taskId) => post(withToken(url), envelope({ taskId, status: 'FAILURE' })),
			409,
		],
		[
			'a body that is not JSON',
			(url, taskId) => post(withToken(url), `taskId=${taskId}`, { 'content-type': 'text/plain' }),
			415,
		],
		['a body with no task', (url) => post(withToken(url), { code: 0, msg: 'ok' }), 400],
		[
			'an oversized body',
			(url, taskId) =>
				post(withToken(url), envelope({ taskId, status: 'SUCCESS', padding: 'x'.repeat(300_000) })),
			413,
		],
	];

	it.each(cases)('%s, and starts no run', async (_label, send, expected) => {
		const trigger = await startTrigger();
		const taskId = bed.emu.createTask({ prompt: 'real', status: 'SUCCESS' });
		const answer = await send(trigger.url, taskId);
		expect(answer.status).toBe(expected);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(trigger.runs).toHaveLength(0);
	});

	it('a real task that is not finished yet (409), and starts no run', async () => {
		const trigger = await startTrigger();
		const taskId = bed.emu.createTask({ prompt: 'busy', status: 'PROCESSING' });
		const answer = await post(withToken(trigger.url), envelope({ taskId, status: 'SUCCESS' }));
		expect(answer.status).toBe(409);
		expect(trigger.runs).toHaveLength(0);
	});

	it('never echoes the secret token in its answers', async () => {
		const trigger = await startTrigger();
		const answer = await post(
			withToken(trigger.url, 'wrong'),
			envelope({ taskId: 'x', status: 'SUCCESS' }),
		);
		expect(JSON.stringify(answer.data)).not.toContain(SECRET);
	});
});
