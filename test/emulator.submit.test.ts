// Tests of the Max API emulator itself (test/emulator/), through plain HTTP with axios: submit: the Bearer key,
// what a submit is refused for, and tasks made without a submit (createTask).
import axios from 'axios';
import { sleep } from '../scripts/lib/time';
import { startEmulator, MAX_IMAGE_URLS } from './emulator';
import { api, emu, I2I, query, submit, submitT2I, T2I, useEmulator } from './support/emulatorApi';

useEmulator();

describe('authentication', () => {
	it('answers 401 with the documented envelope without a key or with a wrong one', async () => {
		const noKey = await axios.post(
			`${emu.url}/api/v1/task/submit`,
			{ model: T2I, input: { prompt: 'x' } },
			{ validateStatus: () => true },
		);
		expect(noKey.status).toBe(401);
		expect(noKey.data).toEqual({ code: 401, msg: 'unauthorized' });

		const wrongKey = await axios.get(`${emu.url}/api/v1/task/whatever`, {
			headers: { Authorization: 'Bearer nope' },
			validateStatus: () => true,
		});
		expect(wrongKey.status).toBe(401);
		expect(wrongKey.data).toEqual({ code: 401, msg: 'unauthorized' });
		expect(emu.stats().tasksCreated).toBe(0);
	});

	it('never logs the key', async () => {
		await submitT2I('a cat');
		expect(JSON.stringify(emu.requests)).not.toContain(emu.apiKey);
	});
});

