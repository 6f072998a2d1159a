// The model from an expression, e.g. a spreadsheet column: every item is submitted with its own model
// and only that model's fields; an id that is not a model of the operation is refused naming "Model".
//
// n8n shows (and keeps) every model field when Model is an expression, since it cannot tell which
// model the expression will give; a field the workflow does not set then holds the default of the last
// property of that name, which may belong to another model.
//
//   npx jest test/node.modelExpression.test.ts
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { NODE_NAME, runMaxApi, useApiProxy, useTestbed } from './support/maxApi';

const bed = useTestbed({ latencyMs: 150 });
const proxy = useApiProxy(bed);

const IMG = 'https://img.example.com/source.png';

/**
 * Runs the node with every given column read from the item by an expression. `fillUrlFields` also
 * gives Image URLs and Media URLs an expression (the node reads them only for the models that take
 * them), which n8n needs today before it starts such a run at all: see "n8n starts the run" below.
 */
async function runSheet(
	resource: 'image' | 'video',
	operation: string,
	columns: string[],
	rows: Array<Record<string, unknown>>,
	{
		extra = {},
		fillUrlFields = false,
		continueOnFail = false,
	}: { extra?: INodeParameters; fillUrlFields?: boolean; continueOnFail?: boolean } = {},
) {
	const all = fillUrlFields ? [...new Set([...columns, 'imageUrls', 'mediaUrls'])] : columns;
	const fromItem = Object.fromEntries(
		all.map((column) => [column, `={{ $json[${JSON.stringify(column)}] }}`]),
	);
	return await runMaxApi(bed, {
		credentials: { maxApi: { apiKey: bed.emu.apiKey, baseUrl: proxy.url } },
		items: rows as IDataObject[],
		continueOnFail,
		parameters: {
			resource,
			operation,
			model: '={{ $json.model }}',
			prompt: '={{ $json.prompt }}',
			...fromItem,
			...extra,
		},
	});
}

/** The submit bodies Max API received, in item order (matched by prompt). */
function bodiesFor(rows: Array<{ prompt: unknown }>): unknown[] {
	return rows.map((row) =>
		proxy.submits.find(
			(body) => (body as { input: { prompt: unknown } }).input.prompt === row.prompt,
		),
	);
}

