// Every catalog model, run once with its defaults and once with every field set, inside n8n's engine
// against the emulator. Each row is data: the model, its operation, the node parameters, the exact
// `input` Max API must receive, and the cost the output must state. The expected values are written
// out from the docs (maxapi-models.md), not computed from the catalog; the catalog is only used to
// check that the table leaves no model and no field out.
//
// For each row the test checks:
//   - the submit body, byte for byte as the node sent it (a recording proxy in front of the emulator):
//     exactly `{model, input}`, the input holding only the fields the model takes, defaults as documented;
//   - the task the emulator made of it (the catalog entry it ran as, its input);
//   - the output item: the whole JSON (mediaType, urls, echoed fields, costUsd: an exact number or null);
//   - the binaries: image/png `.png` for images, video/mp4 `.mp4` for videos, named `<taskId>-<k>`,
//     holding a real PNG / MP4.
//
//   npx jest test/node.models.test.ts
import type { INodeParameters } from 'n8n-workflow';

import { createLimiter } from '../nodes/MaxApi/helpers/limiter';
import { CATALOG, type GenerationOperation } from '../nodes/shared/models';
import { readMp4Boxes, startEmulator, VIDEO_FIXTURE_BYTES, type Emulator } from './emulator';
import type { RunResult } from './harness/engine';
import { startApiProxy, type ApiProxy } from './support/apiProxy';
import { NODE_NAME, runMaxApi, useTestbed } from './support/maxApi';

const bed = useTestbed({ latencyMs: 100 });

const IMG = 'https://img.example.com/first.png';
const IMG2 = 'https://img.example.com/second.jpg';
const IMG3 = 'https://img.example.com/third.webp';
const CLIP = 'https://media.example.com/motion.mp4';
const VOICE = 'https://media.example.com/voice.mp3';

interface Row {
	model: string;
	operation: GenerationOperation;
	/** Node parameters besides resource, operation, model and prompt. */
	parameters: INodeParameters;
	/**
	 * Parameters of fields this model does not take, set anyway (a value kept from another model): the
	 * node must not send them.
	 */
	ignored?: INodeParameters;
	/** The exact `input` of the submit, prompt excepted. */
	input: Record<string, unknown>;
	/** costUsd of the output: a published price, or null. */
	costUsd: number | null;
}

const DEFAULTS = 'defaults';
type Kind = typeof DEFAULTS | 'every field';
type Table = Array<[Kind, Row]>;

