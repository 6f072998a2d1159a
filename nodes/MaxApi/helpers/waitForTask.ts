// Task waiting, designed for batches. Tasks submitted together take about as long as each other,
// so one of them, the probe (the earliest-submitted task still running), is polled closely while the
// others, the followers, are polled only rarely. As soon as any task of the batch succeeds, every
// other task is queried when it should be done by the same measure, then closely. A batch thus costs
// about one task's polls plus one or two per task, and each completion is noticed within a small
// fraction of the task's latency. A probe that fails or times out hands the role to the next task.
//
// What is known before the first poll shapes the probe's schedule: the model's usual time (the
// catalog's, or the user's Expected Duration). The probe is queried once early (a task much faster
// than usual is not missed by much, and short tasks stay quick), then not again until the usual time,
// then closely. Followers are not queried before then at all.
//
// The waiter learns the tasks one by one, as their submits return: the first tasks of a large batch
// are waited for (and found) while the last are still being submitted. Tasks looked up by id (Get
// Task) have unrelated ages and are polled on their own ("solo"). n8n is not needed here: the query
// is passed in. The waiter belongs to one node execution: nothing is shared between executions.
import { sleep } from 'n8n-workflow';

import { isTerminalStatus, type TaskData } from '../../shared/api';
import { isTransientError } from '../../shared/transport/errors';

/**
 * Poll timing. An interval is a fraction of the time already waited (so the delay in noticing a
 * completion is at most that fraction of the task's latency), kept between MIN and the user's cap.
 */
export const POLLING = {
	/** First poll of the probe; GPT Image 2 tasks take longer than this. */
	probeFirstMs: 1500,
	probeFraction: 0.2,
	/** Once the usual time has passed, the probe is polled at this fraction of its age: the delay in noticing is at most this. */
	afterExpectedFraction: 0.12,
	/** Without a success yet, followers wait this many times the usual time before a fallback poll. */
	followerExpectedFactor: 2,
	/** Followers mostly wait for the batch's first success; these polls are only a fallback. */
	followerFirstMs: 5000,
	followerFraction: 1,
	/** After a success in the batch, the others are due about as long after their own submit: poll closely. */
	afterSuccessFraction: 0.15,
	soloFraction: 0.5,
	minIntervalMs: 250,
	/** Default of the Max Poll Interval option. */
	maxIntervalMs: 10_000,
} as const;

export class TaskWaitTimeout extends Error {
	constructor(
		readonly taskId: string,
		readonly lastStatus: string | undefined,
		readonly timeoutMs: number,
		readonly lastError?: Error,
	) {
		super(
			`Max API task ${taskId} did not finish within ${Math.round(timeoutMs / 1000)} seconds (last status: ${lastStatus ?? 'unknown'})`,
		);
	}
}

export class TaskWaitStopped extends Error {
	constructor(readonly taskId: string) {
		super(`Stopped while waiting for Max API task ${taskId}`);
	}
}

export interface WaitLimits {
	timeoutMs: number;
	/** The user's cap on the interval between two polls of a task. */
	maxIntervalMs: number;
	/** How long tasks of this model usually take, when known (the catalog's, or the user's). */
	expectedMs?: number;
}

type Mode = 'batch' | 'solo';

/**
 * Longest nap between two looks at a task's due time. A task is also woken early when its due time
 * moves (it became the probe, the batch's first success) or on Stop, so this only bounds how long a
 * timer outlives a wait that ended early.
 */
const MAX_NAP_MS = 1000;

/** Waits for the tasks of one node execution; `signal` stops every wait (the user's Stop, or a failed item). */
export class TaskWaiter {
	private readonly submitOrder: string[] = [];
	private readonly submittedAt = new Map<string, number>();
	private readonly running = new Set<string>();
	/** Index in submitOrder before which no task is running: where the search for the probe starts. */
	private probeFrom = 0;
	/** Submit-to-success time of the batch's first success: what the other tasks are expected to take. */
	private expectedLatencyMs: number | undefined;
	/** How to wake the sleeping waits of each task before their naps end (the due time moved, or Stop). */
	private readonly wakers = new Map<string, Set<() => void>>();

