// Task → Create (any model) inside n8n's engine: the model id and the input JSON are sent exactly as
// written, then the task is waited for, downloaded and priced like any other: from published prices for
// catalog models, null for a model the catalog does not know. Bad JSON is refused before anything is sent.
//
// The emulator serves only catalog ids and answers any other with 400 `unsupported model`; that answer
// is shown as is. A Max API newer than the catalog (one that serves `seedream-4.6`, listed by one
// version of the docs, or a model added later) is played by a proxy that runs such ids as a catalog
// model and echoes the id that was submitted (test/support/apiProxy.ts).
//
//   npx jest test/node.taskCreate.test.ts
import type { INodeParameters } from 'n8n-workflow';

import { readMp4Boxes } from './emulator';
import { startApiProxy, type ApiProxy } from './support/apiProxy';
import { NODE_NAME, runMaxApi, useTestbed } from './support/maxApi';

const bed = useTestbed({ latencyMs: 150 });
let proxy: ApiProxy;
let newer: ApiProxy;
beforeAll(async () => {
	proxy = await startApiProxy(bed.emu.url);
	newer = await startApiProxy(bed.emu.url, {
		aliases: { 'seedream-4.6': 'seedream-4.5', veo4_fast: 'veo3_fast' },
	});
});
beforeEach(() => {
	proxy.submits.splice(0);
	newer.submits.splice(0);
});
afterAll(async () => {
	await proxy?.close();
	await newer?.close();
});

async function create(
	model: string,
	input: unknown,
	{
		via = proxy,
		options = {},
		extra = {},
	}: { via?: ApiProxy; options?: INodeParameters; extra?: INodeParameters } = {},
) {
	return await runMaxApi(bed, {
		credentials: { maxApi: { apiKey: bed.emu.apiKey, baseUrl: via.url } },
		parameters: {
			resource: 'task',
			operation: 'create',
			model,
			input: input as string,
			options: { ...QUICK, ...options },
			...extra,
		},
	});
}

