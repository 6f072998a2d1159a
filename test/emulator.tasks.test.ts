// Tests of the Max API emulator itself (test/emulator/), through plain HTTP with axios: a task's lifecycle and its
// directives, the counters (stats), the control API over HTTP, and each model's latency.
import axios from 'axios';
import { sleep } from '../scripts/lib/time';
import { findModel } from '../nodes/shared/models';
import { startEmulator, TaskData } from './emulator';
import {
	api,
	download,
	emu,
	query,
	startSink,
	submitT2I,
	T2I,
	TERMINAL,
	useEmulator,
	waitTerminal,
} from './support/emulatorApi';

useEmulator();

describe('task lifecycle', () => {
	it('goes PENDING -> PROCESSING -> SUBMITTED -> SUCCESS and echoes the input', async () => {
		const prompt = 'A crow running down a neon-lit street #latency:600';
		const taskId = await submitT2I(prompt, { ratio: '16:9', n: 2 });
		expect(taskId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

		const seen: string[] = [];
		let last: TaskData;
		do {
			last = await query(taskId);
			if (seen[seen.length - 1] !== last.status) seen.push(last.status);
			if (last.status !== 'SUCCESS') {
				expect(last.result).toBeNull();
				await sleep(15);
			}
		} while (last.status !== 'SUCCESS');

		expect(seen).toEqual(['PENDING', 'PROCESSING', 'SUBMITTED', 'SUCCESS']);
		expect(last.input).toEqual({ model: T2I, prompt, ratio: '16:9', n: 2 });
		expect(last.failure_reason).toBeNull();
		expect(last.result).toEqual({
			type: 'image',
			urls: [0, 1].map((k) => `${emu.url}/files/${taskId}/image-${k}.png`),
		});
		const isoRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
		expect(last.created_at).toMatch(isoRe);
		expect(Date.parse(last.updated_at) - Date.parse(last.created_at)).toBe(600);
	});

	it.each([
		['#fail:CONTENT_MODERATION', 'FAILURE', 'CONTENT_MODERATION'],
		['#fail:INVALID_PARAMETERS', 'FAILURE', 'INVALID_PARAMETERS'],
		['#fail:INSUFFICIENT_POINTS', 'FAILURE', 'INSUFFICIENT_POINTS'],
		['#fail:null', 'FAILURE', null],
		['#status:TIMEOUT', 'TIMEOUT', null],
		['#status:CANCELLED', 'CANCELLED', null],
	])('directive %s ends in %s', async (directive, status, reason) => {
		const data = await waitTerminal(await submitT2I(`a cat ${directive} #latency:30`));
		expect(data).toMatchObject({ status, failure_reason: reason, result: null });
	});

	it('#nourls succeeds with an empty url list', async () => {
		const taskId = await submitT2I('a cat #nourls #latency:0');
		expect((await query(taskId)).result).toEqual({ type: 'image', urls: [] });
		expect((await download(`${emu.url}/files/${taskId}/image-0.png`)).status).toBe(404);
	});

	it('#never stays SUBMITTED', async () => {
		const taskId = await submitT2I('a cat #never #latency:30');
		await sleep(80);
		expect((await query(taskId)).status).toBe('SUBMITTED');
	});

	it('answers 404 for an unknown task', async () => {
		const res = await api.get('/api/v1/task/00000000-0000-4000-8000-000000000000');
		expect(res.status).toBe(404);
		expect(res.data).toEqual({ code: 404, msg: 'task not found' });
	});
});

describe('stats', () => {
	it('counts submits, tasks, queries, downloads and detection times', async () => {
		const prompt = 'same prompt #latency:150';
		const id1 = await submitT2I(prompt);
		await submitT2I(prompt);
		await api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'bad', ratio: '9:9' } });

		expect(TERMINAL).not.toContain((await query(id1)).status);
		expect(emu.stats().byTask[id1]).toMatchObject({
			queries: 1,
			completedAt: null,
			firstTerminalQueryAt: null,
		});
		const done = await waitTerminal(id1);
		await download(done.result!.urls[0]);

		const stats = emu.stats();
		const task = stats.byTask[id1];
		expect(stats).toMatchObject({ submits: 3, tasksCreated: 2, downloads: 1 });
		expect(stats.queries).toBe(task.queries);
		expect(stats.submitsByPrompt).toEqual({ [prompt]: 2, bad: 1 });
		expect(task).toMatchObject({ prompt, status: 'SUCCESS', downloads: 1 });
		expect(task.completedAt).toBe(task.createdAt + 150);
		expect(task.firstTerminalQueryAt).toBeGreaterThanOrEqual(task.completedAt!);
	});
});

