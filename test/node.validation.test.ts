// Bad parameters are refused inside n8n before anything is sent: a NodeOperationError naming the
// field and the item, and zero submits at the emulator.
import { NODE_NAME, runMaxApi, useTestbed } from './support/maxApi';

const bed = useTestbed();

const cases: Array<[string, Record<string, unknown>, string]> = [
	['empty prompt', { operation: 'textToImage', prompt: '   ' }, 'Prompt'],
	['11 images', { operation: 'textToImage', prompt: 'x', n: 11 }, 'Number of Images'],
	[
		'4k with 1:1',
		{ operation: 'textToImage', prompt: 'x', ratio: '1:1', resolution: '4k' },
		'Resolution',
	],
	['4k with auto', { operation: 'textToImage', prompt: 'x', resolution: '4k' }, 'Resolution'],
	['no image URLs', { operation: 'imageToImage', prompt: 'x', imageUrls: ' ' }, 'Image URLs'],
	[
		'a file: image URL',
		{ operation: 'imageToImage', prompt: 'x', imageUrls: 'file:///tmp/a.png' },
		'Image URLs',
	],
	[
		'a non-http callback URL',
		{ operation: 'textToImage', prompt: 'x', options: { callbackUrl: 'mailto:a@b.c' } },
		'Callback URL',
	],
	[
		'timeout 0',
		{ operation: 'textToImage', prompt: 'x', options: { timeout: 0 } },
		'Timeout (Seconds)',
	],
];

describe('bad parameters', () => {
	it.each(cases)('%s: refused with 0 submits', async (_label, parameters, field) => {
		const result = await runMaxApi(bed, { parameters: { resource: 'image', ...parameters } });
		expect(result.error).toMatchObject({ name: 'NodeOperationError' });
		expect(result.error!.message).toContain(`"${field}" in item 0`);
		expect(result.error!.description).toContain('nothing was billed');
		expect(bed.emu.stats().submits).toBe(0);
	});

	it('one bad item among good ones stops the whole run before any submit', async () => {
		const result = await runMaxApi(bed, {
			items: [{ p: 'fine' }, { p: '' }, { p: 'fine too' }],
			parameters: { resource: 'image', operation: 'textToImage', prompt: '={{ $json.p }}' },
		});
		expect(result.error!.message).toContain('"Prompt" in item 1');
		expect(bed.emu.stats().submits).toBe(0);
	});

	it('with continueOnFail the bad item carries its error and the others run', async () => {
		const result = await runMaxApi(bed, {
			items: [{ p: 'fine' }, { p: '' }],
			continueOnFail: true,
			parameters: {
				resource: 'image',
				operation: 'textToImage',
				prompt: '={{ $json.p }}',
				options: { downloadImages: false },
			},
		});
		const [good, bad] = result.outputOf(NODE_NAME);
		expect(good.json.status).toBe('SUCCESS');
		expect(bad.json.error).toContain('"Prompt" in item 1');
		expect(bad.pairedItem).toEqual({ item: 1 });
		expect(bed.emu.stats().submits).toBe(1);
	});

	it.each(['../x', 'a/b', 'x?y'])('task id %p is refused before any query', async (taskId) => {
		const result = await runMaxApi(bed, {
			parameters: { resource: 'task', operation: 'get', taskId },
		});
		expect(result.error!.message).toContain('"Task ID" in item 0');
		expect(bed.emu.stats().queries).toBe(0);
	});

	it('a credential with an empty API key fails before any request', async () => {
		const result = await runMaxApi(bed, {
			parameters: { resource: 'image', operation: 'textToImage', prompt: 'x' },
			credentials: { maxApi: { apiKey: '', baseUrl: bed.emu.url } },
		});
		expect(result.error!.message).toContain('no API key');
		expect(bed.emu.stats().submits).toBe(0);
	});

	it('a credential whose base URL is not a URL fails before any request', async () => {
		const result = await runMaxApi(bed, {
			parameters: { resource: 'image', operation: 'textToImage', prompt: 'x' },
			credentials: { maxApi: { apiKey: bed.emu.apiKey, baseUrl: 'not a url' } },
		});
		expect(result.error!.message).toContain('Base URL');
		expect(bed.emu.stats().submits).toBe(0);
	});
});