// One row a line: a table to read down.
// prettier-ignore
const rows: Table = [
	// GPT Image 2: resolution 1k and n 1 are documented defaults (sent); ratio omitted = the model chooses.
	[DEFAULTS, { model: 'gpt-image-2/text-to-image', operation: 'textToImage', parameters: {}, input: { resolution: '1k', n: 1 }, costUsd: 0.02 }],
	['every field', { model: 'gpt-image-2/text-to-image', operation: 'textToImage', parameters: { ratio: '21:9', resolution: '4k', n: 2 }, input: { ratio: '21:9', resolution: '4k', n: 2 }, costUsd: 0.12 }],
	[DEFAULTS, { model: 'gpt-image-2/image-to-image', operation: 'imageToImage', parameters: { imageUrls: IMG }, input: { imageUrls: [IMG], resolution: '1k', n: 1 }, costUsd: 0.02 }],
	['every field', { model: 'gpt-image-2/image-to-image', operation: 'imageToImage', parameters: { imageUrls: `${IMG}\n${IMG2}`, ratio: '3:4', resolution: '2k', n: 3 }, input: { imageUrls: [IMG, IMG2], ratio: '3:4', resolution: '2k', n: 3 }, costUsd: 0.12 }],

	// Seedream: no documented ratio/resolution defaults (not sent); n starts at 1. No published price.
	[DEFAULTS, { model: 'seedream-5-lite', operation: 'textToImage', parameters: {}, input: { n: 1 }, costUsd: null }],
	['every field', { model: 'seedream-5-lite', operation: 'textToImage', parameters: { ratio: '21:9', resolution: '2k', n: 4 }, input: { ratio: '21:9', resolution: '2k', n: 4 }, costUsd: null }],
	[DEFAULTS, { model: 'seedream-4.5', operation: 'textToImage', parameters: {}, input: { n: 1 }, costUsd: null }],
	['every field', { model: 'seedream-4.5', operation: 'textToImage', parameters: { ratio: '3:2', resolution: '1k', n: 15 }, input: { ratio: '3:2', resolution: '1k', n: 15 }, costUsd: null }],
	[DEFAULTS, { model: 'seedream-4', operation: 'textToImage', parameters: {}, input: { n: 1 }, costUsd: null }],
	['every field', { model: 'seedream-4', operation: 'textToImage', parameters: { ratio: '16:9', resolution: '4k', n: 2 }, input: { ratio: '16:9', resolution: '4k', n: 2 }, costUsd: null }],
	[DEFAULTS, { model: 'seedream-5-lite', operation: 'imageToImage', parameters: { imageUrls: IMG }, input: { imageUrls: [IMG], n: 1 }, costUsd: null }],
	['every field', { model: 'seedream-5-lite', operation: 'imageToImage', parameters: { imageUrls: `${IMG}, ${IMG2}`, ratio: '2:3', resolution: '1k', n: 2 }, input: { imageUrls: [IMG, IMG2], ratio: '2:3', resolution: '1k', n: 2 }, costUsd: null }],
	[DEFAULTS, { model: 'seedream-4.5', operation: 'imageToImage', parameters: { imageUrls: IMG }, input: { imageUrls: [IMG], n: 1 }, costUsd: null }],
	['every field', { model: 'seedream-4.5', operation: 'imageToImage', parameters: { imageUrls: IMG, ratio: '9:16', resolution: '2k', n: 3 }, input: { imageUrls: [IMG], ratio: '9:16', resolution: '2k', n: 3 }, costUsd: null }],
	[DEFAULTS, { model: 'seedream-4', operation: 'imageToImage', parameters: { imageUrls: IMG }, input: { imageUrls: [IMG], n: 1 }, costUsd: null }],
	['every field', { model: 'seedream-4', operation: 'imageToImage', parameters: { imageUrls: `${IMG}\n${IMG2}\n${IMG3}`, ratio: '4:3', resolution: '4k', n: 1 }, input: { imageUrls: [IMG, IMG2, IMG3], ratio: '4:3', resolution: '4k', n: 1 }, costUsd: null }],

	// Nano Banana: no n (one image); the plain model has two ratios and a fixed 1K resolution.
	[DEFAULTS, { model: 'nano-banana', operation: 'textToImage', parameters: {}, input: {}, costUsd: null }],
	['every field', { model: 'nano-banana', operation: 'textToImage', parameters: { ratio: '9:16' }, ignored: { resolution: '2k', n: 3 }, input: { ratio: '9:16' }, costUsd: null }],
	[DEFAULTS, { model: 'nano-banana-2', operation: 'textToImage', parameters: {}, input: {}, costUsd: null }],
	['every field', { model: 'nano-banana-2', operation: 'textToImage', parameters: { ratio: '4:3', resolution: '4k' }, ignored: { n: 2 }, input: { ratio: '4:3', resolution: '4k' }, costUsd: null }],
	[DEFAULTS, { model: 'nano-banana-pro', operation: 'textToImage', parameters: {}, input: {}, costUsd: null }],
	['every field', { model: 'nano-banana-pro', operation: 'textToImage', parameters: { ratio: '1:1', resolution: '2k' }, input: { ratio: '1:1', resolution: '2k' }, costUsd: null }],
	[DEFAULTS, { model: 'nano-banana', operation: 'imageToImage', parameters: { imageUrls: IMG }, input: { imageUrls: [IMG] }, costUsd: null }],
	['every field', { model: 'nano-banana', operation: 'imageToImage', parameters: { imageUrls: `${IMG}\n${IMG2}`, ratio: '16:9' }, ignored: { resolution: '4k' }, input: { imageUrls: [IMG, IMG2], ratio: '16:9' }, costUsd: null }],
	[DEFAULTS, { model: 'nano-banana-2', operation: 'imageToImage', parameters: { imageUrls: IMG }, input: { imageUrls: [IMG] }, costUsd: null }],
	['every field', { model: 'nano-banana-2', operation: 'imageToImage', parameters: { imageUrls: IMG, ratio: '3:4', resolution: '1k' }, input: { imageUrls: [IMG], ratio: '3:4', resolution: '1k' }, costUsd: null }],
	[DEFAULTS, { model: 'nano-banana-pro', operation: 'imageToImage', parameters: { imageUrls: IMG }, input: { imageUrls: [IMG] }, costUsd: null }],
	['every field', { model: 'nano-banana-pro', operation: 'imageToImage', parameters: { imageUrls: `${IMG}, ${IMG3}`, ratio: '16:9', resolution: '2k' }, input: { imageUrls: [IMG, IMG3], ratio: '16:9', resolution: '2k' }, costUsd: null }],

	// Grok Imagine images: n only (Lite: 1-4, "ratio/resolution not accepted"); $0.001 / $0.0012 / $0.0015 per image.
	[DEFAULTS, { model: 'grok-imagine/text-to-image-lite', operation: 'textToImage', parameters: {}, input: { n: 1 }, costUsd: 0.001 }],
	['every field', { model: 'grok-imagine/text-to-image-lite', operation: 'textToImage', parameters: { n: 4 }, ignored: { ratio: '16:9', resolution: '2k' }, input: { n: 4 }, costUsd: 0.004 }],
	[DEFAULTS, { model: 'grok-imagine/text-to-image-standard', operation: 'textToImage', parameters: {}, input: { n: 1 }, costUsd: 0.0012 }],
	['every field', { model: 'grok-imagine/text-to-image-standard', operation: 'textToImage', parameters: { n: 3 }, ignored: { ratio: '1:1' }, input: { n: 3 }, costUsd: 0.0036 }],
	[DEFAULTS, { model: 'grok-imagine/text-to-image-pro', operation: 'textToImage', parameters: {}, input: { n: 1 }, costUsd: 0.0015 }],
	['every field', { model: 'grok-imagine/text-to-image-pro', operation: 'textToImage', parameters: { n: 10 }, input: { n: 10 }, costUsd: 0.015 }],

	// Grok Imagine video: $0.007 per second; without a duration the length, and so the cost, is unknown.
	[DEFAULTS, { model: 'grok-imagine/text-to-video', operation: 'textToVideo', parameters: {}, input: {}, costUsd: null }],
	['every field', { model: 'grok-imagine/text-to-video', operation: 'textToVideo', parameters: { duration: 10, ratio: '9:16', resolution: '720p', mode: 'normal' }, ignored: { fallback: true }, input: { duration: 10, ratio: '9:16', resolution: '720p', mode: 'normal' }, costUsd: 0.07 }],

	// Veo 3.1: ratio 16:9 and duration 8 are documented defaults (sent); resolution omitted = standard.
	// Lite is 720p only (no resolution). No published price.
	[DEFAULTS, { model: 'veo3', operation: 'textToVideo', parameters: {}, input: { ratio: '16:9', duration: 8 }, costUsd: null }],
	['every field', { model: 'veo3', operation: 'textToVideo', parameters: { ratio: '9:16', resolution: '4k', duration: 4 }, ignored: { mode: 'fun' }, input: { ratio: '9:16', resolution: '4k', duration: 4 }, costUsd: null }],
	[DEFAULTS, { model: 'veo3_fast', operation: 'textToVideo', parameters: {}, input: { ratio: '16:9', duration: 8 }, costUsd: null }],
	['every field', { model: 'veo3_fast', operation: 'textToVideo', parameters: { ratio: '16:9', resolution: '1080p', duration: 6 }, input: { ratio: '16:9', resolution: '1080p', duration: 6 }, costUsd: null }],
	[DEFAULTS, { model: 'veo3_lite', operation: 'textToVideo', parameters: {}, input: { ratio: '16:9', duration: 8 }, costUsd: null }],
	['every field', { model: 'veo3_lite', operation: 'textToVideo', parameters: { ratio: '9:16', duration: 4 }, ignored: { resolution: '1080p' }, input: { ratio: '9:16', duration: 4 }, costUsd: null }],
	[DEFAULTS, { model: 'veo3', operation: 'imageToVideo', parameters: { imageUrls: IMG }, input: { imageUrls: [IMG], ratio: '16:9', duration: 8 }, costUsd: null }],
	['every field', { model: 'veo3', operation: 'imageToVideo', parameters: { imageUrls: `${IMG}\n${IMG2}`, mode: 'i2v-fl', ratio: '9:16', resolution: '1080p', duration: 4 }, input: { imageUrls: [IMG, IMG2], mode: 'i2v-fl', ratio: '9:16', resolution: '1080p', duration: 4 }, costUsd: null }],
	[DEFAULTS, { model: 'veo3_fast', operation: 'imageToVideo', parameters: { imageUrls: IMG }, input: { imageUrls: [IMG], ratio: '16:9', duration: 8 }, costUsd: null }],
	['every field', { model: 'veo3_fast', operation: 'imageToVideo', parameters: { imageUrls: `${IMG}\n${IMG2}\n${IMG3}`, mode: 'r2v', ratio: '16:9', resolution: '4k', duration: 8 }, input: { imageUrls: [IMG, IMG2, IMG3], mode: 'r2v', ratio: '16:9', resolution: '4k', duration: 8 }, costUsd: null }],
	[DEFAULTS, { model: 'veo3_lite', operation: 'imageToVideo', parameters: { imageUrls: IMG }, input: { imageUrls: [IMG], ratio: '16:9', duration: 8 }, costUsd: null }],
	['every field', { model: 'veo3_lite', operation: 'imageToVideo', parameters: { imageUrls: IMG, mode: 'i2v', ratio: '9:16', duration: 6 }, ignored: { resolution: '4k' }, input: { imageUrls: [IMG], mode: 'i2v', ratio: '9:16', duration: 6 }, costUsd: null }],

	// Seedance: no documented defaults (nothing but the prompt sent); Fallback sent only when on. No published price.
	[DEFAULTS, { model: 'seedance-2.0', operation: 'textToVideo', parameters: {}, input: {}, costUsd: null }],
	['every field', { model: 'seedance-2.0', operation: 'textToVideo', parameters: { ratio: '4:3', resolution: '1080p', duration: 15, fallback: true }, input: { ratio: '4:3', resolution: '1080p', duration: 15, fallback: true }, costUsd: null }],
	[DEFAULTS, { model: 'seedance-2.0-fast', operation: 'textToVideo', parameters: {}, input: {}, costUsd: null }],
	['every field', { model: 'seedance-2.0-fast', operation: 'textToVideo', parameters: { ratio: '1:1', resolution: '480p', duration: 4, fallback: true }, ignored: { mode: 'spicy' }, input: { ratio: '1:1', resolution: '480p', duration: 4, fallback: true }, costUsd: null }],
	[DEFAULTS, { model: 'seedance-1.5-pro', operation: 'textToVideo', parameters: {}, input: {}, costUsd: null }],
	['every field', { model: 'seedance-1.5-pro', operation: 'textToVideo', parameters: { ratio: '9:16', resolution: '720p', duration: 10, fallback: true }, input: { ratio: '9:16', resolution: '720p', duration: 10, fallback: true }, costUsd: null }],
	[DEFAULTS, { model: 'seedance-2.0', operation: 'imageToVideo', parameters: { mediaUrls: IMG }, input: { mediaUrls: [IMG] }, costUsd: null }],
	['every field', { model: 'seedance-2.0', operation: 'imageToVideo', parameters: { mediaUrls: `${IMG}\n${IMG2}\n${CLIP}\n${VOICE}`, ratio: '16:9', resolution: '720p', duration: 12, fallback: true }, ignored: { imageUrls: IMG }, input: { mediaUrls: [IMG, IMG2, CLIP, VOICE], ratio: '16:9', resolution: '720p', duration: 12, fallback: true }, costUsd: null }],
	[DEFAULTS, { model: 'seedance-2.0-fast', operation: 'imageToVideo', parameters: { mediaUrls: IMG }, input: { mediaUrls: [IMG] }, costUsd: null }],
	['every field', { model: 'seedance-2.0-fast', operation: 'imageToVideo', parameters: { mediaUrls: `${IMG}, ${CLIP}`, ratio: '3:4', resolution: '1080p', duration: 9, fallback: true }, input: { mediaUrls: [IMG, CLIP], ratio: '3:4', resolution: '1080p', duration: 9, fallback: true }, costUsd: null }],
	[DEFAULTS, { model: 'seedance-1.5-pro', operation: 'imageToVideo', parameters: { mediaUrls: IMG }, input: { mediaUrls: [IMG] }, costUsd: null }],
	['every field', { model: 'seedance-1.5-pro', operation: 'imageToVideo', parameters: { mediaUrls: `${IMG}\n${IMG3}`, ratio: '1:1', resolution: '480p', duration: 5, fallback: true }, input: { mediaUrls: [IMG, IMG3], ratio: '1:1', resolution: '480p', duration: 5, fallback: true }, costUsd: null }],
];

