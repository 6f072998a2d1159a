import { createLimiter } from '../../nodes/MaxApi/helpers/limiter';

describe('createLimiter', () => {
	it('never runs more than the limit at once, and runs every job', async () => {
		const limit = createLimiter(3);
		let running = 0;
		let peak = 0;
		const results = await Promise.all(
			Array.from({ length: 20 }, async (_, i) =>
				limit(async () => {
					running++;
					peak = Math.max(peak, running);
					await new Promise((resolve) => setImmediate(resolve));
					running--;
					return i;
				}),
			),
		);
		expect(peak).toBe(3);
		expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
	});

	it('frees the slot of a job that throws', async () => {
		const limit = createLimiter(1);
		await expect(limit(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		await expect(limit(async () => 'next')).resolves.toBe('next');
	});
});
