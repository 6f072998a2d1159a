// Batches: submit all, wait together; flaky polls recovered without a second submit; Stop.
import { NODE_NAME, runMaxApi, startMaxApi, useTestbed } from './support/maxApi';

const LATENCY_MS = 1500;
const bed = useTestbed({ latencyMs: LATENCY_MS });
/** The node is told how long these tasks usually take (GPT Image 2's own usual time is 15 s). */
const EXPECTED = { expectedDuration: LATENCY_MS / 1000 };

describe('batches', () => {
	it('20 items finish in about one task latency, with one submit each', async () => {
		const items = Array.from({ length: 20 }, (_, i) => ({ prompt: `image ${i}` }));
		const started = Date.now();
		const result = await runMaxApi(bed, {
			items,
			parameters: {
				resource: 'image',
				operation: 'textToImage',
				prompt: '={{ $json.prompt }}',
				options: EXPECTED,
			},
		});
		const elapsed = Date.now() - started;

		expect(result.error).toBeUndefined();
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.json.prompt)).toEqual(items.map((item) => item.prompt));
		expect(output.every((item) => item.json.status === 'SUCCESS' && item.binary?.data)).toBe(true);
		expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		const stats = bed.emu.stats();
		expect(stats.submits).toBe(20);
		expect(Object.values(stats.submitsByPrompt).every((count) => count === 1)).toBe(true);
		// One latency plus polling granularity: far below 20 sequential tasks (30 s).
		expect(elapsed).toBeLessThan(LATENCY_MS * 3);
	});

	it('recovers from failing polls (5xx, 429, resets, malformed JSON) with exactly one submit', async () => {
		bed.emu.inject([
			{ on: 'query', kind: 'http', status: 503 },
			{ on: 'query', kind: 'http', status: 429, retryAfter: 0 },
			{ on: 'query', kind: 'reset' },
			{ on: 'query', kind: 'malformed' },
		]);
		const result = await runMaxApi(bed, {
			parameters: {
				resource: 'image',
				operation: 'textToImage',
				prompt: 'flaky',
				options: { downloadImages: false, ...EXPECTED },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.outputOf(NODE_NAME)[0].json.status).toBe('SUCCESS');
		expect(bed.emu.stats().submits).toBe(1);
	});

	it("Stop ends the wait within a second and doesn't submit again", async () => {
		const handle = await startMaxApi(bed, {
			parameters: { resource: 'image', operation: 'textToImage', prompt: 'forever #never' },
		});
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const stoppedAt = Date.now();
		handle.cancel();
		const result = await handle.promise;
		expect(Date.now() - stoppedAt).toBeLessThan(1000);
		expect(result.status).toBe('canceled');
		expect(bed.emu.stats().submits).toBe(1);
	});
});
