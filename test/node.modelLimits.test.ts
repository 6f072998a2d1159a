// Every documented limit of every catalog model, inside n8n's engine: each value the docs list is
// accepted and sent as it is; each value outside a list, each count out of its range, each URL list
// too long, and each broken cross-field rule is refused before anything is sent.
//
// The documented values are written out here from the docs (maxapi-models.md, maxapi-api.md), not
// read from the catalog, so a catalog that drifts from the docs fails.
//
// A refused case runs two items: item 0 valid, item 1 carrying the bad value, each field given through
// an expression (the way a previous node's data arrives). It must end in a NodeOperationError
// `Invalid "<Field>" in item 1 (<Model name>): …` that says nothing was sent, with 0 submits.
// An accepted case runs one item per documented value (Wait for Completion off) and checks what each
// item's task received.
//
//   npx jest test/node.modelLimits.test.ts
import type { INodeParameters } from 'n8n-workflow';

import { createLimiter } from '../nodes/MaxApi/helpers/limiter';
import { CATALOG, type GenerationOperation } from '../nodes/shared/models';
import { startEmulator, type Emulator } from './emulator';
import type { RunResult } from './harness/engine';
import { runMaxApi, useTestbed } from './support/maxApi';

const bed = useTestbed({ latencyMs: 200 });

type Target = [model: string, operation: GenerationOperation];

const NAMES: Record<string, string> = {
	'gpt-image-2/text-to-image': 'GPT Image 2',
	'gpt-image-2/image-to-image': 'GPT Image 2',
	'seedream-5-lite': 'Seedream 5 Lite',
	'seedream-4.5': 'Seedream 4.5',
	'seedream-4': 'Seedream 4',
	'nano-banana': 'Nano Banana',
	'nano-banana-2': 'Nano Banana 2',
	'nano-banana-pro': 'Nano Banana Pro',
	'grok-imagine/text-to-image-lite': 'Grok Imagine Lite',
	'grok-imagine/text-to-image-standard': 'Grok Imagine Standard',
	'grok-imagine/text-to-image-pro': 'Grok Imagine Pro',
	'grok-imagine/text-to-video': 'Grok Imagine Video',
	veo3: 'Veo 3.1 Quality',
	veo3_fast: 'Veo 3.1 Fast',
	veo3_lite: 'Veo 3.1 Lite',
	'seedance-2.0': 'Seedance 2.0',
	'seedance-2.0-fast': 'Seedance 2.0 Fast',
	'seedance-1.5-pro': 'Seedance 1.5 Pro',
};

const GPT: Target[] = [
	['gpt-image-2/text-to-image', 'textToImage'],
	['gpt-image-2/image-to-image', 'imageToImage'],
];
/** The ids that serve both operations of a medium (Seedream, Nano Banana, Veo, Seedance). */
const images = (...ids: string[]): Target[] =>
	ids.flatMap((id): Target[] => [
		[id, 'textToImage'],
		[id, 'imageToImage'],
	]);
const videos = (...ids: string[]): Target[] =>
	ids.flatMap((id): Target[] => [
		[id, 'textToVideo'],
		[id, 'imageToVideo'],
	]);
const imageToVideo = (...ids: string[]): Target[] => ids.map((id): Target => [id, 'imageToVideo']);

/** The family of a model id: its name up to the first dash or slash (gpt, seedream, nano, grok, veo3, seedance). */
const family = (id: string) => /^[a-z]+\d*/.exec(id)![0];

const IMG = (k: number) => `https://img.example.com/frame-${k}.png`;
const CLIP = (k: number) => `https://media.example.com/clip-${k}.mp4`;
const urls = (count: number, make = IMG) => Array.from({ length: count }, (_, k) => make(k));

