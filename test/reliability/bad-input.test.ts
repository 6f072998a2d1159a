// Reliability table 1: bad input. Each row runs the Max API node inside n8n's engine on TWO items:
// item 0 is valid, item 1 carries the row's bad value (through an expression, the way data from a
// previous node arrives). An "error" row must stop the whole run before anything is sent (0 submits,
// 0 queries), naming the field, item 1, and what to do. A "normalised" row is accepted and sent in
// the stated form. The four invariants (invariants.ts) are checked on every row.
//
//   npx jest test/reliability/bad-input.test.ts
import type { INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../emulator';
import { runMaxApi } from '../support/maxApi';
import { API_KEY, checkNodeRun, expectRowsDocumented, useReliabilityBed } from './invariants';

const bed = useReliabilityBed({ latencyMs: 200 });

type Operation = 'textToImage' | 'imageToImage' | 'textToVideo' | 'imageToVideo' | 'get';

/** Values of a valid item, per field (item 0 of every row uses them, unless the row says otherwise). */
const GOOD: Record<string, unknown> = {
	ratio: '16:9',
	resolution: '1k',
	n: 1,
	imageUrls: 'https://images.example.com/source.png',
	mediaUrls: 'https://images.example.com/source.png',
	duration: 8,
	fallback: false,
	callbackUrl: 'https://n8n.example.com/webhook/5f0c6b7e/maxapi?token=t',
	timeout: 600,
	maxPollInterval: 10,
	binaryPropertyName: 'data',
};
const OPTION_FIELDS = ['callbackUrl', 'timeout', 'maxPollInterval', 'binaryPropertyName'];

interface Row {
	name: string;
	operation?: Operation;
	/**
	 * The catalog model chosen in the node. Without one the row runs a node as saved before the
	 * catalog (no model parameter: GPT Image 2), with the ratio, resolution and n it always had.
	 */
	model?: string;
	/** Item 0's values where GOOD's do not suit the model. */
	good?: Record<string, unknown>;
	/** Item 1's bad values by field; a function gets the id of a real task (Get rows). */
	bad: Record<string, unknown | ((ctx: { taskId: string }) => unknown)>;
	/** Credential data instead of the emulator's. */
	credentials?: (emu: Emulator) => { apiKey: string; baseUrl: string };
	expect:
		| { error: RegExp; runLevel?: boolean }
		| { normalised: string; sent?: Record<string, unknown>; taskIdQueried?: true };
}

const error = (field: string): Row['expect'] => ({
	error: new RegExp(`"${field.replace(/[()]/g, '\\$&')}"`),
});
const ABSURD_PROMPT = 'a lighthouse '.repeat(80_000); // 1,040,000 characters

export const rows: Row[] = [
	// Prompt
	{ name: 'empty prompt', bad: { prompt: '' }, expect: error('Prompt') },
	{ name: 'whitespace-only prompt', bad: { prompt: ' \n\t  ' }, expect: error('Prompt') },
	{
		name: 'prompt of 32,001 characters',
		bad: { prompt: 'x'.repeat(32_001) },
		expect: error('Prompt'),
	},
	{
		name: 'prompt of absurd length (1,040,000 characters)',
		bad: { prompt: ABSURD_PROMPT },
		expect: error('Prompt'),
	},
	{
		name: 'prompt of exactly 32,000 characters',
		bad: { prompt: 'y'.repeat(32_000) },
		expect: { normalised: 'accepted and sent unchanged', sent: { prompt: 'y'.repeat(32_000) } },
	},
	// Number of images
	{ name: 'n = 0', bad: { n: 0 }, expect: error('Number of Images') },
	{ name: 'n = 11', bad: { n: 11 }, expect: error('Number of Images') },
	{ name: 'n = 2.5', bad: { n: 2.5 }, expect: error('Number of Images') },
	{ name: 'n = "three"', bad: { n: 'three' }, expect: error('Number of Images') },
	{ name: 'n = -1', bad: { n: -1 }, expect: error('Number of Images') },
	{
		name: 'n = "3" (text from an expression)',
		bad: { n: '3' },
		expect: { normalised: 'sent as the number 3', sent: { n: 3 } },
	},
	// Aspect ratio and resolution
	{ name: 'unknown ratio 7:5', bad: { ratio: '7:5' }, expect: error('Aspect Ratio') },
	{
		name: 'empty ratio',
		bad: { ratio: '' },
		expect: { normalised: 'treated as auto: no ratio sent', sent: { ratio: undefined } },
	},
	...['1:1', '3:2', '2:3', '4:3', '3:4', '5:4', '4:5', 'auto'].map(
		(ratio): Row => ({
			name: `4k with ratio ${ratio}`,
			bad: { ratio, resolution: '4k' },
			expect: error('Resolution'),
		}),
	),
	{ name: 'unknown resolution 8k', bad: { resolution: '8k' }, expect: error('Resolution') },
	// Image to Image sources
	{
		name: 'image-to-image with no URLs',
		operation: 'imageToImage',
		bad: { imageUrls: '' },
		expect: error('Image URLs'),
	},
	{
		name: 'image-to-image with an empty entry among URLs',
		operation: 'imageToImage',
		bad: { imageUrls: ['https://images.example.com/a.png', '', '  '] },
		expect: {
			normalised: 'empty entries dropped',
			sent: { imageUrls: ['https://images.example.com/a.png'] },
		},
	},
	{
		name: 'image-to-image with comma-separated URLs',
		operation: 'imageToImage',
		bad: {
			imageUrls: 'https://images.example.com/a.png, https://images.example.com/w_400,h_300/b.png',
		},
		expect: {
			normalised: 'split into URLs (commas inside a URL kept)',
			sent: {
				imageUrls: [
					'https://images.example.com/a.png',
					'https://images.example.com/w_400,h_300/b.png',
				],
			},
		},
	},
	{
		name: 'image-to-image with a non-URL',
		operation: 'imageToImage',
		bad: { imageUrls: 'my photo.png' },
		expect: error('Image URLs'),
	},
	{
		name: 'image-to-image with an ftp: URL',
		operation: 'imageToImage',
		bad: { imageUrls: 'ftp://files.example.com/a.png' },
		expect: error('Image URLs'),
	},
	{
		name: 'image-to-image with a file: URL',
		operation: 'imageToImage',
		bad: { imageUrls: 'file:///etc/passwd' },
		expect: error('Image URLs'),
	},
	{
		name: 'image-to-image with a data: URL',
		operation: 'imageToImage',
		bad: { imageUrls: 'data:image/png;base64,iVBORw0KGgo=' },
		expect: error('Image URLs'),
	},
	{
		name: 'image-to-image URLs expression returning a number',
		operation: 'imageToImage',
		bad: { imageUrls: 42 },
		expect: error('Image URLs'),
	},
	{
		name: 'image-to-image URLs expression returning an object',
		operation: 'imageToImage',
		bad: { imageUrls: { url: 'https://images.example.com/a.png' } },
		expect: error('Image URLs'),
	},
	{
		name: 'image-to-image URLs expression returning an array of non-strings',
		operation: 'imageToImage',
		bad: { imageUrls: [1, { u: 2 }] },
		expect: error('Image URLs'),
	},
	// Task ID (Get)
	{ name: 'task id empty', operation: 'get', bad: { taskId: '' }, expect: error('Task ID') },
	{
		name: 'task id with ../',
		operation: 'get',
		bad: { taskId: '../admin' },
		expect: error('Task ID'),
	},
	{
		name: 'task id with /',
		operation: 'get',
		bad: { taskId: 'a1b2/c3d4' },
		expect: error('Task ID'),
	},
	{
		name: 'task id with ?',
		operation: 'get',
		bad: { taskId: 'a1b2?x=1' },
		expect: error('Task ID'),
	},
	{
		name: 'task id with surrounding spaces',
		operation: 'get',
		bad: { taskId: ({ taskId }: { taskId: string }) => `  ${taskId}\n` },
		expect: { normalised: 'trimmed, then queried', taskIdQueried: true },
	},
	// Callback URL
	{
		name: 'callback URL not http(s)',
		bad: { callbackUrl: 'ftp://n8n.example.com/webhook/x' },
		expect: error('Callback URL'),
	},
	{
		name: 'callback URL that is not a URL',
		bad: { callbackUrl: 'my n8n' },
		expect: error('Callback URL'),
	},
	{
		name: 'callback URL on localhost with the real Max API base URL',
		bad: { callbackUrl: 'http://localhost:5678/webhook/5f0c6b7e/maxapi' },
		credentials: () => ({ apiKey: API_KEY, baseUrl: 'https://api.maxapi.io' }),
		expect: error('Callback URL'),
	},
	{
		name: 'callback URL on localhost with an emulator/proxy base URL',
		bad: { callbackUrl: 'http://127.0.0.1:5678/webhook/5f0c6b7e/maxapi' },
		expect: {
			normalised: 'allowed (not the public API)',
			sent: { callBackUrl: 'http://127.0.0.1:5678/webhook/5f0c6b7e/maxapi' },
		},
	},
	// Credential
	{
		name: 'credential with an empty API key',
		bad: {},
		credentials: (emu) => ({ apiKey: '', baseUrl: emu.url }),
		expect: { error: /API key/, runLevel: true },
	},
	{
		name: 'credential with a whitespace API key',
		bad: {},
		credentials: (emu) => ({ apiKey: '   ', baseUrl: emu.url }),
		expect: { error: /API key/, runLevel: true },
	},
	{
		name: 'credential base URL that is not a URL',
		bad: {},
		credentials: () => ({ apiKey: API_KEY, baseUrl: 'api dot maxapi dot io' }),
		expect: { error: /Base URL/, runLevel: true },
	},
	{
		name: 'credential base URL that is not http(s)',
		bad: {},
		credentials: () => ({ apiKey: API_KEY, baseUrl: 'ftp://api.maxapi.io' }),
		expect: { error: /Base URL/, runLevel: true },
	},
	// Options
	{ name: 'timeout 0', bad: { timeout: 0 }, expect: error('Timeout (Seconds)') },
	{ name: 'timeout negative', bad: { timeout: -30 }, expect: error('Timeout (Seconds)') },
	{
		name: 'max poll interval 0',
		bad: { maxPollInterval: 0 },
		expect: error('Max Poll Interval (Seconds)'),
	},
	{
		name: 'binary field name with spaces',
		bad: { binaryPropertyName: 'my image' },
		expect: error('Put Output File in Field'),
	},
	// Seedream
	{
		name: 'Seedream 5 Lite: n = 5 (its most is 4)',
		model: 'seedream-5-lite',
		bad: { n: 5 },
		expect: error('Number of Images'),
	},
	{
		name: 'Seedream 4.5: ratio 5:4 (a GPT Image 2 ratio)',
		model: 'seedream-4.5',
		bad: { ratio: '5:4' },
		expect: error('Aspect Ratio'),
	},
	{
		name: 'Seedream image-to-image: an ftp: image URL',
		model: 'seedream-4',
		operation: 'imageToImage',
		bad: { imageUrls: 'ftp://files.example.com/a.png' },
		expect: error('Image URLs'),
	},
	// Nano Banana
	{
		name: 'Nano Banana: ratio 1:1 (16:9 and 9:16 only)',
		model: 'nano-banana',
		bad: { ratio: '1:1' },
		expect: error('Aspect Ratio'),
	},
	{
		name: 'Nano Banana Pro: resolution 720p',
		model: 'nano-banana-pro',
		good: { resolution: '2k' },
		bad: { resolution: '720p' },
		expect: error('Resolution'),
	},
	{
		name: 'Nano Banana: a resolution (the model has a fixed 1K)',
		model: 'nano-banana',
		bad: { resolution: '4k' },
		expect: { normalised: 'ignored: no resolution sent', sent: { resolution: undefined } },
	},
	// Grok Imagine
	{
		name: 'Grok Imagine Lite: n = 5 (its most is 4)',
		model: 'grok-imagine/text-to-image-lite',
		bad: { n: 5 },
		expect: error('Number of Images'),
	},
	{
		name: 'Grok Imagine Lite: ratio 16:9 (the model takes none)',
		model: 'grok-imagine/text-to-image-lite',
		bad: { ratio: '16:9' },
		expect: {
			normalised: 'ignored: no ratio sent (Max API refuses one)',
			sent: { ratio: undefined },
		},
	},
	{
		name: 'Grok Imagine video: duration 8 (6, 10, 12, 16 or 20)',
		model: 'grok-imagine/text-to-video',
		operation: 'textToVideo',
		good: { duration: 6 },
		bad: { duration: 8 },
		expect: error('Duration (Seconds)'),
	},
	{
		name: 'Grok Imagine video: mode "wild"',
		model: 'grok-imagine/text-to-video',
		operation: 'textToVideo',
		good: { mode: 'normal' },
		bad: { mode: 'wild' },
		expect: error('Mode'),
	},
	// Veo 3.1
	{
		name: 'Veo 3.1 Quality: first frame (1 image) of 4 s',
		model: 'veo3',
		operation: 'imageToVideo',
		bad: { duration: 4 },
		expect: error('Duration (Seconds)'),
	},
	{
		name: 'Veo 3.1 Fast: 4 image URLs (its most is 3)',
		model: 'veo3_fast',
		operation: 'imageToVideo',
		bad: {
			imageUrls: [
				'https://images.example.com/1.png',
				'https://images.example.com/2.png',
				'https://images.example.com/3.png',
				'https://images.example.com/4.png',
			],
		},
		expect: error('Image URLs'),
	},
	{
		name: 'Veo 3.1 Lite: mode r2v (Lite has no references)',
		model: 'veo3_lite',
		operation: 'imageToVideo',
		good: { mode: 'i2v' },
		bad: { mode: 'r2v' },
		expect: error('Mode'),
	},
	{
		name: 'Veo 3.1 Fast: ratio auto (Default; its documented default is 16:9)',
		model: 'veo3_fast',
		operation: 'textToVideo',
		bad: { ratio: 'auto' },
		expect: { normalised: 'sent as the documented default 16:9', sent: { ratio: '16:9' } },
	},
	{
		name: 'Veo 3.1 Fast: duration "6" (text from an expression)',
		model: 'veo3_fast',
		operation: 'textToVideo',
		bad: { duration: '6' },
		expect: { normalised: 'sent as the number 6', sent: { duration: 6 } },
	},
	// Seedance
	{
		name: 'Seedance 2.0: 10 images (at most 9)',
		model: 'seedance-2.0',
		operation: 'imageToVideo',
		bad: { mediaUrls: Array.from({ length: 10 }, (_, k) => `https://images.example.com/${k}.png`) },
		expect: error('Media URLs'),
	},
	{
		name: 'Seedance 2.0 Fast: 13 media files (at most 12)',
		model: 'seedance-2.0-fast',
		operation: 'imageToVideo',
		bad: {
			mediaUrls: Array.from(
				{ length: 13 },
				(_, k) => `https://media.example.com/${k}.${k < 9 ? 'png' : 'mp4'}`,
			),
		},
		expect: error('Media URLs'),
	},
	{
		name: 'Seedance 1.5 Pro: a video reference (images only)',
		model: 'seedance-1.5-pro',
		operation: 'imageToVideo',
		bad: { mediaUrls: 'https://media.example.com/motion.mp4' },
		expect: error('Media URLs'),
	},
	{
		name: 'Seedance 1.5 Pro: duration 6 (5 or 10)',
		model: 'seedance-1.5-pro',
		operation: 'textToVideo',
		good: { duration: 5 },
		bad: { duration: 6 },
		expect: error('Duration (Seconds)'),
	},
	{
		name: 'Seedance image-to-video: media URLs expression returning an object',
		model: 'seedance-2.0',
		operation: 'imageToVideo',
		bad: { mediaUrls: { url: 'https://images.example.com/a.png' } },
		expect: error('Media URLs'),
	},
	{
		name: 'Seedance: fallback "yes"',
		model: 'seedance-2.0',
		operation: 'textToVideo',
		bad: { fallback: 'yes' },
		expect: error('Fallback'),
	},
	{
		name: 'Seedance: fallback "true" (text from an expression)',
		model: 'seedance-2.0',
		operation: 'textToVideo',
		bad: { fallback: 'true' },
		expect: { normalised: 'sent as the boolean true', sent: { fallback: true } },
	},
];

/** The source-URL field a model's operation requires (item 0 and 1 both get a valid one unless the row sets it). */
function sourceField(row: Row): string | undefined {
	if (row.operation === 'imageToImage') return 'imageUrls';
	if (row.operation === 'imageToVideo')
		return row.model?.startsWith('seedance') ? 'mediaUrls' : 'imageUrls';
	return undefined;
}

function buildRun(row: Row, taskId: string) {
	const operation = row.operation ?? 'textToImage';
	const bad = Object.fromEntries(
		Object.entries(row.bad).map(([field, value]) => [
			field,
			typeof value === 'function' ? value({ taskId }) : value,
		]),
	);
	const good: Record<string, unknown> = { ...GOOD, ...row.good, taskId };
	const items = [0, 1].map((index) => {
		const item: Record<string, unknown> = { prompt: `item ${index}: ${row.name}` };
		for (const field of Object.keys(bad)) if (field !== 'prompt') item[field] = good[field];
		return index === 1 ? { ...item, ...bad } : item;
	});
	const value = (field: string) =>
		field in bad ? `={{ $json[${JSON.stringify(field)}] }}` : good[field];
	const options: Record<string, unknown> = {};
	for (const field of OPTION_FIELDS) if (field in bad) options[field] = value(field);

	// A catalog model: its own fields only (the row's, and the source URLs it requires).
	const modelFields = [
		...new Set([...Object.keys(bad), ...Object.keys(row.good ?? {}), sourceField(row)]),
	].filter(
		(field): field is string =>
			field !== undefined && field !== 'prompt' && !OPTION_FIELDS.includes(field),
	);
	const parameters: Record<string, unknown> =
		operation === 'get'
			? {
					resource: 'task',
					operation: 'get',
					taskId: value('taskId'),
					waitForCompletion: false,
					options,
				}
			: row.model
				? {
						resource: operation.endsWith('Video') ? 'video' : 'image',
						operation,
						model: row.model,
						prompt: '={{ $json.prompt }}',
						...Object.fromEntries(modelFields.map((field) => [field, value(field)])),
						waitForCompletion: false,
						options,
					}
				: {
						resource: 'image',
						operation,
						prompt: '={{ $json.prompt }}',
						...(operation === 'imageToImage' ? { imageUrls: value('imageUrls') } : {}),
						ratio: value('ratio'),
						resolution: value('resolution'),
						n: value('n'),
						waitForCompletion: false,
						options,
					};
	return { parameters, items };
}

describe('bad input: refused before anything is sent, or normalised', () => {
	it.each(rows)('$name', async (row) => {
		const existing =
			row.operation === 'get'
				? bed.emu.createTask({ prompt: 'an existing task', status: 'SUCCESS' })
				: '';
		const { parameters, items } = buildRun(row, existing);
		const result = await runMaxApi(bed, {
			parameters: parameters as INodeParameters,
			items,
			credentials: row.credentials ? { maxApi: row.credentials(bed.emu) } : undefined,
		});
		const stats = bed.emu.stats();
		const prompts =
			row.operation === 'get'
				? []
				: items.map((item) => item.prompt).filter((p): p is string => typeof p === 'string');

		if ('error' in row.expect) {
			expect(result.status).toBe('error');
			expect(result.error!.name).toBe('NodeOperationError');
			expect(stats.submits).toBe(0);
			expect(stats.queries).toBe(0);
			if (!row.expect.runLevel)
				expect(result.error!.description).toContain(
					'Nothing was sent to Max API and nothing was billed',
				);
			checkNodeRun(bed, {
				result,
				prompts: [...new Set(prompts)],
				items: 2,
				existingTasks: existing ? [existing] : [],
				error: { item: row.expect.runLevel ? 'run' : 1, names: row.expect.error },
			});
			return;
		}

		expect(result.error).toBeUndefined();
		const output = result.outputOf('Max API');
		expect(output).toHaveLength(2);
		if (row.expect.taskIdQueried) {
			expect(output.map((item) => item.json.taskId)).toEqual([existing, existing]);
			expect(stats.queries).toBe(2);
		} else {
			expect(stats.submits).toBe(2);
			const sent = [...bed.emu.tasks.values()].find((task) => task.prompt === items[1].prompt)!;
			const submitted: Record<string, unknown> = {
				...sent.input,
				callBackUrl: sent.callBackUrl ?? undefined,
			};
			for (const [field, expected] of Object.entries(row.expect.sent ?? {})) {
				expect({ field, value: submitted[field] }).toEqual({ field, value: expected });
			}
		}
		checkNodeRun(bed, { result, prompts, items: 2, existingTasks: existing ? [existing] : [] });
	});
});

it('docs/RELIABILITY.md lists exactly the rows of this table', () => {
	expectRowsDocumented(
		'Bad input',
		rows.map((row) => row.name),
	);
});
