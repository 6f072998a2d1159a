// Tests of the Max API emulator itself (test/emulator/), through plain HTTP with axios: callbacks to a task's
// callBackUrl, automatic and forged (sendCallback).
import { emu, query, startSink, submitT2I, useEmulator, waitFor } from './support/emulatorApi';

useEmulator();

describe('callbacks', () => {
	it('POSTs the query envelope when the task finishes, without polling', async () => {
		const sink = await startSink();
		try {
			const callBackUrl = `${sink.url}/hook?token=abc`;
			const taskId = await submitT2I('a cat #latency:40', {}, { callBackUrl });
			await waitFor(() => sink.received.length > 0);
			const [delivery] = sink.received;
			expect(delivery.url).toBe('/hook?token=abc');
			expect(delivery.headers['content-type']).toBe('application/json');
			const body = JSON.parse(delivery.body);
			expect(body).toEqual({ code: 0, msg: 'ok', data: await query(taskId) });
			expect(body.data.status).toBe('SUCCESS');
			expect(emu.callbacks).toEqual([
				expect.objectContaining({
					taskId,
					url: callBackUrl,
					statusCode: 200,
					error: null,
					source: 'auto',
					body,
				}),
			]);
		} finally {
			await sink.close();
		}
	});

	it('also on failure, and twice in duplicate mode', async () => {
		const sink = await startSink();
		try {
			emu.callbackMode = { duplicate: true };
			await submitT2I('a cat #fail:null #latency:20', {}, { callBackUrl: `${sink.url}/hook` });
			await waitFor(() => sink.received.length === 2);
			expect(sink.received.map((r) => JSON.parse(r.body).data.status)).toEqual([
				'FAILURE',
				'FAILURE',
			]);
		} finally {
			emu.callbackMode = {};
			await sink.close();
		}
	});

	it('sendCallback forges bodies and reports what the receiver answered', async () => {
		const sink = await startSink(500);
		try {
			const taskId = emu.createTask({
				prompt: 'a dog',
				status: 'SUCCESS',
				callBackUrl: `${sink.url}/hook`,
			});
			expect(await emu.sendCallback(taskId)).toBe(500);
			expect(JSON.parse(sink.received[0].body).data).toMatchObject({ taskId, status: 'SUCCESS' });
			expect(
				await emu.sendCallback('unknown', {
					url: `${sink.url}/x`,
					body: '{"not":"json"',
					times: 2,
				}),
			).toBe(500);
			expect(sink.received.slice(1).map((r) => r.body)).toEqual(['{"not":"json"', '{"not":"json"']);
		} finally {
			await sink.close();
		}
		expect(await emu.sendCallback('unknown', { url: `${sink.url}/x`, body: {} })).toBeNull();
		expect(emu.callbacks[emu.callbacks.length - 1].error).toBeTruthy();
	});
});
