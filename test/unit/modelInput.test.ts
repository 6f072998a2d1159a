// Unit tests of the catalog's input building (no n8n involved): each model's documented values and
// limits, what is sent, and that every refusal names the field and the model.
import { CATALOG, findModel, type ModelField, type ModelSpec } from '../../nodes/shared/models';
import { buildModelInput, fieldDefault, parseUrlList } from '../../nodes/shared/models/input';
import { refusal } from '../support/refusal';

function model(id: string, operation: ModelSpec['operation']): ModelSpec {
	const found = findModel(id, operation);
	if (!found) throw new Error(`no catalog model ${id} for ${operation}`);
	return found;
}

/** The input sent for `values` (fields not given take their panel default). */
function build(
	spec: ModelSpec,
	values: Record<string, unknown>,
	prompt: unknown = 'a prompt',
): Record<string, unknown> {
	return buildModelInput(spec, prompt, (field: ModelField) =>
		field.key in values ? values[field.key] : fieldDefault(field),
	);
}

const gptText = model('gpt-image-2/text-to-image', 'textToImage');

describe('GPT Image 2 input', () => {
	it('sends the prompt, ratio, resolution and n as today, and no ratio for auto', () => {
		expect(build(gptText, { ratio: '16:9', resolution: '2k', n: 3 })).toEqual({
			prompt: 'a prompt',
			ratio: '16:9',
			resolution: '2k',
			n: 3,
		});
		expect(build(gptText, {})).toEqual({ prompt: 'a prompt', resolution: '1k', n: 1 });
		expect(build(gptText, { ratio: '' })).toEqual({ prompt: 'a prompt', resolution: '1k', n: 1 });
	});

	it('refuses empty, blank and overlong prompts naming GPT Image 2, keeps others untouched', () => {
		expect(refusal(() => build(gptText, {}, '')).field).toBe('Prompt');
		const blank = refusal(() => build(gptText, {}, '  \n '));
		expect(blank.message).toBe('Prompt is empty');
		expect(blank.model).toBe('GPT Image 2');
		expect(refusal(() => build(gptText, {}, 'x'.repeat(32_001))).message).toContain('32000');
		expect(build(gptText, {}, '  keep my spaces ').prompt).toBe('  keep my spaces ');
	});

	it('accepts auto and the 13 documented ratios only', () => {
		for (const ratio of [
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
		]) {
			expect(build(gptText, { ratio }).ratio).toBe(ratio);
		}
		expect(refusal(() => build(gptText, { ratio: '7:5' })).field).toBe('Aspect Ratio');
	});

	it.each(['1:1', '3:2', '2:3', '4:3', '3:4', '5:4', '4:5', 'auto'])(
		'refuses 4k with ratio %s',
		(ratio) => {
			const error = refusal(() => build(gptText, { ratio, resolution: '4k' }));
			expect(error.field).toBe('Resolution');
			expect(error.message).toContain('no 4k');
		},
	);

	it.each(['16:9', '9:16', '2:1', '1:2', '21:9', '9:21'])('accepts 4k with ratio %s', (ratio) => {
		expect(build(gptText, { ratio, resolution: '4k' }).resolution).toBe('4k');
	});

	it('refuses unknown resolutions; Default or an empty one sends the documented default, 1k', () => {
		expect(refusal(() => build(gptText, { resolution: '8k' })).field).toBe('Resolution');
		expect(build(gptText, { resolution: '' }).resolution).toBe('1k');
		expect(build(gptText, { resolution: 'auto' }).resolution).toBe('1k');
	});

	it.each([0, 11, 2.5, -1, 'three', '', null, Number.NaN])('refuses %p images', (n) => {
		expect(refusal(() => build(gptText, { n })).field).toBe('Number of Images');
	});

	it('accepts 1 to 10 images, also as whole-number text from an expression', () => {
		expect(build(gptText, { n: 1 }).n).toBe(1);
		expect(build(gptText, { n: 10 }).n).toBe(10);
		expect(build(gptText, { n: ' 4 ' }).n).toBe(4);
	});
});