/** The emulator's tasks take 150 ms: Expected Duration says so, so that the node's first query comes early. */
const QUICK = { expectedDuration: 0.2 };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('Create with a catalog model id', () => {
	it('seedream-4.5: the input JSON is sent as written, the task waited for, its 2 PNGs downloaded, no price', async () => {
		const input = '{\n  "prompt": "two foxes in the snow",\n  "ratio": "3:2",\n  "n": 2\n}';
		const result = await create('seedream-4.5', input);

		expect(result.error).toBeUndefined();
		expect(proxy.submits).toStrictEqual([
			{ model: 'seedream-4.5', input: { prompt: 'two foxes in the snow', ratio: '3:2', n: 2 } },
		]);
		const [item] = result.outputOf(NODE_NAME);
		const taskId = item.json.taskId as string;
		expect(bed.emu.tasks.get(taskId)).toMatchObject({
			model: 'seedream-4.5',
			operation: 'textToImage',
		});
		expect(item.json).toMatchObject({
			status: 'SUCCESS',
			model: 'seedream-4.5',
			mediaType: 'image',
			prompt: 'two foxes in the snow',
			ratio: '3:2',
			resolution: null,
			n: 2,
			costUsd: null,
		});
		expect(item.json.urls).toHaveLength(2);
		expect(Object.keys(item.binary!).sort()).toEqual(['data', 'data_1']);
		expect(item.binary!.data_1).toMatchObject({
			mimeType: 'image/png',
			fileExtension: 'png',
			fileName: `${taskId}-1.png`,
		});
		expect((await result.binaryBuffer(NODE_NAME, 0, 'data')).subarray(0, 8)).toEqual(PNG_SIGNATURE);
	});

	it('seedream-4 with imageUrls: Max API runs it as image-to-image', async () => {
		const input = { prompt: 'edit it', imageUrls: ['https://img.example.com/a.png'] };
		const result = await create('seedream-4', JSON.stringify(input), {
			options: { downloadImages: false },
		});

		expect(result.error).toBeUndefined();
		expect(proxy.submits).toStrictEqual([{ model: 'seedream-4', input }]);
		const [item] = result.outputOf(NODE_NAME);
		expect(bed.emu.tasks.get(item.json.taskId as string)!.operation).toBe('imageToImage');
		expect(item.json).toMatchObject({
			status: 'SUCCESS',
			imageUrls: input.imageUrls,
			costUsd: null,
		});
	});

	it.each([
		['gpt-image-2/text-to-image', { prompt: 'priced', resolution: '2k', n: 2 }, 0.08],
		['gpt-image-2/text-to-image', { prompt: 'no n: one image at the documented default 1k' }, 0.02],
		['grok-imagine/text-to-image-pro', { prompt: 'three', n: 3 }, 0.0045],
	])('%s %j is priced from the published price: %p', async (model, input, costUsd) => {
		const result = await create(model, JSON.stringify(input), {
			options: { downloadImages: false },
		});
		expect(result.error).toBeUndefined();
		expect(proxy.submits).toStrictEqual([{ model, input }]);
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({ status: 'SUCCESS', model, costUsd });
	});

	it('grok-imagine/text-to-video with a duration: priced per second, downloaded as video/mp4 .mp4', async () => {
		const result = await create(
			'grok-imagine/text-to-video',
			'{"prompt": "a short clip", "duration": 10, "mode": "normal"}',
		);

		expect(result.error).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({
			status: 'SUCCESS',
			mediaType: 'video',
			duration: 10,
			mode: 'normal',
			costUsd: 0.07,
		});
		expect(item.binary!.data).toMatchObject({
			mimeType: 'video/mp4',
			fileExtension: 'mp4',
			fileName: `${item.json.taskId}-0.mp4`,
		});
		const boxes = readMp4Boxes(await result.binaryBuffer(NODE_NAME, 0, 'data')).map(
			(box) => box.type,
		);
		expect(boxes).toEqual(expect.arrayContaining(['ftyp', 'moov', 'mdat']));
	});

	it('a field the panel does not offer for the model is sent anyway (Create sends the input as written)', async () => {
		// The catalog does not offer a ratio for Grok Imagine Standard (its docs are cut off there).
		const result = await create(
			'grok-imagine/text-to-image-standard',
			'{"prompt": "wide", "ratio": "16:9", "seed": 7}',
			{ options: { downloadImages: false } },
		);

		expect(result.error).toBeUndefined();
		expect(proxy.submits).toStrictEqual([
			{
				model: 'grok-imagine/text-to-image-standard',
				input: { prompt: 'wide', ratio: '16:9', seed: 7 },
			},
		]);
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({
			status: 'SUCCESS',
			ratio: '16:9',
			costUsd: 0.0012,
		});
	});

	it('the input may come from an expression returning an object, per item, with the Callback URL and User ID options', async () => {
		const result = await runMaxApi(bed, {
			credentials: { maxApi: { apiKey: bed.emu.apiKey, baseUrl: proxy.url } },
			items: [{ text: 'first' }, { text: 'second' }],
			parameters: {
				resource: 'task',
				operation: 'create',
				model: 'nano-banana-2',
				input: '={{ { prompt: $json.text, ratio: "4:3" } }}',
				waitForCompletion: false,
				options: { callbackUrl: 'http://127.0.0.1:9/webhook/x/maxapi', userId: 'job-7' },
			},
		});

		expect(result.error).toBeUndefined();
		const body = (prompt: string) => ({
			model: 'nano-banana-2',
			callBackUrl: 'http://127.0.0.1:9/webhook/x/maxapi',
			user_id: 'job-7',
			input: { prompt, ratio: '4:3' },
		});
		expect(proxy.submits).toEqual(expect.arrayContaining([body('first'), body('second')]));
		expect(proxy.submits).toHaveLength(2);
		expect(result.outputOf(NODE_NAME).map((item) => item.json.status)).toEqual([
			'PENDING',
			'PENDING',
		]);
	});
});