const RESOURCE: Record<GenerationOperation, 'image' | 'video'> = {
	textToImage: 'image',
	imageToImage: 'image',
	textToVideo: 'video',
	imageToVideo: 'video',
};

/** Input keys the output item repeats only when they were sent. */
const ECHOED_WHEN_SENT = ['imageUrls', 'mediaUrls', 'duration', 'mode', 'fallback'];

/** The output item the node must produce for a row's task (status SUCCESS). */
function expectedItem(
	row: Row,
	prompt: string,
	taskId: string,
	emu: Emulator,
): Record<string, unknown> {
	const media = RESOURCE[row.operation];
	const files = media === 'image' && typeof row.input.n === 'number' ? row.input.n : 1;
	const urls = Array.from(
		{ length: files },
		(_, k) => `${emu.url}/files/${taskId}/${media === 'image' ? `image-${k}.png` : 'video-0.mp4'}`,
	);
	const echoed = Object.fromEntries(
		Object.entries(row.input).filter(([key]) => ECHOED_WHEN_SENT.includes(key)),
	);
	return {
		taskId,
		status: 'SUCCESS',
		model: row.model,
		mediaType: media,
		urls,
		failureReason: null,
		prompt,
		ratio: row.input.ratio ?? 'auto',
		resolution: row.input.resolution ?? null,
		...(media === 'image' ? { n: row.input.n ?? 1 } : {}),
		...echoed,
		costUsd: row.costUsd,
		createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
		updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
	};
}