/** What every item of a target needs besides the case's fields: its source URLs (one image). */
function base([model, operation]: Target): Record<string, unknown> {
	if (operation === 'imageToImage') return { imageUrls: [IMG(0)] };
	if (operation === 'imageToVideo')
		return model.startsWith('seedance') ? { mediaUrls: [IMG(0)] } : { imageUrls: [IMG(0)] };
	return {};
}

// ---------------------------------------------------------------------------------------------
// The documented limits, as data
// ---------------------------------------------------------------------------------------------

interface ListLimit {
	doc: string;
	targets: Target[];
	key: string;
	field: string;
	documented: Array<string | number | boolean>;
	/** Values outside the list: another model's value is the likely mistake. */
	outside: unknown[];
	/** Values every item also has (e.g. a ratio that takes 4k). */
	with?: Record<string, unknown>;
}

const GPT_RATIOS = [
	'1:1',
	'3:2',
	'2:3',
	'4:3',
	'3:4',
	'5:4',
	'4:5',
	'16:9',
	'9:16',
	'2:1',
	'1:2',
	'21:9',
	'9:21',
];
const SEEDREAM_RATIOS = ['1:1', '4:3', '3:4', '16:9', '9:16', '3:2', '2:3', '21:9'];
const FIVE_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4'];
const SEEDANCE_RATIOS = ['1:1', '4:3', '3:4', '16:9', '9:16'];