describe('URL lists', () => {
	it('split on new lines, and on commas only before another URL', () => {
		expect(
			parseUrlList(
				' https://a.example/x.png \n\nhttps://b.example/y.png,https://c.example/w_1,h_2/z.png ',
			),
		).toEqual([
			'https://a.example/x.png',
			'https://b.example/y.png',
			'https://c.example/w_1,h_2/z.png',
		]);
		expect(parseUrlList(['http://a.example/1.jpg'])).toEqual(['http://a.example/1.jpg']);
	});

	it.each([
		['an empty string', ''],
		['only separators', '\n \n'],
		['an ftp URL', 'ftp://example.com/a.png'],
		['a file URL', 'file:///etc/passwd'],
		['a data URL', 'data:image/png;base64,AAAA'],
		['a bare word', 'not-a-url'],
		['a number', 42],
		['an object', { url: 'https://a.example' }],
		['an array with a number', ['https://a.example/a.png', 7]],
		['null', null],
	])('refuse image URLs given as %s', (_label, value) => {
		expect(refusal(() => parseUrlList(value)).field).toBe('Image URLs');
	});
});

describe('every catalog model', () => {
	it.each(CATALOG.map((spec) => [`${spec.id} (${spec.operation})`, spec] as const))(
		'%s: its panel defaults (plus one source URL) make a valid input naming only its own fields',
		(_label, spec) => {
			const values: Record<string, unknown> = {};
			for (const field of spec.fields)
				if (field.kind === 'urls') values[field.key] = 'https://files.example/a.png';
			const input = build(spec, values);
			const keys = new Set(['prompt', ...spec.fields.map((field) => field.key)]);
			for (const key of Object.keys(input)) expect(keys.has(key as never)).toBe(true);
		},
	);

	it.each(CATALOG.map((spec) => [`${spec.id} (${spec.operation})`, spec] as const))(
		'%s: refuses a value outside each documented list, naming the model',
		(_label, spec) => {
			for (const field of spec.fields) {
				if (field.kind !== 'choice') continue;
				const error = refusal(() =>
					build(spec, {
						[field.key]: 'not-a-value',
						imageUrls: 'https://a.example/a.png',
						mediaUrls: 'https://a.example/a.png',
					}),
				);
				expect(error.field).toBe(field.displayName);
				expect(error.model).toBe(spec.name);
			}
		},
	);
});

