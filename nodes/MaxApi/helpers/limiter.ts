/**
 * Runs at most `limit` of the given jobs at once, and resolves when a job may start: a counting
 * semaphore, so that a batch of 100 items never opens 100 connections to Max API.
 */
export type Limiter = <T>(job: () => Promise<T>) => Promise<T>;

export function createLimiter(limit: number): Limiter {
	let running = 0;
	const queue: Array<() => void> = [];
	const release = () => {
		running--;
		queue.shift()?.();
	};
	return async <T>(job: () => Promise<T>): Promise<T> => {
		if (running >= limit) await new Promise<void>((resolve) => queue.push(resolve));
		running++;
		try {
			return await job();
		} finally {
			release();
		}
	};
}