const lists: ListLimit[] = [
	{
		doc: 'GPT Image 2 ratios (13)',
		targets: GPT,
		key: 'ratio',
		field: 'Aspect Ratio',
		documented: GPT_RATIOS,
		outside: ['7:5', '16:10'],
	},
	{
		doc: 'GPT Image 2 resolutions',
		targets: GPT,
		key: 'resolution',
		field: 'Resolution',
		documented: ['1k', '2k', '4k'],
		outside: ['8k', '1080p'],
		with: { ratio: '16:9' },
	},
	{
		doc: 'Seedream ratios (8)',
		targets: images('seedream-5-lite', 'seedream-4.5', 'seedream-4'),
		key: 'ratio',
		field: 'Aspect Ratio',
		documented: SEEDREAM_RATIOS,
		outside: ['5:4', '9:21'],
	},
	{
		doc: 'Seedream resolutions',
		targets: images('seedream-5-lite', 'seedream-4.5', 'seedream-4'),
		key: 'resolution',
		field: 'Resolution',
		documented: ['1k', '2k', '4k'],
		outside: ['720p'],
	},
	{
		doc: 'Nano Banana: 16:9 and 9:16 only',
		targets: images('nano-banana'),
		key: 'ratio',
		field: 'Aspect Ratio',
		documented: ['16:9', '9:16'],
		outside: ['1:1', '4:3', '3:4'],
	},
	{
		doc: 'Nano Banana 2 and Pro ratios (5)',
		targets: images('nano-banana-2', 'nano-banana-pro'),
		key: 'ratio',
		field: 'Aspect Ratio',
		documented: FIVE_RATIOS,
		outside: ['21:9', '3:2'],
	},
	{
		doc: 'Nano Banana 2 and Pro resolutions',
		targets: images('nano-banana-2', 'nano-banana-pro'),
		key: 'resolution',
		field: 'Resolution',
		documented: ['1k', '2k', '4k'],
		outside: ['480p'],
	},
	{
		doc: 'Grok Imagine video durations',
		targets: [['grok-imagine/text-to-video', 'textToVideo']],
		key: 'duration',
		field: 'Duration (Seconds)',
		documented: [6, 10, 12, 16, 20],
		outside: [8, 5, 30],
	},
	{
		doc: 'Grok Imagine video ratios',
		targets: [['grok-imagine/text-to-video', 'textToVideo']],
		key: 'ratio',
		field: 'Aspect Ratio',
		documented: ['1:1', '16:9', '9:16'],
		outside: ['4:3'],
	},
	{
		doc: 'Grok Imagine video resolutions',
		targets: [['grok-imagine/text-to-video', 'textToVideo']],
		key: 'resolution',
		field: 'Resolution',
		documented: ['480p', '720p'],
		outside: ['1080p'],
	},
	{
		doc: 'Grok Imagine video modes',
		targets: [['grok-imagine/text-to-video', 'textToVideo']],
		key: 'mode',
		field: 'Mode',
		documented: ['fun', 'normal', 'spicy', 'custom'],
		outside: ['wild'],
	},
	{
		doc: 'Veo ratios',
		targets: videos('veo3', 'veo3_fast', 'veo3_lite'),
		key: 'ratio',
		field: 'Aspect Ratio',
		documented: ['16:9', '9:16'],
		outside: ['1:1', '4:3'],
	},
	{
		doc: 'Veo resolutions (Quality and Fast)',
		targets: videos('veo3', 'veo3_fast'),
		key: 'resolution',
		field: 'Resolution',
		documented: ['1080p', '4k'],
		outside: ['720p'],
	},
	{
		doc: 'Veo durations',
		targets: [
			['veo3', 'textToVideo'],
			['veo3_fast', 'textToVideo'],
			['veo3_lite', 'textToVideo'],
		],
		key: 'duration',
		field: 'Duration (Seconds)',
		documented: [4, 6, 8],
		outside: [5, 10],
	},
	// Two images (first and last frame) take every length, also on Quality.
	{
		doc: 'Veo durations',
		targets: imageToVideo('veo3', 'veo3_fast', 'veo3_lite'),
		key: 'duration',
		field: 'Duration (Seconds)',
		documented: [4, 6, 8],
		outside: [5, 10],
		with: { imageUrls: urls(2) },
	},
	{
		doc: 'Veo Quality and Fast modes',
		targets: imageToVideo('veo3', 'veo3_fast'),
		key: 'mode',
		field: 'Mode',
		documented: ['i2v', 'i2v-fl', 'r2v'],
		outside: ['t2v'],
	},
	{
		doc: 'Veo Lite modes: no R2V',
		targets: imageToVideo('veo3_lite'),
		key: 'mode',
		field: 'Mode',
		documented: ['i2v', 'i2v-fl'],
		outside: ['r2v'],
	},
	{
		doc: 'Seedance ratios',
		targets: videos('seedance-2.0', 'seedance-2.0-fast', 'seedance-1.5-pro'),
		key: 'ratio',
		field: 'Aspect Ratio',
		documented: SEEDANCE_RATIOS,
		outside: ['21:9'],
	},
	{
		doc: 'Seedance resolutions',
		targets: videos('seedance-2.0', 'seedance-2.0-fast', 'seedance-1.5-pro'),
		key: 'resolution',
		field: 'Resolution',
		documented: ['480p', '720p', '1080p'],
		outside: ['4k'],
	},
	{
		doc: 'Seedance 2.0 durations 4–15',
		targets: videos('seedance-2.0', 'seedance-2.0-fast'),
		key: 'duration',
		field: 'Duration (Seconds)',
		documented: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
		outside: [3, 16],
	},
	{
		doc: 'Seedance 1.5 Pro durations: 5 or 10',
		targets: videos('seedance-1.5-pro'),
		key: 'duration',
		field: 'Duration (Seconds)',
		documented: [5, 10],
		outside: [4, 6, 15],
	},
	{
		doc: 'Seedance fallback is a boolean',
		targets: videos('seedance-2.0'),
		key: 'fallback',
		field: 'Fallback',
		documented: [true, false],
		outside: ['maybe', 1],
	},
];

interface CountLimit {
	doc: string;
	targets: Target[];
	min: number;
	max: number;
}

