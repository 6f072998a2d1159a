// Tests of the Max API emulator itself (test/emulator/), through plain HTTP with axios: every catalog model
// (nodes/shared/models, served from its compiled copy in dist/) and what each family accepts.
import { CATALOG, MODEL_IDS, type ModelSpec } from '../nodes/shared/models';
import { MAX_IMAGE_URLS, MODELS } from './emulator';
import { readPngSize } from './emulator/png';
import { api, download, emu, I2I, query, submit, T2I, useEmulator } from './support/emulatorApi';

useEmulator();

const sourceUrls = (count: number, ext = 'png') =>
	Array.from({ length: count }, (_, i) => `https://example.com/source-${i}.${ext}`);

/** The smallest valid input of a catalog entry: a prompt and its URL list at the documented minimum. */
function minimalInput(spec: ModelSpec): Record<string, unknown> {
	const input: Record<string, unknown> = { prompt: `${spec.name} #latency:0` };
	for (const field of spec.fields)
		if (field.kind === 'urls') input[field.key] = sourceUrls(field.min);
	return input;
}

/** 400 when one of the entry's own cross-field rules rejects `input`, else 200. */
const expectedStatus = (spec: ModelSpec, input: Record<string, unknown>) =>
	(spec.rules ?? []).some((rule) => rule.check(input as never)) ? 400 : 200;

const post = (model: string, input: Record<string, unknown>) =>
	api.post('/api/v1/task/submit', { model, input });

describe('catalog models', () => {
	it('MODELS are the catalog ids, the GPT Image 2 ones first', () => {
		expect([...MODELS]).toEqual([...MODEL_IDS]);
		expect(MODELS.slice(0, 2)).toEqual([T2I, I2I]);
	});

	it.each(CATALOG.map((spec) => [`${spec.id} (${spec.operation})`, spec] as const))(
		'%s: a minimal submit runs as that entry and ends with its media',
		async (_name, spec) => {
			const taskId = await submit({ model: spec.id, input: minimalInput(spec) });
			expect(emu.tasks.get(taskId)).toMatchObject({
				model: spec.id,
				operation: spec.operation,
				media: spec.media,
			});
			const data = await query(taskId);
			const file = spec.media === 'video' ? 'video-0.mp4' : 'image-0.png';
			expect(data).toMatchObject({
				status: 'SUCCESS',
				result: { type: spec.media, urls: [`${emu.url}/files/${taskId}/${file}`] },
			});
			const res = await download(data.result!.urls[0]);
			expect(res.status).toBe(200);
			expect(res.headers['content-type']).toBe(spec.media === 'video' ? 'video/mp4' : 'image/png');
		},
	);

	it.each(CATALOG.map((spec) => [`${spec.id} (${spec.operation})`, spec] as const))(
		'%s: every documented value is accepted, and the documented limits are refused',
		async (_name, spec) => {
			const outcomes: [string, number, number][] = [];
			const attempt = async (label: string, input: Record<string, unknown>, expected: number) => {
				outcomes.push([label, (await post(spec.id, input)).status, expected]);
			};
			const base = minimalInput(spec);
			for (const field of spec.fields) {
				const key = field.key;
				switch (field.kind) {
					case 'choice':
						for (const { value } of field.options) {
							const input = { ...base, [key]: value };
							await attempt(`${key}=${value}`, input, expectedStatus(spec, input));
						}
						await attempt(`${key} not an option`, { ...base, [key]: 'not-an-option' }, 400);
						break;
					case 'count':
						for (const n of [field.min, field.max])
							await attempt(`${key}=${n}`, { ...base, [key]: n }, 200);
						for (const n of [field.min - 1, field.max + 1, 1.5, '1'])
							await attempt(`${key}=${JSON.stringify(n)}`, { ...base, [key]: n }, 400);
						break;
					case 'urls': {
						const max = field.max ?? MAX_IMAGE_URLS;
						const full = { ...base, [key]: sourceUrls(max) };
						await attempt(`${max} ${key}`, full, expectedStatus(spec, full));
						await attempt(`${max + 1} ${key}`, { ...base, [key]: sourceUrls(max + 1) }, 400);
						await attempt(`empty ${key}`, { ...base, [key]: [] }, 400);
						await attempt(
							`${key} not http(s)`,
							{ ...base, [key]: ['ftp://example.com/a.png'] },
							400,
						);
						break;
					}
					case 'flag':
						await attempt(`${key}=true`, { ...base, [key]: true }, 200);
						await attempt(`${key}=false`, { ...base, [key]: false }, 200);
						await attempt(`${key}="yes"`, { ...base, [key]: 'yes' }, 400);
						break;
				}
			}
			expect(outcomes.filter(([, status, expected]) => status !== expected)).toEqual([]);
		},
	);
});