describe('a sheet with a model column and a column for each field', () => {
	it('Text to Image: each item is submitted, waited for and priced as its own model', async () => {
		const rows = [
			{
				model: 'gpt-image-2/text-to-image',
				prompt: 'sheet row 1',
				ratio: '16:9',
				resolution: '2k',
				n: 2,
			},
			{ model: 'seedream-4.5', prompt: 'sheet row 2', ratio: '3:2', resolution: '2k', n: 2 },
			{ model: 'nano-banana', prompt: 'sheet row 3', ratio: '9:16', resolution: '', n: '' },
			{ model: 'nano-banana-pro', prompt: 'sheet row 4', ratio: '1:1', resolution: '4k', n: '' },
			{
				model: 'grok-imagine/text-to-image-lite',
				prompt: 'sheet row 5',
				ratio: '',
				resolution: '',
				n: 3,
			},
			// Values that are another model's panel default (GPT Image 2's resolution 1k) are still asked for.
			{ model: 'nano-banana-2', prompt: 'sheet row 6', ratio: '4:3', resolution: '1k', n: '' },
		];
		const result = await runSheet('image', 'textToImage', ['ratio', 'resolution', 'n'], rows, {
			extra: { options: { downloadImages: false } },
		});

		expect(result.error).toBeUndefined();
		expect(bodiesFor(rows)).toStrictEqual([
			{
				model: 'gpt-image-2/text-to-image',
				input: { prompt: 'sheet row 1', ratio: '16:9', resolution: '2k', n: 2 },
			},
			{
				model: 'seedream-4.5',
				input: { prompt: 'sheet row 2', ratio: '3:2', resolution: '2k', n: 2 },
			},
			{ model: 'nano-banana', input: { prompt: 'sheet row 3', ratio: '9:16' } },
			{
				model: 'nano-banana-pro',
				input: { prompt: 'sheet row 4', ratio: '1:1', resolution: '4k' },
			},
			{ model: 'grok-imagine/text-to-image-lite', input: { prompt: 'sheet row 5', n: 3 } },
			{ model: 'nano-banana-2', input: { prompt: 'sheet row 6', ratio: '4:3', resolution: '1k' } },
		]);
		const output = result.outputOf(NODE_NAME).map((item) => item.json);
		expect(
			output.map(({ model, status, mediaType, costUsd, n }) => ({
				model,
				status,
				mediaType,
				costUsd,
				n,
			})),
		).toEqual([
			{
				model: 'gpt-image-2/text-to-image',
				status: 'SUCCESS',
				mediaType: 'image',
				costUsd: 0.08,
				n: 2,
			},
			{ model: 'seedream-4.5', status: 'SUCCESS', mediaType: 'image', costUsd: null, n: 2 },
			{ model: 'nano-banana', status: 'SUCCESS', mediaType: 'image', costUsd: null, n: 1 },
			{ model: 'nano-banana-pro', status: 'SUCCESS', mediaType: 'image', costUsd: null, n: 1 },
			{
				model: 'grok-imagine/text-to-image-lite',
				status: 'SUCCESS',
				mediaType: 'image',
				costUsd: 0.003,
				n: 3,
			},
			{ model: 'nano-banana-2', status: 'SUCCESS', mediaType: 'image', costUsd: null, n: 1 },
		]);
		expect(output.map((json) => (json.urls as string[]).length)).toEqual([2, 2, 1, 1, 3, 1]);
		expect(bed.emu.stats().submits).toBe(6);
	});

	it('Text to Video: each item is submitted with its own model, and its MP4 downloaded', async () => {
		const rows = [
			{
				model: 'veo3_fast',
				prompt: 'clip 1',
				ratio: '9:16',
				resolution: '1080p',
				duration: 4,
				mode: '',
			},
			{
				model: 'seedance-2.0',
				prompt: 'clip 2',
				ratio: '1:1',
				resolution: '',
				duration: 5,
				mode: '',
			},
			{
				model: 'grok-imagine/text-to-video',
				prompt: 'clip 3',
				ratio: '',
				resolution: '480p',
				duration: 6,
				mode: 'fun',
			},
			// Values that are Veo's defaults (16:9, 8 s) are still asked for when another model is given.
			{
				model: 'seedance-2.0-fast',
				prompt: 'clip 4',
				ratio: '16:9',
				resolution: '',
				duration: 8,
				mode: '',
			},
		];
		const result = await runSheet(
			'video',
			'textToVideo',
			['ratio', 'resolution', 'duration', 'mode'],
			rows,
		);

		expect(result.error).toBeUndefined();
		expect(bodiesFor(rows)).toStrictEqual([
			{
				model: 'veo3_fast',
				input: { prompt: 'clip 1', ratio: '9:16', resolution: '1080p', duration: 4 },
			},
			{ model: 'seedance-2.0', input: { prompt: 'clip 2', ratio: '1:1', duration: 5 } },
			{
				model: 'grok-imagine/text-to-video',
				input: { prompt: 'clip 3', resolution: '480p', duration: 6, mode: 'fun' },
			},
			{ model: 'seedance-2.0-fast', input: { prompt: 'clip 4', ratio: '16:9', duration: 8 } },
		]);
		const output = result.outputOf(NODE_NAME);
		expect(
			output.map(({ json: { model, mediaType, costUsd, duration } }) => ({
				model,
				mediaType,
				costUsd,
				duration,
			})),
		).toEqual([
			{ model: 'veo3_fast', mediaType: 'video', costUsd: null, duration: 4 },
			{ model: 'seedance-2.0', mediaType: 'video', costUsd: null, duration: 5 },
			{ model: 'grok-imagine/text-to-video', mediaType: 'video', costUsd: 0.042, duration: 6 },
			{ model: 'seedance-2.0-fast', mediaType: 'video', costUsd: null, duration: 8 },
		]);
		for (const item of output) {
			expect(item.binary!.data).toMatchObject({
				mimeType: 'video/mp4',
				fileExtension: 'mp4',
				fileName: `${item.json.taskId}-0.mp4`,
			});
		}
	});

	it('Image to Video: Veo takes the images as imageUrls, Seedance as mediaUrls', async () => {
		const rows = [
			{
				model: 'veo3',
				prompt: 'from frames 1',
				imageUrls: [IMG, IMG],
				mediaUrls: '',
				ratio: '16:9',
				duration: 6,
			},
			{
				model: 'seedance-1.5-pro',
				prompt: 'from frames 2',
				imageUrls: '',
				mediaUrls: [IMG],
				ratio: '',
				duration: 10,
			},
		];
		const result = await runSheet(
			'video',
			'imageToVideo',
			['imageUrls', 'mediaUrls', 'ratio', 'duration'],
			rows,
			{ extra: { waitForCompletion: false } },
		);

		expect(result.error).toBeUndefined();
		expect(bodiesFor(rows)).toStrictEqual([
			{
				model: 'veo3',
				input: { prompt: 'from frames 1', imageUrls: [IMG, IMG], ratio: '16:9', duration: 6 },
			},
			{
				model: 'seedance-1.5-pro',
				input: { prompt: 'from frames 2', mediaUrls: [IMG], duration: 10 },
			},
		]);
	});
});