describe('control API over HTTP', () => {
	it('drives faults, tasks, callbacks, stats and reset without a Bearer key', async () => {
		const control = axios.create({ baseURL: `${emu.url}/__emulator`, validateStatus: () => true });
		expect(
			(await control.post('/faults', [{ on: 'submit', kind: 'http', status: 502 }])).data.code,
		).toBe(0);
		expect((await control.post('/faults', { on: 'nowhere', kind: 'http' })).status).toBe(400);
		expect(
			(await api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'x' } })).status,
		).toBe(502);

		await control.post('/faults', { on: 'query', kind: 'http', status: 500 });
		await control.delete('/faults');
		const created = await control.post('/tasks', { prompt: 'made over HTTP', status: 'SUCCESS' });
		const taskId = created.data.data.taskId;
		expect((await query(taskId)).status).toBe('SUCCESS');

		const sink = await startSink();
		try {
			const sent = await control.post(`/tasks/${taskId}/callback`, { url: `${sink.url}/hook` });
			expect(sent.data).toEqual({ code: 0, msg: 'ok', data: { statusCode: 200 } });
		} finally {
			await sink.close();
		}
		expect((await control.get('/callbacks')).data.data).toHaveLength(1);
		const stats = (await control.get('/stats')).data.data;
		expect(stats).toMatchObject({ submits: 1, tasksCreated: 1, queries: 1 });
		expect(stats.byTask[taskId].prompt).toBe('made over HTTP');

		await control.post('/reset');
		expect(emu.stats()).toMatchObject({ submits: 0, tasksCreated: 0, queries: 0 });
		expect(emu.callbacks).toHaveLength(0);
	});
});

// ---------------------------------------------------------------------------------------------
// Latency per model
// ---------------------------------------------------------------------------------------------

describe('per-model latency', () => {
	const typicalMs = (id: string) => findModel(id)!.timing.typicalSeconds[0] * 1000;

	it('latencyScale: each task takes its model typical latency (low end) times the scale', async () => {
		const scaled = await startEmulator({ latencyScale: 0.002, latencyMs: 99_999 });
		try {
			const ids = ['gpt-image-2/text-to-image', 'nano-banana-pro', 'veo3', 'seedance-2.0'];
			const tasks = ids.map((model) => scaled.createTask({ prompt: 'p', model }));
			const latencies = tasks.map((taskId) => scaled.tasks.get(taskId)!.latencyMs);
			expect(latencies).toEqual(ids.map((id) => Math.round(typicalMs(id) * 0.002)));
			expect(latencies).toEqual([30, 60, 120, 240]); // 15 s, 30 s, 60 s, 120 s in the catalog
			const client = axios.create({
				baseURL: scaled.url,
				headers: { Authorization: `Bearer ${scaled.apiKey}` },
			});
			const status = async (taskId: string) =>
				(await client.get(`/api/v1/task/${taskId}`)).data.data.status;
			await sleep(70);
			expect(await status(tasks[0])).toBe('SUCCESS');
			// Each task ends at its own time (read from the emulator's record, not raced against a
			// clock: on a loaded machine a query can come later than the longest latency).
			await sleep(300);
			expect(await status(tasks[3])).toBe('SUCCESS');
			const took = (taskId: string) => {
				const stats = scaled.stats().byTask[taskId];
				return stats.completedAt! - stats.createdAt;
			};
			expect(tasks.map(took)).toEqual([30, 60, 120, 240]);
			// The per-task overrides still win.
			expect(
				scaled.tasks.get(scaled.createTask({ prompt: 'p #latency:5', model: 'veo3' }))!.latencyMs,
			).toBe(5);
			expect(
				scaled.tasks.get(scaled.createTask({ prompt: 'p', model: 'veo3', latencyMs: 7 }))!
					.latencyMs,
			).toBe(7);
		} finally {
			await scaled.close();
		}
	});

	it('modelLatencyMs sets one model latency; latencyMs stays the default', async () => {
		const custom = await startEmulator({ latencyMs: 50, modelLatencyMs: { veo3_fast: 500 } });
		try {
			expect(
				custom.tasks.get(custom.createTask({ prompt: 'p', model: 'veo3_fast' }))!.latencyMs,
			).toBe(500);
			expect(custom.tasks.get(custom.createTask({ prompt: 'p', model: 'veo3' }))!.latencyMs).toBe(
				50,
			);
		} finally {
			await custom.close();
		}
		await expect(startEmulator({ modelLatencyMs: { 'no-such-model': 1 } })).rejects.toThrow(
			/modelLatencyMs/,
		);
		await expect(startEmulator({ latencyScale: -1 })).rejects.toThrow(/latencyScale/);
	});
});
