// Tests of the Max API emulator itself (test/emulator/), through plain HTTP with axios: fault injection (emu.inject):
// each kind of fault, where it hits, how often.
import axios from 'axios';
import { sleep } from '../scripts/lib/time';
import { startEmulator } from './emulator';
import {
	api,
	download,
	emu,
	query,
	readThenHangUp,
	submitT2I,
	T2I,
	useEmulator,
} from './support/emulatorApi';

useEmulator();

describe('fault injection', () => {
	it('http: answers the status with Retry-After, once, and creates no task', async () => {
		emu.inject({ on: 'submit', kind: 'http', status: 429, retryAfter: 2 });
		const res = await api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'x' } });
		expect(res.status).toBe(429);
		expect(res.headers['retry-after']).toBe('2');
		expect(res.data).toEqual({ code: 429, msg: 'injected' });
		expect(emu.stats().tasksCreated).toBe(0);
		await submitT2I('x'); // consumed: the next one goes through
		expect(emu.stats()).toMatchObject({ submits: 2, tasksCreated: 1 });
	});

	it('code: HTTP 200 with a non-zero code', async () => {
		const taskId = await submitT2I('x');
		emu.inject({ on: 'query', kind: 'code', status: 500 });
		const res = await api.get(`/api/v1/task/${taskId}`);
		expect(res.status).toBe(200);
		expect(res.data).toEqual({ code: 500, msg: 'injected' });
	});

	it('reset on submit: the connection drops and no task exists', async () => {
		emu.inject({ on: 'submit', kind: 'reset' });
		await expect(
			api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'x' } }),
		).rejects.toThrow();
		expect(emu.stats()).toMatchObject({ submits: 1, tasksCreated: 0 });
	});

	it('resetAfterProcess on submit: the connection drops but the task exists', async () => {
		emu.inject({ on: 'submit', kind: 'resetAfterProcess' });
		await expect(
			api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'ambiguous' } }),
		).rejects.toThrow();
		expect(emu.stats()).toMatchObject({ submits: 1, tasksCreated: 1 });
		expect([...emu.tasks.values()][0].prompt).toBe('ambiguous');
	});

	it('malformed and noTaskId', async () => {
		emu.inject([
			{ on: 'submit', kind: 'malformed' },
			{ on: 'submit', kind: 'noTaskId' },
		]);
		const malformed = await api.post(
			'/api/v1/task/submit',
			{ model: T2I, input: { prompt: 'x' } },
			{ responseType: 'text' },
		);
		expect(malformed.status).toBe(200);
		expect(malformed.data).toBe('{"code":0,"msg":"ok","data":');
		const noId = await api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'x' } });
		expect(noId.data).toEqual({ code: 0, msg: 'ok', data: {} });
		expect(emu.stats().tasksCreated).toBe(1);
	});

	it('truncated and notImage downloads', async () => {
		const taskId = await submitT2I('x #latency:0');
		const url = (await query(taskId)).result!.urls[0];
		emu.inject([
			{ on: 'download', kind: 'truncated' },
			{ on: 'any', kind: 'notImage' },
		]);
		await expect(download(url)).rejects.toThrow();
		const html = await axios.get(url, { responseType: 'text', validateStatus: () => true });
		expect(html.status).toBe(200);
		expect(html.headers['content-type']).toMatch(/^text\/html/);
		expect(html.data).toBe('<html>expired</html>');
		expect((await download(url)).status).toBe(200);
	});

	it('times and taskId scope which requests a fault hits', async () => {
		const a = await submitT2I('a');
		const b = await submitT2I('b');
		emu.inject({ on: 'query', kind: 'http', status: 503, times: 2, taskId: a });
		expect((await api.get(`/api/v1/task/${b}`)).status).toBe(200);
		expect((await api.get(`/api/v1/task/${a}`)).status).toBe(503);
		expect((await api.get(`/api/v1/task/${a}`)).status).toBe(503);
		expect((await api.get(`/api/v1/task/${a}`)).status).toBe(200);
		expect(emu.requests.filter((r) => r.fault === 'http').map((r) => r.status)).toEqual([503, 503]);
	});

	it('delay answers normally, late', async () => {
		const taskId = await submitT2I('x');
		emu.inject({ on: 'query', kind: 'delay', delayMs: 100 });
		const started = Date.now();
		expect((await api.get(`/api/v1/task/${taskId}`)).data.code).toBe(0);
		expect(Date.now() - started).toBeGreaterThanOrEqual(95);
	});

	it('hang never answers, and close() still ends promptly', async () => {
		const other = await startEmulator({ latencyMs: 50 });
		other.inject({ on: 'any', kind: 'hang', times: Infinity });
		const client = axios.create({
			baseURL: other.url,
			headers: { Authorization: `Bearer ${other.apiKey}` },
		});
		await expect(client.get('/api/v1/task/x', { timeout: 100 })).rejects.toThrow(/timeout/);
		const pending = client
			.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'x' } })
			.catch((err: Error) => err);
		await sleep(30);
		const started = Date.now();
		await other.close();
		expect(Date.now() - started).toBeLessThan(500);
		expect(await pending).toBeInstanceOf(Error);
	});

	it('huge streams a PNG-looking body of the given size, announced or not, and stops when the client leaves', async () => {
		const taskId = await submitT2I('x #latency:0');
		const url = (await query(taskId)).result!.urls[0];
		emu.inject([
			{ on: 'download', kind: 'huge', bytes: 3 * 1024 * 1024 + 5 },
			{ on: 'download', kind: 'huge', bytes: 1000, contentLength: false },
			{ on: 'download', kind: 'huge' },
		]);
		const announced = await axios.get(url, { responseType: 'arraybuffer' });
		expect(announced.headers['content-length']).toBe(String(3 * 1024 * 1024 + 5));
		const body = Buffer.from(announced.data);
		expect(body.length).toBe(3 * 1024 * 1024 + 5);
		expect(body.subarray(1, 4).toString('latin1')).toBe('PNG');
		const chunked = await axios.get(url, { responseType: 'arraybuffer' });
		expect(chunked.headers['content-length']).toBeUndefined();
		expect(Buffer.from(chunked.data).length).toBe(1000);
		// The default (128 MiB): read 1 MiB, then hang up; the emulator must stop writing.
		const received = await readThenHangUp(url, 1024 * 1024);
		expect(received).toBeLessThan(128 * 1024 * 1024);
		expect((await download(url)).status).toBe(200);
	});

	it('probability: a seeded share of the matching requests, the same on every run', async () => {
		const taskId = await submitT2I('x');
		const hits = async () => {
			emu.inject({ on: 'query', kind: 'http', status: 503, probability: 0.25, times: Infinity });
			const statuses: number[] = [];
			for (let i = 0; i < 200; i++) statuses.push((await api.get(`/api/v1/task/${taskId}`)).status);
			emu.clearFaults();
			return statuses;
		};
		const first = await hits();
		const failed = first.filter((s) => s === 503).length;
		expect(failed).toBeGreaterThan(30);
		expect(failed).toBeLessThan(70);
		expect(first.every((s) => s === 503 || s === 200)).toBe(true);
		emu.reset(); // restarts the generator
		const again = await submitT2I('x');
		emu.inject({ on: 'query', kind: 'http', status: 503, probability: 0.25, times: Infinity });
		const second: number[] = [];
		for (let i = 0; i < 200; i++) second.push((await api.get(`/api/v1/task/${again}`)).status);
		expect(second).toEqual(first);
	});

	it('rejects invalid faults', () => {
		expect(() => emu.inject({ on: 'query', kind: 'noTaskId' })).toThrow();
		expect(() => emu.inject({ on: 'everywhere', kind: 'http' } as never)).toThrow();
		expect(() => emu.inject({ on: 'query', kind: 'huge' })).toThrow();
		expect(() => emu.inject({ on: 'query', kind: 'http', probability: 0 })).toThrow();
		expect(() => emu.inject({ on: 'download', kind: 'huge', bytes: 3 })).toThrow();
	});
});