const counts: CountLimit[] = [
	{ doc: 'GPT Image 2: n 1–10', targets: GPT, min: 1, max: 10 },
	{ doc: 'Seedream 5 Lite: n 1–4', targets: images('seedream-5-lite'), min: 1, max: 4 },
	{
		doc: 'Seedream 4.5 and 4: n 1–15',
		targets: images('seedream-4.5', 'seedream-4'),
		min: 1,
		max: 15,
	},
	{
		doc: 'Grok Imagine Lite: n 1–4',
		targets: [['grok-imagine/text-to-image-lite', 'textToImage']],
		min: 1,
		max: 4,
	},
	{
		doc: 'Grok Imagine Standard and Pro: n 1–10',
		targets: [
			['grok-imagine/text-to-image-standard', 'textToImage'],
			['grok-imagine/text-to-image-pro', 'textToImage'],
		],
		min: 1,
		max: 10,
	},
];

/** A case refused before anything is sent. */
interface Refusal {
	name: string;
	target: Target;
	field: string;
	/** Item 0's values (valid); item 1 has these overridden by `refused`. */
	valid: Record<string, unknown>;
	refused: Record<string, unknown>;
	/** What the error message must also say. */
	says?: RegExp;
}

/** A case that must be accepted: one item per entry of `items`, each sent as given. */
interface Acceptance {
	name: string;
	target: Target;
	items: Array<Record<string, unknown>>;
}

