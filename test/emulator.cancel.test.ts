// Tests of the Max API emulator itself (test/emulator/), through plain HTTP with axios: cancelling a task.
import axios, { AxiosInstance } from 'axios';
import { sleep } from '../scripts/lib/time';
import { startEmulator, DEFAULT_CANCELLABLE_STATUSES } from './emulator';
import { api, emu, query, startSink, submitT2I, useEmulator, waitFor } from './support/emulatorApi';

useEmulator();

describe('cancel', () => {
	const cancel = (taskId: string, client: AxiosInstance = api) =>
		client.post(`/api/v1/task/${encodeURIComponent(taskId)}/cancel`);

	it('cancels PENDING, PROCESSING and SUBMITTED tasks by default (cancel page v-B)', async () => {
		expect([...DEFAULT_CANCELLABLE_STATUSES]).toEqual(['PENDING', 'PROCESSING', 'SUBMITTED']);
		for (const status of ['PENDING', 'PROCESSING', 'SUBMITTED'] as const) {
			const taskId = emu.createTask({ prompt: 'p', status });
			const before = Date.now();
			const res = await cancel(taskId);
			expect(res.status).toBe(200);
			expect(res.data).toEqual({ code: 0, msg: 'ok' });
			const data = await query(taskId);
			expect(data).toMatchObject({ status: 'CANCELLED', result: null, failure_reason: null });
			expect(Date.parse(data.updated_at)).toBeGreaterThanOrEqual(before - 1);
			expect(emu.stats().byTask[taskId]).toMatchObject({
				status: 'CANCELLED',
				cancels: 1,
				cancelledAt: expect.any(Number),
			});
		}
		// A running task, in its lifecycle: it stays CANCELLED past its latency.
		const running = await submitT2I('x #latency:100');
		expect((await cancel(running)).data.code).toBe(0);
		await sleep(150);
		expect((await query(running)).status).toBe('CANCELLED');
	});

	it('refuses terminal tasks with 400 and unknown ones with 404', async () => {
		const done = emu.createTask({ prompt: 'p', status: 'SUCCESS' });
		const res = await cancel(done);
		expect(res.status).toBe(400);
		expect(res.data).toEqual({ code: 400, msg: 'task cannot be cancelled in status SUCCESS' });
		expect((await query(done)).status).toBe('SUCCESS');

		const cancelled = await submitT2I('x #never');
		await cancel(cancelled);
		expect((await cancel(cancelled)).data).toEqual({
			code: 400,
			msg: 'task cannot be cancelled in status CANCELLED',
		});

		const unknown = await cancel('00000000-0000-4000-8000-000000000000');
		expect(unknown.status).toBe(404);
		expect(unknown.data).toEqual({ code: 404, msg: 'task not found' });
		expect(emu.stats().cancels).toBe(4);
	});

	it('needs the Bearer key, and only answers POST', async () => {
		const taskId = await submitT2I('x #never');
		const noKey = await axios.post(`${emu.url}/api/v1/task/${taskId}/cancel`, undefined, {
			validateStatus: () => true,
		});
		expect(noKey.status).toBe(401);
		expect(noKey.data).toEqual({ code: 401, msg: 'unauthorized' });
		expect((await api.get(`/api/v1/task/${taskId}/cancel`)).status).toBe(404);
		expect((await query(taskId)).status).not.toBe('CANCELLED');
	});

	it('PENDING only with cancellableStatuses: [PENDING] (cancel page v-A)', async () => {
		const strict = await startEmulator({ cancellableStatuses: ['PENDING'] });
		try {
			const client = axios.create({
				baseURL: strict.url,
				headers: { Authorization: `Bearer ${strict.apiKey}` },
				validateStatus: () => true,
			});
			const pending = strict.createTask({ prompt: 'p', status: 'PENDING' });
			expect((await cancel(pending, client)).data).toEqual({ code: 0, msg: 'ok' });
			for (const status of ['PROCESSING', 'SUBMITTED'] as const) {
				const res = await cancel(strict.createTask({ prompt: 'p', status }), client);
				expect(res.status).toBe(400);
				expect(res.data).toEqual({
					code: 400,
					msg: `task cannot be cancelled in status ${status}`,
				});
			}
		} finally {
			await strict.close();
		}
		await expect(startEmulator({ cancellableStatuses: ['SUCCESS'] as never })).rejects.toThrow(
			/cancellableStatuses/,
		);
	});

	it('calls the callBackUrl back with CANCELLED at once, and not again when the task would have ended', async () => {
		const sink = await startSink();
		try {
			const taskId = await submitT2I('x #latency:80', {}, { callBackUrl: `${sink.url}/hook` });
			expect((await cancel(taskId)).data.code).toBe(0);
			await waitFor(() => sink.received.length > 0);
			const body = JSON.parse(sink.received[0].body);
			expect(body).toEqual({ code: 0, msg: 'ok', data: await query(taskId) });
			expect(body.data).toMatchObject({ status: 'CANCELLED', result: null, failure_reason: null });
			await sleep(150);
			expect(sink.received).toHaveLength(1);
			expect(emu.callbacks).toEqual([
				expect.objectContaining({ taskId, source: 'auto', statusCode: 200 }),
			]);
		} finally {
			await sink.close();
		}
	});

	it('faults can target cancel: an injected error leaves the task running; resetAfterProcess cancels it silently', async () => {
		const a = await submitT2I('a #never');
		emu.inject([
			{ on: 'cancel', kind: 'http', status: 503 },
			{ on: 'cancel', kind: 'resetAfterProcess', taskId: a },
		]);
		expect((await api.get(`/api/v1/task/${a}`)).status).toBe(200); // a query does not take a cancel fault
		expect((await cancel(a)).status).toBe(503);
		expect((await query(a)).status).not.toBe('CANCELLED');
		await expect(cancel(a)).rejects.toThrow();
		expect((await query(a)).status).toBe('CANCELLED');
		emu.inject({ on: 'any', kind: 'code', status: 500 });
		expect((await cancel(a)).data).toEqual({ code: 500, msg: 'injected' });
		expect(
			emu.requests.filter((r) => r.path.endsWith('/cancel')).map((r) => [r.status, r.fault]),
		).toEqual([
			[503, 'http'],
			[null, 'resetAfterProcess'],
			[200, 'code'],
		]);
		expect(emu.stats()).toMatchObject({ cancels: 3 });
	});
});
