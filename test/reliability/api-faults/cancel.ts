// API faults table, cancel rows: Task → Cancel of a task made at the emulator.
import type { Emulator } from '../../emulator';
import { UNKNOWN_TASK, type Context, type Row } from './row';

/** A task still running when the row cancels it (it would take a minute). */
const running = (emu: Emulator) =>
	emu.createTask({ prompt: 'a task to cancel', model: 'veo3_fast', latencyMs: 60_000 });
/** The cancel requests a row's emulator received. */
const cancels = (emu: Emulator) =>
	emu.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/cancel'));
const cancelled = ({ result, emu }: Context) => {
	const [item] = result.outputOf('Max API');
	expect(item.json).toMatchObject({ status: 'CANCELLED', model: 'veo3_fast', mediaType: 'video' });
	expect(emu.stats().byTask[item.json.taskId as string].status).toBe('CANCELLED');
};

// Task → Cancel. A cancel changes nothing when repeated, so the node resends it like a query.
export const cancelRows: Row[] = [
	{
		name: 'cancel: a task id Max API does not know (404)',
		operation: 'cancel',
		expect: {
			error: new RegExp(`no task ${UNKNOWN_TASK} \\(code 404\\)`),
			description: /Check the task id/,
		},
	},
	{
		name: 'cancel: a task that has ended (refused with 400)',
		operation: 'cancel',
		task: (emu) => emu.createTask({ prompt: 'already done', status: 'SUCCESS' }),
		expect: {
			error: /code 400: task cannot be cancelled in status SUCCESS/,
			description:
				/only be cancelled before it has finished.*Look it up with Get Task.*cost nothing.*Task ID: /s,
			check: ({ emu }) => expect(cancels(emu)).toHaveLength(1),
		},
	},
	{
		name: 'cancel: a PROCESSING task when Max API cancels PENDING tasks only (cancel page v-A)',
		operation: 'cancel',
		emulator: { cancellableStatuses: ['PENDING'] },
		task: (emu) => emu.createTask({ prompt: 'busy', status: 'PROCESSING' }),
		expect: {
			error: /code 400: task cannot be cancelled in status PROCESSING/,
			description: /only while it is queued.*Task ID: /s,
			check: ({ emu, taskIds }) =>
				expect(emu.stats().byTask[taskIds[0]]).toMatchObject({
					status: 'PROCESSING',
					cancelledAt: null,
				}),
		},
	},
	{
		name: 'cancel: 429 with Retry-After 1, then success',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'http', status: 429, retryAfter: 1 }],
		expect: {
			recovery: 'resent after Retry-After; the task is CANCELLED',
			check: (ctx) => {
				cancelled(ctx);
				const [first, second] = cancels(ctx.emu);
				expect(second.time - first.time).toBeGreaterThanOrEqual(950);
			},
		},
	},
	{
		name: 'cancel: 429 on every attempt',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'http', status: 429, retryAfter: 0, times: 10 }],
		expect: {
			error: /code 429/,
			description: /try again later.*cost nothing.*Task ID: /s,
			check: ({ emu, taskIds }) => {
				expect(cancels(emu)).toHaveLength(4);
				expect(emu.stats().byTask[taskIds[0]].status).not.toBe('CANCELLED');
			},
		},
	},
	{
		name: 'cancel: HTTP 503 twice, then success',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'http', status: 503, times: 2 }],
		expect: { recovery: 'resent; the task is CANCELLED', check: cancelled },
	},
	{
		name: 'cancel: code 500 on HTTP 200, then success',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'code', status: 500 }],
		expect: { recovery: 'resent like a 5xx; the task is CANCELLED', check: cancelled },
	},
	{
		name: 'cancel: HTTP 500 on every attempt',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'http', status: 500, times: 10 }],
		expect: {
			error: /code 500/,
			description: /Nothing was billed by this cancel request; try again later.*Task ID: /s,
			check: ({ emu }) => expect(cancels(emu)).toHaveLength(4),
		},
	},
	{
		name: 'cancel: connection reset before Max API read the request, then success',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'reset' }],
		expect: { recovery: 'resent; the task is CANCELLED', check: cancelled },
	},
	{
		name: 'cancel: connection reset on every attempt',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'reset', times: 10 }],
		expect: {
			error: /ECONNRESET/,
			description: /Nothing was billed by this cancel request; try again later.*Task ID: /s,
		},
	},
	{
		name: 'cancel: connection reset after Max API cancelled the task (the answer lost)',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'resetAfterProcess' }],
		expect: { recovery: 'the task is CANCELLED, and the output says so', check: cancelled },
	},
	{
		name: 'cancel: the query after the cancel gets 503, then success',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'query', kind: 'http', status: 503 }],
		expect: { recovery: 'the query is retried; the task is CANCELLED', check: cancelled },
	},
];