// Only the model column (and the prompt, and the source images where the operation needs them): every
// other field is left as the workflow has it, i.e. unset. Each model must get its documented defaults.
// Image URLs and Media URLs are filled so that n8n starts the run (see "n8n starts the run" below);
// what is checked here is what the node sends once it runs.
const defaultsOnly: Array<{
	model: string;
	resource: 'image' | 'video';
	operation: string;
	row?: Record<string, unknown>;
	input: Record<string, unknown>;
}> = [
	{
		model: 'gpt-image-2/text-to-image',
		resource: 'image',
		operation: 'textToImage',
		input: { resolution: '1k', n: 1 },
	},
	{ model: 'seedream-5-lite', resource: 'image', operation: 'textToImage', input: { n: 1 } },
	{ model: 'nano-banana-2', resource: 'image', operation: 'textToImage', input: {} },
	{
		model: 'grok-imagine/text-to-image-standard',
		resource: 'image',
		operation: 'textToImage',
		input: { n: 1 },
	},
	{
		model: 'gpt-image-2/image-to-image',
		resource: 'image',
		operation: 'imageToImage',
		row: { imageUrls: IMG },
		input: { imageUrls: [IMG], resolution: '1k', n: 1 },
	},
	{
		model: 'seedream-4',
		resource: 'image',
		operation: 'imageToImage',
		row: { imageUrls: IMG },
		input: { imageUrls: [IMG], n: 1 },
	},
	{
		model: 'nano-banana-pro',
		resource: 'image',
		operation: 'imageToImage',
		row: { imageUrls: IMG },
		input: { imageUrls: [IMG] },
	},
	{
		model: 'veo3',
		resource: 'video',
		operation: 'textToVideo',
		input: { ratio: '16:9', duration: 8 },
	},
	{
		model: 'veo3_fast',
		resource: 'video',
		operation: 'textToVideo',
		input: { ratio: '16:9', duration: 8 },
	},
	{ model: 'grok-imagine/text-to-video', resource: 'video', operation: 'textToVideo', input: {} },
	{ model: 'seedance-1.5-pro', resource: 'video', operation: 'textToVideo', input: {} },
	{
		model: 'veo3_lite',
		resource: 'video',
		operation: 'imageToVideo',
		row: { imageUrls: IMG },
		input: { imageUrls: [IMG], ratio: '16:9', duration: 8 },
	},
	{
		model: 'seedance-2.0',
		resource: 'video',
		operation: 'imageToVideo',
		row: { mediaUrls: IMG },
		input: { mediaUrls: [IMG] },
	},
];

describe('a sheet with only a model column: each model gets its documented defaults', () => {
	it.each(defaultsOnly)('$operation $model', async ({ model, resource, operation, row, input }) => {
		const rows = [{ model, prompt: `defaults of ${model}`, ...row }];
		const result = await runSheet(resource, operation, Object.keys(row ?? {}), rows, {
			extra: { waitForCompletion: false },
			fillUrlFields: true,
		});

		expect(result.error?.message).toBeUndefined();
		expect(bodiesFor(rows)).toStrictEqual([
			{ model, input: { prompt: `defaults of ${model}`, ...input } },
		]);
	});
});