/**
 * The emulator's tasks take 100 ms: the Expected Duration option says so, so that the node's first
 * query comes early (options are not fields: they change nothing in the submit body).
 */
const QUICK = { expectedDuration: 0.15 };

/**
 * Whether the row downloads its results. The emulator encodes every distinct image it serves (a few
 * hundred ms each, in this process), so the image rows with every field set keep only the URLs: the
 * defaults rows already download each image model's PNG, and every video row downloads its MP4.
 */
function downloads(kind: Kind, row: Row): boolean {
	return kind === DEFAULTS || RESOURCE[row.operation] === 'video';
}

// The price rule for tasks that do not succeed: "Failed tasks are not charged", so a model with a
// published price costs 0; a model without one stays null (Seedance even keeps a surcharge on some
// refused tasks, so nothing is known).
const failed: Array<{
	model: string;
	operation: GenerationOperation;
	parameters?: INodeParameters;
	costUsd: number | null;
}> = [
	{
		model: 'gpt-image-2/text-to-image',
		operation: 'textToImage',
		parameters: { n: 3 },
		costUsd: 0,
	},
	{ model: 'grok-imagine/text-to-image-lite', operation: 'textToImage', costUsd: 0 },
	{
		model: 'grok-imagine/text-to-video',
		operation: 'textToVideo',
		parameters: { duration: 10 },
		costUsd: 0,
	},
	{ model: 'grok-imagine/text-to-video', operation: 'textToVideo', costUsd: 0 },
	{ model: 'seedream-4.5', operation: 'textToImage', costUsd: null },
	{ model: 'nano-banana-pro', operation: 'textToImage', costUsd: null },
	{ model: 'veo3_fast', operation: 'textToVideo', costUsd: null },
	{ model: 'seedance-2.0', operation: 'textToVideo', costUsd: null },
];

