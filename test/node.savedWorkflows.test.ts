// Workflows saved before the model catalog (the node then made GPT Image 2 images only): their Max API
// node has resource image, operation textToImage or imageToImage, ratio/resolution/n and options as
// they were, and no `model` parameter. They must run exactly as before: the same submit body as GPT
// Image 2 chosen explicitly, the same output, the same binaries.
//
//   npx jest test/node.savedWorkflows.test.ts
import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from './emulator';
import type { RunResult } from './harness/engine';
import { startApiProxy, type ApiProxy } from './support/apiProxy';
import { NODE_NAME, runMaxApi, useTestbed } from './support/maxApi';

const bed = useTestbed({ latencyMs: 150 });
const pairs = new Map<string, Promise<[RunResult, RunResult]>>();
// An emulator of this file's own, never reset between tests: the saved nodes run all at once.
let emu: Emulator;
let proxy: ApiProxy;
beforeAll(async () => {
	emu = await startEmulator({ latencyMs: 150 });
	proxy = await startApiProxy(emu.url);
});
afterAll(async () => {
	await Promise.allSettled(pairs.values());
	await proxy?.close();
	await emu?.close();
});

/** The submit bodies Max API received with this prompt. */
function bodiesOf(prompt: unknown): unknown[] {
	return proxy.submits.filter(
		(body) => (body as { input?: { prompt?: unknown } }).input?.prompt === prompt,
	);
}

async function start(parameters: INodeParameters) {
	return await runMaxApi(
		{ ...bed, emu },
		{ credentials: { maxApi: { apiKey: emu.apiKey, baseUrl: proxy.url } }, parameters },
	);
}

async function run(parameters: INodeParameters) {
	const result = await start(parameters);
	expect(result.error).toBeUndefined();
	return { body: bodiesOf(parameters.prompt).at(-1), item: result.outputOf(NODE_NAME)[0] };
}

/** The node parameters of Max API nodes saved before the catalog, as n8n stored them (defaults omitted). */
const saved: Array<{
	name: string;
	parameters: INodeParameters;
	model: string;
	input: Record<string, unknown>;
	costUsd: number;
}> = [
	{
		name: 'Text to Image with ratio, resolution and n',
		parameters: {
			resource: 'image',
			operation: 'textToImage',
			prompt: 'A crow on a neon street',
			ratio: '16:9',
			resolution: '2k',
			n: 2,
		},
		model: 'gpt-image-2/text-to-image',
		input: { prompt: 'A crow on a neon street', ratio: '16:9', resolution: '2k', n: 2 },
		costUsd: 0.08,
	},
	{
		name: 'Text to Image left at its defaults (only the prompt stored)',
		parameters: { resource: 'image', operation: 'textToImage', prompt: 'defaults as saved' },
		model: 'gpt-image-2/text-to-image',
		input: { prompt: 'defaults as saved', resolution: '1k', n: 1 },
		costUsd: 0.02,
	},
	{
		name: 'Text to Image at 4k 21:9 with options',
		parameters: {
			resource: 'image',
			operation: 'textToImage',
			prompt: 'a wide vista',
			ratio: '21:9',
			resolution: '4k',
			options: { binaryPropertyName: 'image', timeout: 300, maxPollInterval: 5 },
		},
		model: 'gpt-image-2/text-to-image',
		input: { prompt: 'a wide vista', ratio: '21:9', resolution: '4k', n: 1 },
		costUsd: 0.06,
	},
	{
		name: 'Image to Image with two source URLs and ratio auto',
		parameters: {
			resource: 'image',
			operation: 'imageToImage',
			prompt: 'Restyle in cyberpunk aesthetic',
			imageUrls: 'https://example.com/a.jpg\nhttps://example.com/b.jpg',
			ratio: 'auto',
			n: 3,
		},
		model: 'gpt-image-2/image-to-image',
		input: {
			prompt: 'Restyle in cyberpunk aesthetic',
			imageUrls: ['https://example.com/a.jpg', 'https://example.com/b.jpg'],
			resolution: '1k',
			n: 3,
		},
		costUsd: 0.06,
	},
];