describe('model families', () => {
	const operationOf = async (model: string, input: Record<string, unknown>) => {
		const res = await post(model, { prompt: 'x #latency:0', ...input });
		expect(res.data).toMatchObject({ code: 0 });
		return emu.tasks.get(res.data.data.taskId)!.operation;
	};

	it.each([
		['seedream-4.5', 'imageUrls', 'textToImage', 'imageToImage'],
		['nano-banana-2', 'imageUrls', 'textToImage', 'imageToImage'],
		['veo3_fast', 'imageUrls', 'textToVideo', 'imageToVideo'],
		['seedance-2.0-fast', 'mediaUrls', 'textToVideo', 'imageToVideo'],
	])('%s: %s present selects the second operation', async (model, key, without, withUrls) => {
		expect(await operationOf(model, {})).toBe(without);
		expect(await operationOf(model, { [key]: sourceUrls(1) })).toBe(withUrls);
	});

	const refused: [string, string, Record<string, unknown>][] = [
		['GPT Image 2 text-to-image takes no imageUrls', T2I, { imageUrls: sourceUrls(1) }],
		['GPT Image 2 image-to-image needs imageUrls', I2I, {}],
		['GPT Image 2 4k needs a wide ratio', T2I, { resolution: '4k', ratio: '4:3' }],
		['Seedream 5 Lite makes at most 4 images', 'seedream-5-lite', { n: 5 }],
		['Seedream 4.5 makes at most 15 images', 'seedream-4.5', { n: 16 }],
		['Seedream has no ratio 5:4', 'seedream-4', { ratio: '5:4' }],
		['Seedream imageUrls present but empty', 'seedream-4', { imageUrls: [] }],
		['Nano Banana has only 16:9 and 9:16', 'nano-banana', { ratio: '1:1' }],
		['Nano Banana Pro has no 8k', 'nano-banana-pro', { resolution: '8k' }],
		[
			'Grok Lite takes no ratio (docs: "Not accepted")',
			'grok-imagine/text-to-image-lite',
			{ ratio: '1:1' },
		],
		[
			'Grok Lite takes no resolution (docs: "Not accepted")',
			'grok-imagine/text-to-image-lite',
			{ resolution: '1k' },
		],
		['Grok Lite makes at most 4 images', 'grok-imagine/text-to-image-lite', { n: 5 }],
		[
			'Grok images take no imageUrls',
			'grok-imagine/text-to-image-pro',
			{ imageUrls: sourceUrls(1) },
		],
		['Grok video has no 7 s', 'grok-imagine/text-to-video', { duration: 7 }],
		['Grok video has no 1080p', 'grok-imagine/text-to-video', { resolution: '1080p' }],
		['Grok video has no mode "wild"', 'grok-imagine/text-to-video', { mode: 'wild' }],
		['Veo takes at most 3 images', 'veo3', { imageUrls: sourceUrls(4) }],
		['Veo has no 1:1', 'veo3_fast', { ratio: '1:1' }],
		['Veo has no 5 s', 'veo3_fast', { duration: 5 }],
		['Veo duration is a number', 'veo3_fast', { duration: '8' }],
		['Veo Quality first frame is 8 s only', 'veo3', { imageUrls: sourceUrls(1), duration: 4 }],
		['Veo Lite has no reference mode', 'veo3_lite', { imageUrls: sourceUrls(3), mode: 'r2v' }],
		['Seedance takes at most 12 media files', 'seedance-2.0', { mediaUrls: sourceUrls(13, 'mp3') }],
		['Seedance takes at most 9 images', 'seedance-2.0', { mediaUrls: sourceUrls(10) }],
		['Seedance takes mediaUrls, not imageUrls', 'seedance-2.0', { imageUrls: sourceUrls(1) }],
		['Seedance 2.0 lasts at most 15 s', 'seedance-2.0', { duration: 16 }],
		['Seedance 1.5 Pro lasts 5 or 10 s', 'seedance-1.5-pro', { duration: 6 }],
		['Seedance 1.5 Pro takes at most 2 files', 'seedance-1.5-pro', { mediaUrls: sourceUrls(3) }],
		[
			'Seedance 1.5 Pro takes images only',
			'seedance-1.5-pro',
			{ mediaUrls: ['https://example.com/clip.mp4'] },
		],
		['Seedance fallback is a boolean', 'seedance-2.0-fast', { fallback: 'true' }],
	];

	it.each(refused)('refuses with 400: %s', async (_name, model, input) => {
		const res = await post(model, { prompt: 'x', ...input });
		expect(res.status).toBe(400);
		expect(res.data).toEqual({ code: 400, msg: expect.any(String) });
		expect(emu.stats().tasksCreated).toBe(0);
	});

	it.each([
		[
			'Veo 3.1 Fast with 2 images lasts 4 s (first and last frame)',
			'veo3',
			{ imageUrls: sourceUrls(2), duration: 4 },
		],
		[
			'Veo Lite ignores resolution (docs: "ignored if provided")',
			'veo3_lite',
			{ resolution: '1080p' },
		],
		[
			'Grok Standard: ratio undocumented, accepted and ignored',
			'grok-imagine/text-to-image-standard',
			{ ratio: '16:9', n: 10 },
		],
		['a video model ignores n', 'veo3_fast', { n: 3 }],
		['Nano Banana ignores resolution (1K fixed)', 'nano-banana', { resolution: '4k' }],
		[
			'Seedance 2.0 takes 9 images and 3 audio or video files',
			'seedance-2.0',
			{
				mediaUrls: [
					...sourceUrls(9),
					'https://example.com/a.mp3',
					'https://example.com/b.wav',
					'https://example.com/c.mov',
				],
			},
		],
		['unknown fields are echoed', 'seedream-5-lite', { seed: 42 }],
	])('accepts: %s', async (_name, model, input) => {
		const taskId = await submit({ model, input: { prompt: 'x', ...input } });
		expect((await query(taskId)).input).toEqual({ model, prompt: 'x', ...input });
	});

	it('sizes other image models from their ratio and resolution, n images where n is sent', async () => {
		const output = async (model: string, input: Record<string, unknown>) => {
			const taskId = await submit({ model, input: { prompt: 'x #latency:0', ...input } });
			return {
				taskId,
				output: emu.tasks.get(taskId)!.output,
				urls: (await query(taskId)).result!.urls,
			};
		};
		const seedream = await output('seedream-4', { ratio: '21:9', resolution: '2k', n: 3 });
		expect(seedream.output).toEqual({ type: 'image', count: 3, width: 2688, height: 1152 });
		expect(seedream.urls).toHaveLength(3);
		const banana = await output('nano-banana', { ratio: '9:16' });
		expect(banana.output).toEqual({ type: 'image', count: 1, width: 864, height: 1536 });
		expect(readPngSize(Buffer.from((await download(banana.urls[0])).data))).toEqual({
			width: 864,
			height: 1536,
		});
		// 4k with a ratio GPT Image 2 has no 4k size for: twice the 2k size.
		expect(
			(await output('nano-banana-pro', { ratio: '4:3', resolution: '4k' })).output,
		).toMatchObject({ width: 4096, height: 3072 });
		// Grok takes no ratio: a square 1024, n of them.
		const grok = await output('grok-imagine/text-to-image-standard', { ratio: '16:9', n: 2 });
		expect(grok.output).toEqual({ type: 'image', count: 2, width: 1024, height: 1024 });
		expect(grok.urls).toHaveLength(2);
	});

	it('createTask makes tasks of any catalog model', async () => {
		const taskId = emu.createTask({
			prompt: 'p',
			model: 'seedance-1.5-pro',
			input: { mediaUrls: sourceUrls(2), duration: 10 },
			latencyMs: 0,
		});
		expect(await query(taskId)).toMatchObject({ status: 'SUCCESS', result: { type: 'video' } });
		expect(() =>
			emu.createTask({ prompt: 'p', model: 'seedance-1.5-pro', input: { duration: 6 } }),
		).toThrow(/duration/);
	});
});