// Cross-field rules and URL-list limits: the cases the docs state, with accepted neighbours.
const rules: Array<Refusal | Acceptance> = [
	// GPT Image 2: "4k is only accepted with ratio 16:9, 9:16, 2:1, 1:2, 21:9 or 9:21".
	// (test/reliability/bad-input.test.ts refuses text-to-image 4k with each of these ratios too.)
	...GPT.flatMap(
		([model, operation]): Array<Refusal | Acceptance> => [
			...(operation === 'imageToImage'
				? ['1:1', '3:2', '2:3', '4:3', '3:4', '5:4', '4:5', 'auto']
				: ['1:1', 'auto']
			).map(
				(ratio): Refusal => ({
					name: `${model}: 4k with ratio ${ratio}`,
					target: [model, operation],
					field: 'Resolution',
					valid: { ratio, resolution: '2k' },
					refused: { resolution: '4k' },
					says: /no 4k/,
				}),
			),
			{
				name: `${model}: 4k with each wide ratio`,
				target: [model, operation],
				items: ['16:9', '9:16', '2:1', '1:2', '21:9', '9:21'].map((ratio) => ({
					ratio,
					resolution: '4k',
				})),
			},
			{
				name: `${model}: prompt of 32,001 characters`,
				target: [model, operation],
				field: 'Prompt',
				valid: { prompt: 'p'.repeat(32_000) },
				refused: { prompt: 'p'.repeat(32_001) },
				says: /32001 characters; the most GPT Image 2 accepts is 32000/,
			},
		],
	),
	// Veo: "i2v at Quality tier: 8 s only"; 1 image = first frame (i2v), 2 = first and last, 3 = references.
	{
		name: 'veo3: first frame (1 image) of 4 s',
		target: ['veo3', 'imageToVideo'],
		field: 'Duration (Seconds)',
		valid: { imageUrls: urls(1), duration: 8 },
		refused: { duration: 4 },
		says: /8 s only, not 4 s/,
	},
	{
		name: 'veo3: first frame (1 image) of 6 s',
		target: ['veo3', 'imageToVideo'],
		field: 'Duration (Seconds)',
		valid: { imageUrls: urls(1), duration: 8 },
		refused: { duration: 6 },
		says: /8 s only, not 6 s/,
	},
	{
		name: 'veo3: mode i2v with 2 images, 4 s',
		target: ['veo3', 'imageToVideo'],
		field: 'Duration (Seconds)',
		valid: { imageUrls: urls(2), mode: 'i2v', duration: 8 },
		refused: { duration: 4 },
	},
	{
		name: 'veo3: first frame 8 s, first and last frame 4 and 6 s, references 4 s',
		target: ['veo3', 'imageToVideo'],
		items: [
			{ imageUrls: urls(1), duration: 8 },
			{ imageUrls: urls(2), duration: 4 },
			{ imageUrls: urls(2), duration: 6 },
			{ imageUrls: urls(3), duration: 4 },
		],
	},
	{
		name: 'veo3_fast: first frame of 4 s',
		target: ['veo3_fast', 'imageToVideo'],
		items: [{ imageUrls: urls(1), duration: 4 }],
	},
	{
		name: 'veo3_lite: first frame of 6 s',
		target: ['veo3_lite', 'imageToVideo'],
		items: [{ imageUrls: urls(1), duration: 6 }],
	},
	// Veo: "imageUrls 1–3 images".
	...imageToVideo('veo3', 'veo3_fast', 'veo3_lite').flatMap(
		([model]): Array<Refusal | Acceptance> => [
			{
				name: `${model}: 4 image URLs`,
				target: [model, 'imageToVideo'],
				field: 'Image URLs',
				valid: { imageUrls: urls(3) },
				refused: { imageUrls: urls(4) },
				says: /at most 3 URLs in Image URLs, not 4/,
			},
			{
				name: `${model}: no image URLs`,
				target: [model, 'imageToVideo'],
				field: 'Image URLs',
				valid: { imageUrls: urls(1) },
				refused: { imageUrls: '' },
				says: /Image URLs is empty/,
			},
		],
	),
	...imageToVideo('veo3', 'veo3_fast').map(
		(target): Acceptance => ({
			name: `${target[0]}: 1, 2 and 3 image URLs`,
			target,
			items: [{ imageUrls: urls(1) }, { imageUrls: urls(2) }, { imageUrls: urls(3) }],
		}),
	),
	// Seedance 2.0: "1–12 URLs, at most 9 images".
	...imageToVideo('seedance-2.0', 'seedance-2.0-fast').flatMap(
		([model]): Array<Refusal | Acceptance> => [
			{
				name: `${model}: 10 images`,
				target: [model, 'imageToVideo'],
				field: 'Media URLs',
				valid: { mediaUrls: urls(9) },
				refused: { mediaUrls: urls(10) },
				says: /at most 9 images, not 10/,
			},
			{
				name: `${model}: 13 files (9 images, 4 videos)`,
				target: [model, 'imageToVideo'],
				field: 'Media URLs',
				valid: { mediaUrls: urls(9) },
				refused: { mediaUrls: [...urls(9), ...urls(4, CLIP)] },
				says: /at most 12 URLs in Media URLs, not 13/,
			},
			{
				name: `${model}: no media URLs`,
				target: [model, 'imageToVideo'],
				field: 'Media URLs',
				valid: { mediaUrls: urls(1) },
				refused: { mediaUrls: [] },
				says: /Media URLs is empty/,
			},
			{
				name: `${model}: 12 files (9 images, 2 videos, 1 audio) and 9 images`,
				target: [model, 'imageToVideo'],
				items: [
					{ mediaUrls: [...urls(9), ...urls(2, CLIP), 'https://media.example.com/voice.mp3'] },
					{ mediaUrls: urls(9) },
				],
			},
		],
	),
	// Seedance 1.5 Pro: "only supports up to 2 images (first/last frame mode)"; video and audio are 2.0 only.
	{
		name: 'seedance-1.5-pro: 3 images',
		target: ['seedance-1.5-pro', 'imageToVideo'],
		field: 'Media URLs',
		valid: { mediaUrls: urls(2) },
		refused: { mediaUrls: urls(3) },
		says: /at most 2 URLs in Media URLs, not 3/,
	},
	{
		name: 'seedance-1.5-pro: a video reference',
		target: ['seedance-1.5-pro', 'imageToVideo'],
		field: 'Media URLs',
		valid: { mediaUrls: urls(1) },
		refused: { mediaUrls: [IMG(0), CLIP(0)] },
		says: /images only, not the video file/,
	},
	{
		name: 'seedance-1.5-pro: an audio reference',
		target: ['seedance-1.5-pro', 'imageToVideo'],
		field: 'Media URLs',
		valid: { mediaUrls: urls(1) },
		refused: { mediaUrls: ['https://media.example.com/voice.wav'] },
		says: /images only, not the audio file/,
	},
	{
		name: 'seedance-1.5-pro: 1 and 2 images',
		target: ['seedance-1.5-pro', 'imageToVideo'],
		items: [{ mediaUrls: urls(1) }, { mediaUrls: urls(2) }],
	},
	// Image to image needs its source images.
	...[
		...GPT.slice(1),
		...images(
			'seedream-5-lite',
			'seedream-4.5',
			'seedream-4',
			'nano-banana',
			'nano-banana-2',
			'nano-banana-pro',
		).filter(([, op]) => op === 'imageToImage'),
	].map(
		(target): Refusal => ({
			name: `${target[0]}: image-to-image with no image URLs`,
			target,
			field: 'Image URLs',
			valid: {},
			refused: { imageUrls: ' ' },
			says: /Image URLs is empty/,
		}),
	),
];

