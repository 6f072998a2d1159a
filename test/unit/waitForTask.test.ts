// The batch-aware task waiter with a fake query (no n8n, no HTTP): who is polled, and how often.
// Timing figures (detection delay, requests per task) are measured by `npm run bench`, not here.
import type { TaskData } from '../../nodes/shared/api';
import { TaskWaiter, TaskWaitStopped, TaskWaitTimeout } from '../../nodes/MaxApi/helpers/waitForTask';

/** A fake task that is SUBMITTED until `doneAfterMs` from now, then `end`. */
function fakeTask(taskId: string, doneAfterMs: number, end: 'SUCCESS' | 'FAILURE' = 'SUCCESS') {
	const doneAt = Date.now() + doneAfterMs;
	const fake = {
		queries: 0,
		query: async (): Promise<TaskData> => {
			fake.queries++;
			return { taskId, status: Date.now() >= doneAt ? end : 'SUBMITTED' };
		},
	};
	return fake;
}

const limits = { timeoutMs: 30_000, maxIntervalMs: 10_000 };

describe('TaskWaiter', () => {
	it('polls the probe closely and each follower once, after the first success', async () => {
		const waiter = new TaskWaiter();
		const ids = Array.from({ length: 8 }, (_, i) => `t${i}`);
		const tasks = ids.map((id) => fakeTask(id, 2000));
		waiter.addSubmitted(ids.map((taskId) => ({ taskId, submittedAt: Date.now() })));
		const done = await Promise.all(ids.map((id, i) => waiter.waitForSubmitted(id, tasks[i].query, limits)));

		expect(done.map((task) => task.status)).toEqual(ids.map(() => 'SUCCESS'));
		expect(tasks[0].queries).toBeGreaterThanOrEqual(2);
		expect(tasks.slice(1).map((task) => task.queries)).toEqual(ids.slice(1).map(() => 1));
	});

	it('hands the probe role on when the probe fails', async () => {
		const waiter = new TaskWaiter();
		const failing = fakeTask('a', 1600, 'FAILURE');
		const next = fakeTask('b', 2400);
		const last = fakeTask('c', 2400);
		waiter.addSubmitted(['a', 'b', 'c'].map((taskId) => ({ taskId, submittedAt: Date.now() })));
		const [a, b, c] = await Promise.all([
			waiter.waitForSubmitted('a', failing.query, limits),
			waiter.waitForSubmitted('b', next.query, limits),
			waiter.waitForSubmitted('c', last.query, limits),
		]);
		expect([a.status, b.status, c.status]).toEqual(['FAILURE', 'SUCCESS', 'SUCCESS']);
		expect(next.queries).toBeGreaterThanOrEqual(2); // became the probe after a failed
		expect(last.queries).toBe(1); // still a follower: polled once, after b succeeded
	});

	it('queries a follower when it should be done by the first success, measured from its own submit', async () => {
		const waiter = new TaskWaiter();
		const early = fakeTask('early', 1800);
		const late = fakeTask('late', 2600); // submitted 800 ms after `early`: done 800 ms after it
		waiter.addSubmitted([
			{ taskId: 'early', submittedAt: Date.now() },
			{ taskId: 'late', submittedAt: Date.now() + 800 },
		]);
		await Promise.all([waiter.waitForSubmitted('early', early.query, limits), waiter.waitForSubmitted('late', late.query, limits)]);
		expect(late.queries).toBe(1); // not at the first success, which was too early for it
	});

	it('queries a task looked up by id at once', async () => {
		const waiter = new TaskWaiter();
		const task = fakeTask('x', 0);
		const started = Date.now();
		await waiter.waitForExisting('x', task.query, limits);
		expect(task.queries).toBe(1);
		expect(Date.now() - started).toBeLessThan(200);
	});

	it('queries once more at the deadline, then times out with the last status', async () => {
		const waiter = new TaskWaiter();
		const task = fakeTask('slow', 60_000);
		waiter.addSubmitted([{ taskId: 'slow', submittedAt: Date.now() }]);
		const error = await waiter.waitForSubmitted('slow', task.query, { ...limits, timeoutMs: 800 }).catch((e) => e);
		expect(error).toBeInstanceOf(TaskWaitTimeout);
		expect(error.message).toContain('last status: SUBMITTED');
		expect(task.queries).toBe(1);
	});

	it('stops waiting when its signal aborts', async () => {
		const stop = new AbortController();
		const waiter = new TaskWaiter(stop.signal);
		const task = fakeTask('s', 60_000);
		waiter.addSubmitted([{ taskId: 's', submittedAt: Date.now() }]);
		const waiting = waiter.waitForSubmitted('s', task.query, limits).catch((e) => e);
		setTimeout(() => stop.abort(), 100);
		expect(await waiting).toBeInstanceOf(TaskWaitStopped);
	});
});