describe('submit validation', () => {
	const urls = (count: number) =>
		Array.from({ length: count }, (_, i) => `https://example.com/${i}.png`);
	const cases: [string, unknown][] = [
		['missing model', { input: { prompt: 'x' } }],
		['unknown model', { model: 'midjourney-v7', input: { prompt: 'x' } }],
		['missing input', { model: T2I }],
		['empty prompt', { model: T2I, input: { prompt: '' } }],
		['blank prompt', { model: T2I, input: { prompt: '   ' } }],
		['prompt not a string', { model: T2I, input: { prompt: 5 } }],
		['image-to-image without imageUrls', { model: I2I, input: { prompt: 'x' } }],
		['image-to-image with empty imageUrls', { model: I2I, input: { prompt: 'x', imageUrls: [] } }],
		[
			'too many imageUrls',
			{ model: I2I, input: { prompt: 'x', imageUrls: urls(MAX_IMAGE_URLS + 1) } },
		],
		[
			'imageUrls not http(s)',
			{ model: I2I, input: { prompt: 'x', imageUrls: ['ftp://example.com/a.png'] } },
		],
		['text-to-image with imageUrls', { model: T2I, input: { prompt: 'x', imageUrls: urls(1) } }],
		['unknown ratio', { model: T2I, input: { prompt: 'x', ratio: '7:3' } }],
		['unknown resolution', { model: T2I, input: { prompt: 'x', resolution: '8k' } }],
		['4k without ratio', { model: T2I, input: { prompt: 'x', resolution: '4k' } }],
		['4k with 1:1', { model: T2I, input: { prompt: 'x', resolution: '4k', ratio: '1:1' } }],
		['n = 0', { model: T2I, input: { prompt: 'x', n: 0 } }],
		['n = 11', { model: T2I, input: { prompt: 'x', n: 11 } }],
		['n not an integer', { model: T2I, input: { prompt: 'x', n: 1.5 } }],
		['n as a string', { model: T2I, input: { prompt: 'x', n: '2' } }],
		['callBackUrl not a URL', { model: T2I, callBackUrl: 'hook', input: { prompt: 'x' } }],
		['user_id not a string', { model: T2I, user_id: 7, input: { prompt: 'x' } }],
		['body an array', [{ model: T2I, input: { prompt: 'x' } }]],
	];

	it.each(cases)('rejects %s with 400 and creates no task', async (_name, body) => {
		const res = await api.post('/api/v1/task/submit', body);
		expect(res.status).toBe(400);
		expect(res.data.code).toBe(400);
		expect(typeof res.data.msg).toBe('string');
		expect(emu.stats()).toMatchObject({ submits: 1, tasksCreated: 0 });
	});

	it('rejects invalid JSON without crashing', async () => {
		const res = await api.post('/api/v1/task/submit', '{"model":', {
			headers: { 'Content-Type': 'application/json' },
			transformRequest: [(data: unknown) => data], // send the string as is (axios would JSON-encode it)
		});
		expect(res.status).toBe(400);
		expect(res.data).toEqual({ code: 400, msg: 'invalid JSON body' });
		expect((await api.get('/api/v1/task/x')).status).toBe(404); // still serving
	});

	it('rejects bodies over 1 MB with 413', async () => {
		const res = await api.post('/api/v1/task/submit', {
			model: T2I,
			input: { prompt: 'x'.repeat(1024 * 1024) },
		});
		expect(res.status).toBe(413);
		expect(res.data.code).toBe(413);
	});

	it('rejects a prompt flagged by pre-submit moderation', async () => {
		const res = await api.post('/api/v1/task/submit', {
			model: T2I,
			input: { prompt: 'a MODERATION_REJECT scene' },
		});
		expect(res.status).toBe(400);
		expect(res.data).toMatchObject({
			code: 400,
			msg: 'content rejected by moderation',
			data: { flagged: true, categories: { violence: true } },
		});
		expect(emu.stats().tasksCreated).toBe(0);
	});

	it('accepts the limits themselves', async () => {
		await submit({ model: I2I, input: { prompt: 'x', imageUrls: urls(MAX_IMAGE_URLS) } });
		await submitT2I('x', { n: 10 });
		await submitT2I('x', { resolution: '4k', ratio: '9:21' });
		expect(emu.stats().tasksCreated).toBe(3);
	});

	it('rejects localhost callbacks only when asked to', async () => {
		await submitT2I('x', {}, { callBackUrl: 'http://127.0.0.1:9/cb' });
		const strict = await startEmulator({ rejectLocalhostCallbacks: true });
		try {
			const post = (callBackUrl: string) =>
				axios.post(
					`${strict.url}/api/v1/task/submit`,
					{ model: T2I, callBackUrl, input: { prompt: 'x' } },
					{ headers: { Authorization: `Bearer ${strict.apiKey}` }, validateStatus: () => true },
				);
			for (const url of [
				'http://127.0.0.1:9/cb',
				'http://localhost/cb',
				'http://[::1]:9/cb',
				'http://127.1.2.3/cb',
			]) {
				const res = await post(url);
				expect(res.status).toBe(400);
				expect(res.data.code).toBe(400);
			}
			expect((await post('https://hooks.example.com/cb?token=abc')).status).toBe(200);
		} finally {
			await strict.close();
		}
	});
});

describe('createTask', () => {
	it('pins a status or runs the lifecycle', async () => {
		const stuck = emu.createTask({ prompt: 'p', status: 'PROCESSING' });
		const failed = emu.createTask({
			prompt: 'p',
			status: 'FAILURE',
			failureReason: 'INSUFFICIENT_POINTS',
		});
		const running = emu.createTask({
			prompt: 'p',
			model: I2I,
			input: { imageUrls: ['https://example.com/a.png'] },
			latencyMs: 20,
		});
		await sleep(40);
		expect((await query(stuck)).status).toBe('PROCESSING');
		expect(await query(failed)).toMatchObject({
			status: 'FAILURE',
			failure_reason: 'INSUFFICIENT_POINTS',
		});
		expect((await query(running)).input).toEqual({
			model: I2I,
			prompt: 'p',
			imageUrls: ['https://example.com/a.png'],
		});
		expect(emu.stats()).toMatchObject({ submits: 0, tasksCreated: 3 });
		expect(() => emu.createTask({ prompt: 'p', model: I2I })).toThrow(/imageUrls/);
	});
});