	constructor(private readonly signal?: AbortSignal) {
		signal?.addEventListener('abort', () => this.wakeAll(), { once: true });
	}

	/**
	 * Declares tasks this execution submitted (epoch ms of each submit). May be called again as more
	 * submits return: each task can be waited for as soon as it is declared.
	 */
	addSubmitted(tasks: Array<{ taskId: string; submittedAt: number }>): void {
		for (const { taskId, submittedAt } of tasks) {
			// Kept in submit order (the probe is the earliest-submitted task still running); submits
			// mostly return in order, so this is nearly always an append.
			let at = this.submitOrder.length;
			while (at > 0 && this.submittedAt.get(this.submitOrder[at - 1])! > submittedAt) at--;
			this.submitOrder.splice(at, 0, taskId);
			this.probeFrom = Math.min(this.probeFrom, at);
			this.submittedAt.set(taskId, submittedAt);
			this.running.add(taskId);
		}
	}

	/** Resolves with a task declared by addSubmitted once its status is terminal. */
	async waitForSubmitted(
		taskId: string,
		query: () => Promise<TaskData>,
		limits: WaitLimits,
	): Promise<TaskData> {
		return await this.poll(taskId, query, limits, 'batch');
	}

	/** Resolves with a task of any age (polled at once, then on its own schedule) once it is terminal. */
	async waitForExisting(
		taskId: string,
		query: () => Promise<TaskData>,
		limits: WaitLimits,
	): Promise<TaskData> {
		return await this.poll(taskId, query, limits, 'solo');
	}

	/**
	 * A query that fails transiently (429, 5xx, dropped connection) counts as "not finished yet"; any
	 * other failure ends the wait.
	 */
	private async poll(
		taskId: string,
		query: () => Promise<TaskData>,
		limits: WaitLimits,
		mode: Mode,
	): Promise<TaskData> {
		try {
			return await this.pollUntilTerminal(taskId, query, limits, mode);
		} finally {
			// However the wait ended (terminal status, timeout, error, Stop), the task no longer holds the
			// probe role: the next running task takes it over (after a failed or timed-out probe too).
			if (mode === 'batch') this.ended(taskId);
		}
	}

	private async pollUntilTerminal(
		taskId: string,
		query: () => Promise<TaskData>,
		limits: WaitLimits,
		mode: Mode,
	): Promise<TaskData> {
		const deadline = Date.now() + limits.timeoutMs;
		// Intervals grow with the time since the task was created.
		const startedAt = (mode === 'batch' && this.submittedAt.get(taskId)) || Date.now();
		let lastPollAt: number | undefined;
		let lastStatus: string | undefined;
		let lastError: Error | undefined;

		for (;;) {
			// Sleep until the due time. It can move while sleeping (this task may become the probe, or
			// another task may succeed): such a change, and a Stop, wake the nap early. The last poll is
			// at the deadline.
			for (;;) {
				if (this.signal?.aborted) throw new TaskWaitStopped(taskId);
				const now = Date.now();
				const due = Math.min(this.dueAt(taskId, mode, startedAt, lastPollAt, limits), deadline);
				if (now >= due) break;
				await this.nap(taskId, Math.min(due - now, MAX_NAP_MS));
			}

			lastPollAt = Date.now();
			let task: TaskData | undefined;
			let failure: unknown;
			try {
				task = await query();
			} catch (error) {
				failure = error;
			}
			if (task) {
				lastStatus = task.status;
				lastError = undefined;
				if (isTerminalStatus(task.status)) {
					this.finished(taskId, task);
					return task;
				}
			} else {
				if (this.signal?.aborted) throw new TaskWaitStopped(taskId);
				if (!isTransientError(failure)) throw failure;
				lastError = failure as Error;
			}
			if (Date.now() >= deadline)
				throw new TaskWaitTimeout(taskId, lastStatus, limits.timeoutMs, lastError);
		}
	}