function failedLabel(row: (typeof failed)[number]): string {
	return `FAILURE of ${row.model} ${JSON.stringify(row.parameters ?? {})} costs ${row.costUsd}`;
}

// Every run is started at once when the file starts (15 at a time, one emulator and one recording
// proxy for all, each row its own prompt), so the table takes a few task latencies, not sixty.
const table = rows.map(([kind, row]) => {
	const label = `${row.operation} ${row.model}: ${kind}`;
	return {
		label,
		kind,
		row,
		prompt: `${label} (${Object.keys(row.parameters).join(', ') || 'prompt only'})`,
	};
});
let emu: Emulator;
let proxy: ApiProxy;
const runs = new Map<string, Promise<RunResult>>();
const limit = createLimiter(15);

beforeAll(async () => {
	emu = await startEmulator({ latencyMs: 100 });
	proxy = await startApiProxy(emu.url);
	const credentials = { maxApi: { apiKey: emu.apiKey, baseUrl: proxy.url } };
	for (const { label, kind, row, prompt } of table) {
		const parameters: INodeParameters = {
			resource: RESOURCE[row.operation],
			operation: row.operation,
			model: row.model,
			prompt,
			...row.ignored,
			...row.parameters,
			options: { ...QUICK, ...(downloads(kind, row) ? {} : { downloadImages: false }) },
		};
		runs.set(
			label,
			limit(async () => await runMaxApi({ ...bed, emu }, { credentials, parameters })),
		);
	}
	for (const row of failed) {
		const parameters = {
			resource: RESOURCE[row.operation],
			operation: row.operation,
			model: row.model,
			prompt: `${failedLabel(row)} #fail:INVALID_PARAMETERS`,
			...row.parameters,
			options: QUICK,
		};
		runs.set(
			failedLabel(row),
			limit(
				async () =>
					await runMaxApi({ ...bed, emu }, { credentials, parameters, continueOnFail: true }),
			),
		);
	}
	// A run that throws fails its own test below, not the others.
	for (const run of runs.values()) run.catch(() => undefined);
});