// ---------------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------------

const refusals: Refusal[] = [
	// The first value outside a list for every model that has the list; the others for its first model.
	...lists.flatMap((limit) =>
		limit.targets.flatMap((target, index) =>
			(index === 0 ? limit.outside : limit.outside.slice(0, 1)).map(
				(value): Refusal => ({
					name: `${target[0]} ${target[1]}: ${limit.key} ${JSON.stringify(value)} (${limit.doc})`,
					target,
					field: limit.field,
					valid: { ...limit.with, [limit.key]: limit.documented[0] },
					refused: { [limit.key]: value },
				}),
			),
		),
	),
	...counts.flatMap((limit) =>
		limit.targets.flatMap((target) =>
			[limit.min - 1, limit.max + 1].map(
				(n): Refusal => ({
					name: `${target[0]} ${target[1]}: n = ${n} (${limit.doc})`,
					target,
					field: 'Number of Images',
					valid: { n: limit.min },
					refused: { n },
					says: new RegExp(`whole number from ${limit.min} to ${limit.max}`),
				}),
			),
		),
	),
	...rules.filter((rule): rule is Refusal => 'refused' in rule),
	// Every model needs a prompt (one model of each family and operation).
	...CATALOG.filter(
		(model, index) =>
			CATALOG.findIndex(
				(other) => family(other.id) === family(model.id) && other.operation === model.operation,
			) === index,
	).map(
		(model): Refusal => ({
			name: `${model.id} ${model.operation}: blank prompt`,
			target: [model.id, model.operation],
			field: 'Prompt',
			valid: {},
			refused: { prompt: ' \n ' },
			says: /Prompt is empty/,
		}),
	),
];

const acceptances: Acceptance[] = [
	...lists.flatMap((limit) =>
		limit.targets.map(
			(target): Acceptance => ({
				name: `${target[0]} ${target[1]}: every documented ${limit.key} (${limit.doc})`,
				target,
				items: limit.documented.map((value) => ({ ...limit.with, [limit.key]: value })),
			}),
		),
	),
	...counts.flatMap((limit) =>
		limit.targets.map(
			(target): Acceptance => ({
				name: `${target[0]} ${target[1]}: n = ${limit.min} and ${limit.max} (${limit.doc})`,
				target,
				items: [{ n: limit.min }, { n: limit.max }],
			}),
		),
	),
	...rules.filter((rule): rule is Acceptance => 'items' in rule),
];

const RESOURCE: Record<GenerationOperation, 'image' | 'video'> = {
	textToImage: 'image',
	imageToImage: 'image',
	textToVideo: 'video',
	imageToVideo: 'video',
};

