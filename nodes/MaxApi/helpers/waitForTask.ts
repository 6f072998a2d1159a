// Task waiting: polls one task until it reaches a terminal status, with a backoff that starts
// short (images are often ready in seconds) and grows to a cap (long tasks are not hammered).
// n8n is not needed here; the query and the clock are passed in.
import { isTerminalStatus, type TaskData } from '../../shared/api';
import { isTransientError, sleepUnlessAborted } from '../../shared/transport';

export interface PollSchedule {
	/** Wait before the first query, in ms (0 for a task that may be finished already). */
	firstDelayMs: number;
	/** The interval never grows past this, in ms. */
	maxIntervalMs: number;
	/** Growth of the interval after each query that found the task still running. */
	growth: number;
}

export const DEFAULT_SCHEDULE: PollSchedule = { firstDelayMs: 1000, maxIntervalMs: 10_000, growth: 1.5 };

export class TaskWaitTimeout extends Error {
	constructor(
		readonly taskId: string,
		readonly lastStatus: string | undefined,
		readonly timeoutMs: number,
		readonly lastError?: Error,
	) {
		super(`Max API task ${taskId} did not finish within ${Math.round(timeoutMs / 1000)} seconds (last status: ${lastStatus ?? 'unknown'})`);
	}
}

export class TaskWaitStopped extends Error {
	constructor(readonly taskId: string) {
		super(`Stopped while waiting for Max API task ${taskId}`);
	}
}

/**
 * Resolves with the task once its status is terminal. A query that fails transiently (429, 5xx,
 * dropped connection) counts as "not finished yet"; any other failure ends the wait.
 */
export async function waitForTask(
	taskId: string,
	query: () => Promise<TaskData>,
	options: { timeoutMs: number; schedule?: PollSchedule; signal?: AbortSignal },
): Promise<TaskData> {
	const schedule = options.schedule ?? DEFAULT_SCHEDULE;
	const deadline = Date.now() + options.timeoutMs;
	let interval = schedule.firstDelayMs;
	let lastStatus: string | undefined;
	let lastError: Error | undefined;

	for (;;) {
		const left = deadline - Date.now();
		if (left <= 0) throw new TaskWaitTimeout(taskId, lastStatus, options.timeoutMs, lastError);
		await sleepUnlessAborted(Math.min(interval, left), options.signal);
		if (options.signal?.aborted) throw new TaskWaitStopped(taskId);
		interval = Math.min(Math.max(interval, 250) * schedule.growth, schedule.maxIntervalMs);

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
			if (isTerminalStatus(task.status)) return task;
		} else {
			if (options.signal?.aborted) throw new TaskWaitStopped(taskId);
			if (!isTransientError(failure)) throw failure;
			lastError = failure as Error;
		}
	}
}