	private finished(taskId: string, task: TaskData): void {
		const submittedAt = this.submittedAt.get(taskId);
		if (
			task.status !== 'SUCCESS' ||
			submittedAt === undefined ||
			this.expectedLatencyMs !== undefined
		)
			return;
		// The API's own timestamps give the latency without this poll's detection delay; the local
		// clock is the fallback when they are missing or unreadable.
		const apiLatencyMs = Date.parse(task.updated_at ?? '') - Date.parse(task.created_at ?? '');
		this.expectedLatencyMs =
			Number.isFinite(apiLatencyMs) && apiLatencyMs > 0 ? apiLatencyMs : Date.now() - submittedAt;
		// Every other task is now due at its own submit + this latency, sooner than it planned.
		this.wakeAll();
	}

	/** The task's wait is over; if it was the probe, the next running task is, from now. */
	private ended(taskId: string): void {
		const wasProbe = this.probe() === taskId;
		this.running.delete(taskId);
		const next = wasProbe ? this.probe() : undefined;
		if (next !== undefined) this.wake(next);
	}

	/** The earliest-submitted task still running. */
	private probe(): string | undefined {
		// Tasks end roughly in submit order: resuming the search where it last stopped keeps this cheap
		// for a batch of 1000.
		while (
			this.probeFrom < this.submitOrder.length &&
			!this.running.has(this.submitOrder[this.probeFrom])
		)
			this.probeFrom++;
		return this.submitOrder[this.probeFrom];
	}

	private isProbe(taskId: string): boolean {
		return this.probe() === taskId;
	}

	/**
	 * Sleeps `ms`, or less when woken. n8n's `sleep` cannot be cancelled, so a nap woken early leaves
	 * its timer to run out (at most MAX_NAP_MS), which then does nothing.
	 */
	private async nap(taskId: string, ms: number): Promise<void> {
		await new Promise<void>((resolve) => {
			const naps = this.wakers.get(taskId) ?? new Set<() => void>();
			this.wakers.set(taskId, naps);
			const wake = () => {
				naps.delete(wake);
				if (naps.size === 0 && this.wakers.get(taskId) === naps) this.wakers.delete(taskId);
				resolve();
			};
			naps.add(wake);
			void sleep(ms).then(wake);
		});
	}

	private wake(taskId: string): void {
		for (const wake of [...(this.wakers.get(taskId) ?? [])]) wake();
	}

	private wakeAll(): void {
		for (const taskId of [...this.wakers.keys()]) this.wake(taskId);
	}

	/** When this task should next be queried. */
	private dueAt(
		taskId: string,
		mode: Mode,
		startedAt: number,
		lastPollAt: number | undefined,
		limits: WaitLimits,
	): number {
		const { maxIntervalMs, expectedMs } = limits;
		const after = (fraction: number) => {
			const base = lastPollAt ?? startedAt;
			const interval = Math.min(
				Math.max(fraction * (base - startedAt), POLLING.minIntervalMs),
				maxIntervalMs,
			);
			return base + interval;
		};
		if (mode === 'solo') return lastPollAt === undefined ? startedAt : after(POLLING.soloFraction);

		if (this.expectedLatencyMs !== undefined) {
			const expectedAt = startedAt + this.expectedLatencyMs;
			const polledSinceExpected = lastPollAt !== undefined && lastPollAt >= expectedAt;
			return polledSinceExpected ? after(POLLING.afterSuccessFraction) : expectedAt;
		}
		const probe = this.isProbe(taskId);
		if (expectedMs !== undefined) {
			const expectedAt = startedAt + expectedMs;
			if (probe) {
				if (lastPollAt === undefined) return startedAt + Math.min(POLLING.probeFirstMs, expectedMs);
				return lastPollAt < expectedAt ? expectedAt : after(POLLING.afterExpectedFraction);
			}
			const fallbackAt = startedAt + POLLING.followerExpectedFactor * expectedMs;
			return lastPollAt === undefined || lastPollAt < fallbackAt
				? fallbackAt
				: after(POLLING.followerFraction);
		}
		if (lastPollAt === undefined) {
			return (
				startedAt + Math.min(probe ? POLLING.probeFirstMs : POLLING.followerFirstMs, maxIntervalMs)
			);
		}
		return after(probe ? POLLING.probeFraction : POLLING.followerFraction);
	}
}