describe('documented limits of the other families', () => {
	it('Seedream: n up to 4 for 5 Lite, up to 15 for 4 and 4.5', () => {
		expect(build(model('seedream-5-lite', 'textToImage'), { n: 4 }).n).toBe(4);
		expect(
			refusal(() => build(model('seedream-5-lite', 'textToImage'), { n: 5 })).message,
		).toContain('Seedream 5 Lite');
		expect(build(model('seedream-4.5', 'textToImage'), { n: 15 }).n).toBe(15);
		expect(refusal(() => build(model('seedream-4', 'textToImage'), { n: 16 })).field).toBe(
			'Number of Images',
		);
	});

	it('Nano Banana: two ratios and no resolution for the plain model, five ratios and 1k-4k for 2 and Pro', () => {
		expect(build(model('nano-banana', 'textToImage'), { ratio: '9:16' })).toEqual({
			prompt: 'a prompt',
			ratio: '9:16',
		});
		expect(
			refusal(() => build(model('nano-banana', 'textToImage'), { ratio: '1:1' })).message,
		).toContain('Nano Banana');
		expect(
			build(model('nano-banana-pro', 'imageToImage'), {
				ratio: '4:3',
				resolution: '4k',
				imageUrls: 'https://a.example/a.png',
			}),
		).toEqual({
			prompt: 'a prompt',
			imageUrls: ['https://a.example/a.png'],
			ratio: '4:3',
			resolution: '4k',
		});
	});

	it('Grok Imagine: Lite sends only prompt and n (1-4); the video sends duration, ratio, resolution, mode as chosen', () => {
		expect(build(model('grok-imagine/text-to-image-lite', 'textToImage'), { n: 4 })).toEqual({
			prompt: 'a prompt',
			n: 4,
		});
		expect(
			refusal(() => build(model('grok-imagine/text-to-image-lite', 'textToImage'), { n: 5 })).field,
		).toBe('Number of Images');
		const video = model('grok-imagine/text-to-video', 'textToVideo');
		expect(build(video, {})).toEqual({ prompt: 'a prompt' });
		expect(
			build(video, { duration: '10', ratio: '9:16', resolution: '720p', mode: 'normal' }),
		).toEqual({
			prompt: 'a prompt',
			duration: 10,
			ratio: '9:16',
			resolution: '720p',
			mode: 'normal',
		});
		expect(refusal(() => build(video, { duration: 7 })).field).toBe('Duration (Seconds)');
	});

	it('Veo 3.1: 1 to 3 images; Quality first-frame videos are 8 s only; Lite has no resolution or reference mode', () => {
		const quality = model('veo3', 'imageToVideo');
		expect(build(quality, { imageUrls: 'https://a.example/1.png' })).toEqual({
			prompt: 'a prompt',
			imageUrls: ['https://a.example/1.png'],
			ratio: '16:9',
			duration: 8,
		});
		expect(
			refusal(() => build(quality, { imageUrls: 'https://a.example/1.png', duration: 4 })).field,
		).toBe('Duration (Seconds)');
		expect(
			build(quality, { imageUrls: 'https://a.example/1.png\nhttps://a.example/2.png', duration: 4 })
				.duration,
		).toBe(4);
		expect(
			build(model('veo3_fast', 'imageToVideo'), {
				imageUrls: 'https://a.example/1.png',
				duration: 4,
			}).duration,
		).toBe(4);
		const four = ['1', '2', '3', '4'].map((k) => `https://a.example/${k}.png`).join('\n');
		expect(refusal(() => build(quality, { imageUrls: four })).message).toContain('at most 3');
		const lite = model('veo3_lite', 'imageToVideo');
		expect(lite.fields.some((field) => field.key === 'resolution')).toBe(false);
		expect(
			refusal(() => build(lite, { imageUrls: 'https://a.example/1.png', mode: 'r2v' })).field,
		).toBe('Mode');
	});

	it('Seedance: at most 9 images among 12 files; 1.5 Pro takes two images only, durations 5 or 10', () => {
		const pro = model('seedance-2.0', 'imageToVideo');
		const images = (count: number) =>
			Array.from({ length: count }, (_, k) => `https://a.example/${k}.jpg`);
		expect(
			build(pro, {
				mediaUrls: [...images(9), 'https://a.example/clip.mp4', 'https://a.example/voice.mp3'],
			}).mediaUrls,
		).toHaveLength(11);
		expect(refusal(() => build(pro, { mediaUrls: images(10) })).message).toContain(
			'at most 9 images',
		);
		expect(
			refusal(() =>
				build(pro, {
					mediaUrls: [
						...images(9),
						...['a', 'b', 'c', 'd'].map((k) => `https://a.example/${k}.mp4`),
					],
				}),
			).message,
		).toContain('at most 12');
		const old = model('seedance-1.5-pro', 'imageToVideo');
		expect(
			refusal(() => build(old, { mediaUrls: ['https://a.example/clip.mp4'] })).message,
		).toContain('images only');
		expect(refusal(() => build(old, { mediaUrls: images(3) })).message).toContain('at most 2');
		expect(refusal(() => build(old, { mediaUrls: images(1), duration: 8 })).field).toBe(
			'Duration (Seconds)',
		);
		expect(build(old, { mediaUrls: images(2), duration: 10, fallback: true })).toMatchObject({
			duration: 10,
			fallback: true,
		});
		expect(build(model('seedance-2.0-fast', 'textToVideo'), { fallback: false })).toEqual({
			prompt: 'a prompt',
		});
	});
});