/** Parameters that read every given field from the item, the way data from a previous node arrives. */
function parametersFor([model, operation]: Target, keys: string[]): INodeParameters {
	const fromItem = Object.fromEntries(
		keys
			.filter((key) => key !== 'prompt')
			.map((key) => [key, `={{ $json[${JSON.stringify(key)}] }}`]),
	);
	return {
		resource: RESOURCE[operation],
		operation,
		model,
		prompt: '={{ $json.prompt }}',
		waitForCompletion: false,
		...fromItem,
	};
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Every run starts when the file starts (20 at a time) against one emulator that is never reset;
// each case's items have their own prompts, so what the emulator received is told apart by prompt.
let emu: Emulator;
const runs = new Map<string, Promise<RunResult>>();
const limit = createLimiter(20);

function refusalItems({ name, target, valid, refused }: Refusal) {
	const item0 = { prompt: `${name} [item 0]`, ...base(target), ...valid };
	const item1 = { ...item0, prompt: `${name} [item 1]`, ...refused };
	return [item0, item1];
}

function acceptanceItems({ name, target, items }: Acceptance) {
	return items.map((values, index) => ({
		prompt: `${name} [item ${index}]`,
		...base(target),
		...values,
	}));
}

beforeAll(async () => {
	emu = await startEmulator({ latencyMs: 200 });
	const credentials = { maxApi: { apiKey: emu.apiKey, baseUrl: emu.url } };
	const cases = [
		...refusals.map((c) => ({ c, items: refusalItems(c) })),
		...acceptances.map((c) => ({ c, items: acceptanceItems(c) })),
	];
	for (const { c, items } of cases) {
		const keys = [...new Set(items.flatMap((item) => Object.keys(item)))];
		const run = limit(
			async () =>
				await runMaxApi(
					{ ...bed, emu },
					{ credentials, items, parameters: parametersFor(c.target, keys) },
				),
		);
		run.catch(() => undefined); // a run that throws fails its own test, not the others
		runs.set(c.name, run);
	}
});

afterAll(async () => {
	await Promise.allSettled(runs.values());
	await emu?.close();
});

/** Submits the emulator received for these items' prompts. */
function submitsFor(items: Array<{ prompt: unknown }>): number {
	const byPrompt = emu.stats().submitsByPrompt;
	return items.reduce((sum, item) => sum + (byPrompt[String(item.prompt)] ?? 0), 0);
}

describe('documented limits: a value outside them is refused before anything is sent', () => {
	it.each(refusals)('$name', async (refusal) => {
		const { name, target, field, says } = refusal;
		const result = (await runs.get(name))!;

		expect(result.status).toBe('error');
		expect(result.error!.name).toBe('NodeOperationError');
		expect(result.error!.message).toMatch(
			new RegExp(`^Invalid "${escape(field)}" in item 1 \\(${escape(NAMES[target[0]])}\\): `),
		);
		if (says) expect(result.error!.message).toMatch(says);
		expect(result.error!.description).toContain(
			'Nothing was sent to Max API and nothing was billed',
		);
		expect(submitsFor(refusalItems(refusal))).toBe(0);
	});
});

describe('documented limits: every value inside them is accepted and sent as it is', () => {
	it.each(acceptances)('$name', async (acceptance) => {
		const { name, target, items } = acceptance;
		const result = (await runs.get(name))!;
		const prepared = acceptanceItems(acceptance);

		expect(result.error).toBeUndefined();
		expect(submitsFor(prepared)).toBe(items.length);
		const tasks = [...emu.tasks.values()];
		for (const item of prepared) {
			const found = tasks.filter((candidate) => candidate.prompt === item.prompt);
			expect(found).toHaveLength(1);
			const [task] = found;
			expect({ model: task.model, operation: task.operation }).toEqual({
				model: target[0],
				operation: target[1],
			});
			// Every value is sent exactly as given (the model's documented defaults come on top); a
			// Fallback left off is not sent at all.
			const { fallback, ...rest } = item as Record<string, unknown>;
			expect(task.input).toMatchObject(fallback === false ? rest : item);
			if (fallback === false) expect(task.input).not.toHaveProperty('fallback');
		}
	});
});