// Every saved node runs side by side with the same node with GPT Image 2 chosen in today's Model list,
// all of them at once when the file starts (each saved node has its own prompt).
beforeAll(() => {
	for (const { name, parameters, model } of saved) {
		const options = { ...(parameters.options as object), downloadImages: false };
		const pair = Promise.all([
			start({ ...parameters, options }),
			start({ ...parameters, model, options }),
		]);
		pair.catch(() => undefined); // a failed run fails its own test
		pairs.set(name, pair);
	}
});
describe('a Max API node saved before the catalog (no model parameter) runs as GPT Image 2', () => {
	it.each(saved)('$name', async ({ name, parameters, model, input, costUsd }) => {
		const [asSaved, asToday] = await pairs.get(name)!;
		expect(asSaved.error).toBeUndefined();
		expect(asToday.error).toBeUndefined();
		// Both sent the very same body.
		expect(bodiesOf(parameters.prompt)).toStrictEqual([
			{ model, input },
			{ model, input },
		]);
		// And the output is what it was.
		const { taskId, createdAt, updatedAt, ...json } = asSaved.outputOf(NODE_NAME)[0].json;
		expect(json).toStrictEqual({
			status: 'SUCCESS',
			model,
			mediaType: 'image',
			urls: expect.any(Array),
			failureReason: null,
			prompt: input.prompt,
			ratio: input.ratio ?? 'auto',
			resolution: input.resolution,
			n: input.n,
			...(input.imageUrls ? { imageUrls: input.imageUrls } : {}),
			costUsd,
		});
		expect(json.urls).toHaveLength(input.n as number);
		expect([taskId, createdAt, updatedAt].every((value) => typeof value === 'string')).toBe(true);
	});

	it('downloads the images into the field it was saved with (data, or its own name), as PNGs named <taskId>-<k>.png', async () => {
		const { item } = await run({
			resource: 'image',
			operation: 'textToImage',
			prompt: 'two cats',
			ratio: '1:1',
			n: 2,
			options: { binaryPropertyName: 'image' },
		});
		expect(Object.keys(item.binary!).sort()).toEqual(['image', 'image_1']);
		for (const [k, property] of ['image', 'image_1'].entries()) {
			expect(item.binary![property]).toMatchObject({
				mimeType: 'image/png',
				fileExtension: 'png',
				fileName: `${item.json.taskId}-${k}.png`,
			});
		}
	});

	it('Wait for Completion off still outputs the task id at once with status PENDING', async () => {
		const { item, body } = await run({
			resource: 'image',
			operation: 'textToImage',
			prompt: 'later',
			waitForCompletion: false,
		});
		expect(body).toStrictEqual({
			model: 'gpt-image-2/text-to-image',
			input: { prompt: 'later', resolution: '1k', n: 1 },
		});
		expect(item.json).toMatchObject({
			status: 'PENDING',
			model: 'gpt-image-2/text-to-image',
			urls: [],
			costUsd: 0,
		});
		expect(emu.stats().byTask[item.json.taskId as string].queries).toBe(0);
	});

	it('Callback URL and User ID options are sent as before', async () => {
		const { body } = await run({
			resource: 'image',
			operation: 'textToImage',
			prompt: 'with callback',
			waitForCompletion: false,
			options: { callbackUrl: 'http://127.0.0.1:9/webhook/abc/maxapi', userId: 'customer-42' },
		});
		expect(body).toStrictEqual({
			model: 'gpt-image-2/text-to-image',
			callBackUrl: 'http://127.0.0.1:9/webhook/abc/maxapi',
			user_id: 'customer-42',
			input: { prompt: 'with callback', resolution: '1k', n: 1 },
		});
	});
});
