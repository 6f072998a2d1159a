// Text to Image and Image to Image, run inside n8n's engine against the emulator: what a user
// sees in the node's output (JSON and binary images), waiting and not waiting.
import { NODE_NAME, pngSize, runMaxApi, useTestbed, visibleText } from './support/maxApi';

const bed = useTestbed({ latencyMs: 300 });

describe('Text to Image', () => {
	it('waits for the task and outputs its JSON and the PNG as binary data', async () => {
		const result = await runMaxApi(bed, {
			parameters: {
				resource: 'image',
				operation: 'textToImage',
				prompt: 'A crow on a neon street',
				ratio: '16:9',
				resolution: '2k',
			},
		});

		expect(result.error).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({
			status: 'SUCCESS',
			model: 'gpt-image-2/text-to-image',
			prompt: 'A crow on a neon street',
			ratio: '16:9',
			resolution: '2k',
			n: 1,
			failureReason: null,
			costUsd: 0.04,
		});
		expect(item.json.taskId).toEqual(expect.any(String));
		expect(item.json.urls).toHaveLength(1);
		expect(item.json.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(item.pairedItem).toEqual({ item: 0 });

		const binary = item.binary!.data;
		expect(binary).toMatchObject({
			mimeType: 'image/png',
			fileExtension: 'png',
			fileName: `${item.json.taskId}-0.png`,
		});
		expect(pngSize(await result.binaryBuffer(NODE_NAME, 0, 'data'))).toEqual({
			width: 2048,
			height: 1152,
		});

		const stats = bed.emu.stats();
		expect(stats.submits).toBe(1);
		expect(stats.downloads).toBe(1);
	});

	it('puts image k of a task with n images in data, data_1, … with the right sizes', async () => {
		const result = await runMaxApi(bed, {
			parameters: {
				resource: 'image',
				operation: 'textToImage',
				prompt: 'three cats',
				ratio: '1:1',
				n: 3,
				options: { binaryPropertyName: 'image' },
			},
		});
		const [item] = result.outputOf(NODE_NAME);
		expect(Object.keys(item.binary!).sort()).toEqual(['image', 'image_1', 'image_2']);
		for (const [k, property] of ['image', 'image_1', 'image_2'].entries()) {
			expect(item.binary![property].fileName).toBe(`${item.json.taskId}-${k}.png`);
			expect(pngSize(await result.binaryBuffer(NODE_NAME, 0, property))).toEqual({
				width: 1024,
				height: 1024,
			});
		}
		expect(item.json.costUsd).toBe(0.06);
	});

	it('4k with an allowed ratio produces 3840x2160 images', async () => {
		const result = await runMaxApi(bed, {
			parameters: {
				resource: 'image',
				operation: 'textToImage',
				prompt: 'a wide vista',
				ratio: '16:9',
				resolution: '4k',
			},
		});
		expect(pngSize(await result.binaryBuffer(NODE_NAME, 0, 'data'))).toEqual({
			width: 3840,
			height: 2160,
		});
		expect(result.outputOf(NODE_NAME)[0].json.costUsd).toBe(0.06);
	});

	it('without waiting outputs the task id and PENDING at once, and makes no query', async () => {
		const started = Date.now();
		const result = await runMaxApi(bed, {
			parameters: {
				resource: 'image',
				operation: 'textToImage',
				prompt: 'later',
				waitForCompletion: false,
			},
		});
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ status: 'PENDING', urls: [], costUsd: 0 });
		expect(bed.emu.tasks.has(item.json.taskId as string)).toBe(true);
		expect(item.binary).toBeUndefined();
		expect(bed.emu.stats().queries).toBe(0);
		expect(Date.now() - started).toBeLessThan(300); // did not wait for the 300 ms task
	});

	it('with Download Images off outputs the URLs only', async () => {
		const result = await runMaxApi(bed, {
			parameters: {
				resource: 'image',
				operation: 'textToImage',
				prompt: 'no download',
				options: { downloadImages: false },
			},
		});
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json.status).toBe('SUCCESS');
		expect(item.json.urls).toHaveLength(1);
		expect(item.binary).toBeUndefined();
		expect(bed.emu.stats().downloads).toBe(0);
	});

	it('sends the callback URL and user id with the task', async () => {
		const result = await runMaxApi(bed, {
			parameters: {
				resource: 'image',
				operation: 'textToImage',
				prompt: 'with callback',
				waitForCompletion: false,
				options: { callbackUrl: 'http://127.0.0.1:9/hook?token=abc', userId: 'customer-42' },
			},
		});
		const task = bed.emu.tasks.get(result.outputOf(NODE_NAME)[0].json.taskId as string)!;
		expect(task.callBackUrl).toBe('http://127.0.0.1:9/hook?token=abc');
		expect(task.userId).toBe('customer-42');
		expect(result.outputOf(NODE_NAME)[0].json.userId).toBe('customer-42');
	});

	it("adds the credential's callback token to the callback URL, and never outputs it", async () => {
		const credentials = { maxApi: { ...bed.credentials.maxApi, callbackToken: 'tok-123' } };
		const result = await runMaxApi(bed, {
			credentials,
			items: [
				{ url: 'http://127.0.0.1:9/webhook/abc/maxapi' },
				{ url: 'http://127.0.0.1:9/hook?token=own' },
			],
			parameters: {
				resource: 'image',
				operation: 'textToImage',
				prompt: 'token',
				waitForCompletion: false,
				options: { callbackUrl: '={{ $json.url }}' },
			},
		});
		const [first, second] = result
			.outputOf(NODE_NAME)
			.map((item) => bed.emu.tasks.get(item.json.taskId as string)!);
		expect(first.callBackUrl).toBe('http://127.0.0.1:9/webhook/abc/maxapi?token=tok-123');
		expect(second.callBackUrl).toBe('http://127.0.0.1:9/hook?token=own'); // a token already there is kept
		expect(visibleText(result)).not.toContain('tok-123');
	});

	it('never shows the API key in output', async () => {
		const result = await runMaxApi(bed, {
			parameters: { resource: 'image', operation: 'textToImage', prompt: 'secret check' },
		});
		expect(visibleText(result)).not.toContain(bed.emu.apiKey);
	});
});