afterAll(async () => {
	await Promise.allSettled(runs.values());
	await proxy?.close();
	await emu?.close();
});

describe('every catalog model: one success run each, with its defaults and with every field set', () => {
	it.each(table)('$label', async ({ label, kind, row, prompt }) => {
		const result = (await runs.get(label))!;
		expect(result.error).toBeUndefined();

		// What Max API received: exactly the model and the input, nothing else.
		const input = { prompt, ...row.input };
		const submits = proxy.submits.filter(
			(body) => (body as { input?: { prompt?: unknown } }).input?.prompt === prompt,
		);
		expect(submits).toStrictEqual([{ model: row.model, input }]);
		const tasks = [...emu.tasks.values()].filter((task) => task.prompt === prompt);
		expect(tasks).toHaveLength(1);
		const [task] = tasks;
		expect({
			model: task.model,
			operation: task.operation,
			input: task.input,
			callBackUrl: task.callBackUrl,
			userId: task.userId,
		}).toStrictEqual({
			model: row.model,
			operation: row.operation,
			input,
			callBackUrl: null,
			userId: null,
		});

		// What the user gets.
		const output = result.outputOf(NODE_NAME);
		expect(output).toHaveLength(1);
		const [item] = output;
		expect(item.json).toStrictEqual(expectedItem(row, prompt, task.taskId, emu));
		expect(item.pairedItem).toEqual({ item: 0 });

		const media = RESOURCE[row.operation];
		const urls = item.json.urls as string[];
		const properties = downloads(kind, row)
			? urls.map((_, k) => (k === 0 ? 'data' : `data_${k}`))
			: [];
		expect(Object.keys(item.binary ?? {}).sort()).toEqual([...properties].sort());
		for (const [k, property] of properties.entries()) {
			const extension = media === 'image' ? 'png' : 'mp4';
			expect(item.binary![property]).toMatchObject({
				mimeType: media === 'image' ? 'image/png' : 'video/mp4',
				fileExtension: extension,
				fileName: `${task.taskId}-${k}.${extension}`,
			});
			const bytes = await result.binaryBuffer(NODE_NAME, 0, property);
			if (media === 'image') {
				expect(bytes.subarray(0, 8)).toEqual(
					Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
				);
			} else {
				expect(bytes.length).toBe(VIDEO_FIXTURE_BYTES);
				expect(readMp4Boxes(bytes).map((box) => box.type)).toEqual(
					expect.arrayContaining(['ftyp', 'moov', 'mdat']),
				);
			}
		}
		expect(emu.stats().byTask[task.taskId]).toMatchObject({ downloads: properties.length });
	});
});