describe('a model id the operation does not have (Image URLs and Media URLs filled, see below)', () => {
	it.each([
		['an unknown id', 'textToImage', 'dall-e-3'],
		['an id outside the catalog (one docs version lists it)', 'textToImage', 'seedream-4.6'],
		['a video model in Text to Image', 'textToImage', 'veo3'],
		['GPT Image 2 text-to-image in Image to Image', 'imageToImage', 'gpt-image-2/text-to-image'],
		['an image model in Text to Video', 'textToVideo', 'nano-banana'],
		['an empty cell', 'textToVideo', ''],
	])(
		'%s (%p, %p) is refused naming "Model" and the item, with 0 submits',
		async (_label, operation, id) => {
			const resource = operation.endsWith('Video') ? 'video' : 'image';
			const good = operation.endsWith('Video') ? 'seedance-2.0' : 'seedream-4.5';
			const rows = [
				{ model: good, prompt: 'a good row', imageUrls: IMG },
				{ model: id, prompt: 'a bad row', imageUrls: IMG },
			];
			const result = await runSheet(resource, operation, [], rows, { fillUrlFields: true });

			expect(result.error).toMatchObject({ name: 'NodeOperationError' });
			expect(result.error!.message).toBe(
				`Invalid "Model" in item 1: "${id}" is not a model of this operation`,
			);
			expect(result.error!.description).toMatch(
				/Use one of .*; for any other Max API model id, use the Task resource's Create operation\./,
			);
			expect(result.error!.description).toContain(
				'Nothing was sent to Max API and nothing was billed',
			);
			expect(bed.emu.stats().submits).toBe(0);
		},
	);

	it("with Continue On Fail, the unknown id is that item's error and the other items run", async () => {
		const rows = [
			{ model: 'seedream-4.5', prompt: 'row one' },
			{ model: 'midjourney-v7', prompt: 'row two' },
			{ model: 'grok-imagine/text-to-image-pro', prompt: 'row three' },
		];
		const result = await runSheet('image', 'textToImage', [], rows, {
			extra: { options: { downloadImages: false } },
			fillUrlFields: true,
			continueOnFail: true,
		});

		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.json.status ?? 'error')).toEqual([
			'SUCCESS',
			'error',
			'SUCCESS',
		]);
		expect(output[1].json.error).toBe(
			'Invalid "Model" in item 1: "midjourney-v7" is not a model of this operation',
		);
		expect(output[1].pairedItem).toEqual({ item: 1 });
		expect(output.map((item) => item.json.model)).toEqual([
			'seedream-4.5',
			undefined,
			'grok-imagine/text-to-image-pro',
		]);
		expect(bed.emu.stats().submits).toBe(2);
	});
});

// n8n checks a node's required parameters before it runs a workflow, among those it shows. With Model
// an expression, n8n cannot tell which model fields apply and shows them all: the required Image URLs
// and Media URLs of every model (of every operation, unless the operation's conditions come before the
// model's in the fields' displayOptions). Unless the workflow fills them, n8n refuses to start the run
// ("The 'Max API' node has issues: Parameter "Image URLs" is required").
describe('n8n starts the run', () => {
	it('Image to Video with the model from an expression and only an Image URLs column (Veo models only)', async () => {
		const rows = [{ model: 'veo3_fast', prompt: 'veo from a sheet', imageUrls: IMG }];
		const result = await runSheet('video', 'imageToVideo', ['imageUrls'], rows, {
			extra: { waitForCompletion: false },
		});

		expect(result.error?.message).toBeUndefined();
		expect(bodiesFor(rows)).toStrictEqual([
			{
				model: 'veo3_fast',
				input: { prompt: 'veo from a sheet', imageUrls: [IMG], ratio: '16:9', duration: 8 },
			},
		]);
	});

	it('Text to Image with the model from an expression and no Image URLs or Media URLs', async () => {
		const rows = [{ model: 'seedream-4.5', prompt: 'only a model column' }];
		const result = await runSheet('image', 'textToImage', [], rows, {
			extra: { waitForCompletion: false },
		});

		expect(result.error?.message).toBeUndefined();
		expect(bodiesFor(rows)).toStrictEqual([
			{ model: 'seedream-4.5', input: { prompt: 'only a model column', n: 1 } },
		]);
	});
});