describe('Image to Image', () => {
	it('sends every source URL (new lines and commas) and outputs the edited image', async () => {
		const result = await runMaxApi(bed, {
			parameters: {
				resource: 'image',
				operation: 'imageToImage',
				prompt: 'Restyle in cyberpunk aesthetic',
				imageUrls:
					'https://example.com/a.jpg\nhttps://example.com/b.jpg, https://cdn.example.com/w_400,h_300/c.png',
				ratio: '3:4',
			},
		});
		expect(result.error).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		const sent = [
			'https://example.com/a.jpg',
			'https://example.com/b.jpg',
			'https://cdn.example.com/w_400,h_300/c.png',
		];
		expect(item.json).toMatchObject({
			status: 'SUCCESS',
			model: 'gpt-image-2/image-to-image',
			imageUrls: sent,
			ratio: '3:4',
		});
		expect(bed.emu.tasks.get(item.json.taskId as string)!.input.imageUrls).toEqual(sent);
		expect(pngSize(await result.binaryBuffer(NODE_NAME, 0, 'data'))).toEqual({
			width: 768,
			height: 1024,
		});
	});

	it('takes the URLs from an expression that returns an array', async () => {
		const result = await runMaxApi(bed, {
			items: [{ sources: ['https://example.com/one.png', 'https://example.com/two.png'] }],
			parameters: {
				resource: 'image',
				operation: 'imageToImage',
				prompt: 'merge them',
				imageUrls: '={{ $json.sources }}',
				options: { downloadImages: false },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.outputOf(NODE_NAME)[0].json.imageUrls).toEqual([
			'https://example.com/one.png',
			'https://example.com/two.png',
		]);
	});
});