describe('the table covers the catalog', () => {
	const entries = CATALOG.map((model) => ({ label: `${model.operation} ${model.id}`, model }));

	it.each(entries)('$label has a defaults row and a row that sends every field', ({ model }) => {
		const mine = rows.filter(
			([, row]) => row.model === model.id && row.operation === model.operation,
		);
		const defaults = mine.filter(([kind]) => kind === DEFAULTS).map(([, row]) => row);
		expect(defaults).toHaveLength(1);
		// A defaults row sets nothing but the source URLs, which have no default.
		const required = model.fields
			.filter((field) => field.kind === 'urls')
			.map((field) => field.key);
		expect(Object.keys(defaults[0].parameters).sort()).toEqual(required.sort());

		const full = mine.filter(([kind]) => kind === 'every field').map(([, row]) => row);
		expect(full).toHaveLength(1);
		expect(Object.keys(full[0].input).sort()).toEqual(
			model.fields.map((field) => field.key).sort(),
		);
	});

	it('has no row for a model the catalog does not have', () => {
		const known = new Set(CATALOG.map((model) => `${model.operation} ${model.id}`));
		expect(
			rows.map(([, row]) => `${row.operation} ${row.model}`).filter((key) => !known.has(key)),
		).toEqual([]);
	});
});

describe('cost of a task that fails', () => {
	it.each(failed.map((row) => ({ label: failedLabel(row), row })))(
		'$label',
		async ({ label, row }) => {
			const result = (await runs.get(label))!;
			const [item] = result.outputOf(NODE_NAME);
			expect(item.json).toMatchObject({
				status: 'FAILURE',
				failureReason: 'INVALID_PARAMETERS',
				model: row.model,
				urls: [],
			});
			expect({ model: row.model, costUsd: item.json.costUsd }).toEqual({
				model: row.model,
				costUsd: row.costUsd,
			});
		},
	);
});