describe('Create with a model id outside the catalog', () => {
	it("seedream-4.6 is sent as is, and the emulator's answer (400 unsupported model) is the error", async () => {
		const result = await create('seedream-4.6', '{"prompt": "a newer Seedream"}');

		expect(proxy.submits).toStrictEqual([
			{ model: 'seedream-4.6', input: { prompt: 'a newer Seedream' } },
		]);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '400' });
		expect(result.error!.message).toBe(
			'Max API rejected the request (code 400: unsupported model: "seedream-4.6")',
		);
		expect(result.error!.description).toContain('No task was created; nothing was billed.');
		expect(bed.emu.stats()).toMatchObject({ submits: 1, tasksCreated: 0 });
	});

	it('when Max API serves seedream-4.6: waited for, its PNG downloaded, the id kept, and no price (null)', async () => {
		const result = await create(
			'seedream-4.6',
			'{"prompt": "a newer Seedream", "ratio": "16:9", "n": 1}',
			{ via: newer },
		);

		expect(result.error).toBeUndefined();
		expect(newer.submits).toStrictEqual([
			{ model: 'seedream-4.6', input: { prompt: 'a newer Seedream', ratio: '16:9', n: 1 } },
		]);
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({
			status: 'SUCCESS',
			model: 'seedream-4.6',
			mediaType: 'image',
			ratio: '16:9',
			n: 1,
			costUsd: null,
		});
		expect(item.binary!.data).toMatchObject({ mimeType: 'image/png', fileExtension: 'png' });
		expect((await result.binaryBuffer(NODE_NAME, 0, 'data')).subarray(0, 8)).toEqual(PNG_SIGNATURE);
	});

	it("a video model the catalog does not know: Max API's result type says video, so it downloads as video/mp4 .mp4", async () => {
		const result = await create('veo4_fast', '{"prompt": "a future Veo", "duration": 8}', {
			via: newer,
		});

		expect(result.error).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({
			status: 'SUCCESS',
			model: 'veo4_fast',
			mediaType: 'video',
			duration: 8,
			costUsd: null,
		});
		expect(item.json).not.toHaveProperty('n');
		expect(item.binary!.data).toMatchObject({
			mimeType: 'video/mp4',
			fileExtension: 'mp4',
			fileName: `${item.json.taskId}-0.mp4`,
		});
	});

	it('a task of an unknown model that fails costs null (no published price), not 0', async () => {
		const result = await create(
			'seedream-4.6',
			'{"prompt": "will fail #fail:INVALID_PARAMETERS"}',
			{ via: newer },
		);
		expect(result.error).toMatchObject({ name: 'NodeApiError' });
		expect(result.error!.message).toMatch(/ended with FAILURE \(INVALID_PARAMETERS\)/);

		const kept = await runMaxApi(bed, {
			credentials: { maxApi: { apiKey: bed.emu.apiKey, baseUrl: newer.url } },
			continueOnFail: true,
			parameters: {
				resource: 'task',
				operation: 'create',
				model: 'seedream-4.6',
				input: '{"prompt": "fails again #fail:INVALID_PARAMETERS"}',
				options: QUICK,
			},
		});
		expect(kept.outputOf(NODE_NAME)[0].json).toMatchObject({
			status: 'FAILURE',
			model: 'seedream-4.6',
			costUsd: null,
		});
	});
});

describe('Create refuses a model or input it cannot send, before anything is sent', () => {
	it.each([
		[
			'input that is not JSON',
			'seedream-4.5',
			'{"prompt": "a fox",',
			/^Invalid "Input" in item 0: Input is not valid JSON: /,
		],
		[
			'input that is a JSON array',
			'seedream-4.5',
			'[{"prompt": "a fox"}]',
			/^Invalid "Input" in item 0: Input must be a JSON object$/,
		],
		[
			'input that is a JSON string',
			'seedream-4.5',
			'"a fox"',
			/^Invalid "Input" in item 0: Input must be a JSON object$/,
		],
		[
			'input that is null',
			'seedream-4.5',
			'null',
			/^Invalid "Input" in item 0: Input must be a JSON object$/,
		],
		[
			'a model id with spaces',
			'seedream 4.5',
			'{"prompt": "a fox"}',
			/^Invalid "Model" in item 0: Model "seedream 4.5" is not a model ID$/,
		],
		[
			'a blank model id',
			'   ',
			'{"prompt": "a fox"}',
			/^Invalid "Model" in item 0: Model is empty$/,
		],
	])('%s', async (_label, model, input, message) => {
		const result = await create(model, input);

		expect(result.error).toMatchObject({ name: 'NodeOperationError' });
		expect(result.error!.message).toMatch(message);
		expect(result.error!.description).toContain(
			'Nothing was sent to Max API and nothing was billed',
		);
		expect(bed.emu.stats().submits).toBe(0);
		expect(proxy.submits).toHaveLength(0);
	});

	it('one item with bad JSON stops the whole run before any submit', async () => {
		const result = await runMaxApi(bed, {
			items: [{ input: '{"prompt": "fine"}' }, { input: '{"prompt": ' }],
			parameters: {
				resource: 'task',
				operation: 'create',
				model: 'seedream-4.5',
				input: '={{ $json.input }}',
			},
		});
		expect(result.error!.message).toMatch(/^Invalid "Input" in item 1: Input is not valid JSON/);
		expect(bed.emu.stats().submits).toBe(0);
	});
});
