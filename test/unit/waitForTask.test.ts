// The batch-aware task waiter with a fake query (no n8n, no HTTP): who is polled, and how often.
// Timing figures (detection delay, requests per task) are measured by `npm run bench`, not here.
import type { TaskData } from '../../nodes/shared/api';
import {
	TaskWaiter,
	TaskWaitStopped,
	TaskWaitTimeout,
} from '../../nodes/MaxApi/helpers/waitForTask';

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
		const done = await Promise.all(
			ids.map((id, i) => waiter.waitForSubmitted(id, tasks[i].query, limits)),
		);

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
		await Promise.all([
			waiter.waitForSubmitted('early', early.query, limits),
			waiter.waitForSubmitted('late', late.query, limits),
		]);
		expect(late.queries).toBe(1); // not at the first success, which was too early for it
	});

	it("with the model's usual time, queries a lone task once early, then from that time on closely", async () => {
		const waiter = new TaskWaiter();
		const task = fakeTask('lone', 3000);
		const started = Date.now();
		waiter.addSubmitted([{ taskId: 'lone', submittedAt: started }]);
		await waiter.waitForSubmitted('lone', task.query, { ...limits, expectedMs: 2500 });
		// 1.5 s, 2.5 s, then every 12% of the age: 2.8 s, 3.14 s.
		expect(task.queries).toBe(4);
		expect(Date.now() - started).toBeLessThan(3000 * 1.15);
	});

	it("with the model's usual time, queries no follower before the first success", async () => {
		const waiter = new TaskWaiter();
		const ids = ['p', 'f1', 'f2', 'f3'];
		const tasks = ids.map((id) => fakeTask(id, 2200));
		waiter.addSubmitted(ids.map((taskId) => ({ taskId, submittedAt: Date.now() })));
		await Promise.all(
			ids.map((id, i) =>
				waiter.waitForSubmitted(id, tasks[i].query, { ...limits, expectedMs: 2000 }),
			),
		);
		expect(tasks.slice(1).map((task) => task.queries)).toEqual([1, 1, 1]);
	});

	it('a task much faster than its usual time is found by the early query', async () => {
		const waiter = new TaskWaiter();
		const task = fakeTask('quick', 300);
		const started = Date.now();
		waiter.addSubmitted([{ taskId: 'quick', submittedAt: started }]);
		await waiter.waitForSubmitted('quick', task.query, { ...limits, expectedMs: 20_000 });
		expect(task.queries).toBe(1);
		expect(Date.now() - started).toBeLessThan(2000);
	});

	it('waits for tasks declared one by one, as their submits return', async () => {
		const waiter = new TaskWaiter();
		const first = fakeTask('first', 1200);
		const started = Date.now();
		waiter.addSubmitted([{ taskId: 'first', submittedAt: started }]);
		const firstDone = waiter
			.waitForSubmitted('first', first.query, { ...limits, expectedMs: 1000 })
			.then(() => Date.now() - started);
		await new Promise((resolve) => setTimeout(resolve, 500));
		// Declared 500 ms later: due at its own submit + the first task's latency, after the first success.
		const second = fakeTask('second', 1200);
		waiter.addSubmitted([{ taskId: 'second', submittedAt: Date.now() }]);
		const secondDone = waiter
			.waitForSubmitted('second', second.query, { ...limits, expectedMs: 1000 })
			.then(() => Date.now() - started);
		const [a, b] = await Promise.all([firstDone, secondDone]);
		expect(a).toBeLessThan(1500); // queried at 1.0 s and 1.25 s
		expect(b).toBeGreaterThanOrEqual(1700);
		expect(b).toBeLessThan(2100);
		expect(second.queries).toBe(1);
	});

	it('wakes a follower at the first success instead of letting it sleep on', async () => {
		const waiter = new TaskWaiter();
		const probe = fakeTask('p', 1100);
		const follower = fakeTask('f', 1100);
		const started = Date.now();
		waiter.addSubmitted(['p', 'f'].map((taskId) => ({ taskId, submittedAt: started })));
		// The follower's fallback would be at 2 × 1 s; the probe succeeds at its 1.25 s query.
		const [, followerAt] = await Promise.all([
			waiter.waitForSubmitted('p', probe.query, { ...limits, expectedMs: 1000 }),
			waiter
				.waitForSubmitted('f', follower.query, { ...limits, expectedMs: 1000 })
				.then(() => Date.now() - started),
		]);
		expect(followerAt).toBeLessThan(1600);
		expect(follower.queries).toBe(1);
	});

	it('hands the probe role on when the probe times out', async () => {
		const waiter = new TaskWaiter();
		const stuck = fakeTask('stuck', 60_000);
		const next = fakeTask('next', 2000);
		const started = Date.now();
		waiter.addSubmitted(['stuck', 'next'].map((taskId) => ({ taskId, submittedAt: started })));
		const [timedOut, nextAt] = await Promise.all([
			waiter
				.waitForSubmitted('stuck', stuck.query, { ...limits, timeoutMs: 800, expectedMs: 3000 })
				.catch((e) => e),
			waiter
				.waitForSubmitted('next', next.query, { ...limits, expectedMs: 3000 })
				.then(() => Date.now() - started),
		]);
		expect(timedOut).toBeInstanceOf(TaskWaitTimeout);
		// The probe's schedule (1.5 s, then the usual 3 s), not a follower's fallback at 2 × 3 s.
		expect(nextAt).toBeLessThan(4000);
		expect(next.queries).toBe(2);
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
		const error = await waiter
			.waitForSubmitted('slow', task.query, { ...limits, timeoutMs: 800 })
			.catch((e) => e);
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
