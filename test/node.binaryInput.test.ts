// Image Source "Binary Data" inside n8n's engine: what a run submits and leaves in the waiting
// execution, and every check made before anything is sent. Serving the files needs n8n's server (its
// waiting webhooks): that part runs in test/e2e/binaryInput.e2e.test.ts.
import type { INodeParameters } from 'n8n-workflow';

import { encodePng } from './emulator/png';
import { NODE_NAME, runMaxApi, useApiProxy, useTestbed } from './support/maxApi';
import type { HarnessInputItem } from './harness';

const bed = useTestbed({ latencyMs: 200 });
const proxy = useApiProxy(bed);

const PNG = encodePng(16, 16);
const I2I = {
	resource: 'image',
	operation: 'imageToImage',
	imageSource: 'binary',
	prompt: 'make it blue',
	waitMode: 'auto',
	options: { timeout: 1 },
};

const withFiles = (
	files: Record<string, { mimeType: string; data?: Buffer }>,
): HarnessInputItem => ({
	json: {},
	binary: Object.fromEntries(
		Object.entries(files).map(([name, file]) => [
			name,
			{ data: file.data ?? PNG, mimeType: file.mimeType, fileName: `${name}.bin` },
		]),
	),
});
const png = withFiles({ data: { mimeType: 'image/png' } });

const run = async (
	parameters: INodeParameters,
	items: HarnessInputItem[] = [png],
	baseUrl = proxy.url,
) =>
	await runMaxApi(bed, {
		credentials: { maxApi: { apiKey: bed.emu.apiKey, baseUrl } },
		parameters,
		items,
	});

describe('Image Source "Binary Data"', () => {
	it('pauses (images too): each file URL is the resume URL with signed parameters, the awaited item keeps its binary', async () => {
		const result = await run({ ...I2I, waitMode: 'auto' });
		expect(result.status).toBe('waiting');
		const [submit] = proxy.submits as Array<{
			callBackUrl: string;
			input: { imageUrls: string[] };
		}>;
		const [url] = submit.input.imageUrls;
		expect(url.startsWith(submit.callBackUrl)).toBe(true);
		expect(url).toMatch(
			new RegExp(
				`/webhook-waiting/${result.executionId}\\?signature=[^&]+&mxi=0&mxf=data&mxs=[A-Za-z0-9_-]{43}&mxn=0\\.png$`,
			),
		);
		const [item] = result.outputOf(NODE_NAME);
		expect(Object.keys(item.binary ?? {})).toEqual(['data']);
		expect(item.binary!.data.mimeType).toBe('image/png');
		// What the node shows of the task never holds the link (it carries the resume token).
		expect(JSON.stringify(item.json)).not.toContain('mxs=');
	});

	it('several fields, in the order given; only those fields stay with the awaited item', async () => {
		const item = withFiles({
			first: { mimeType: 'image/jpeg' },
			last: { mimeType: 'image/webp' },
			other: { mimeType: 'image/png' },
		});
		const result = await run(
			{
				...I2I,
				resource: 'video',
				operation: 'imageToVideo',
				model: 'veo3_fast',
				inputBinaryFields: 'first, last',
				waitMode: 'pause',
			},
			[item],
		);
		expect(result.status).toBe('waiting');
		const urls = (proxy.submits[0] as { input: { imageUrls: string[] } }).input.imageUrls;
		expect(urls.map((url) => new URL(url).searchParams.get('mxf'))).toEqual(['first', 'last']);
		expect(urls.map((url) => new URL(url).searchParams.get('mxn'))).toEqual(['0.jpg', '1.webp']);
		expect(Object.keys(result.outputOf(NODE_NAME)[0].binary ?? {})).toEqual(['first', 'last']);
	});

	it('Seedance 2.0 takes an image, a video and an audio file', async () => {
		const result = await run(
			{
				...I2I,
				resource: 'video',
				operation: 'imageToVideo',
				model: 'seedance-2.0',
				inputBinaryFields: 'i,v,a',
			},
			[
				withFiles({
					i: { mimeType: 'image/png' },
					v: { mimeType: 'video/mp4' },
					a: { mimeType: 'audio/wav' },
				}),
			],
		);
		expect(result.status).toBe('waiting');
		const urls = (proxy.submits[0] as { input: { mediaUrls: string[] } }).input.mediaUrls;
		expect(urls.map((url) => new URL(url).searchParams.get('mxn'))).toEqual([
			'0.png',
			'1.mp4',
			'2.wav',
		]);
	});

	it.each<[string, INodeParameters, HarnessInputItem[], RegExp, string]>([
		[
			'a missing binary field',
			{ inputBinaryFields: 'data,photo' },
			[{}, png],
			/Invalid "Input Binary Fields" in item 0 \(GPT Image 2\): Item 0 has no binary field "data"/,
			'',
		],
		[
			'a missing field in a later item',
			{ inputBinaryFields: 'data' },
			[png, withFiles({ photo: { mimeType: 'image/png' } })],
			/Invalid "Input Binary Fields" in item 1 \(GPT Image 2\): Item 1 has no binary field "data"/,
			'Its binary fields are photo',
		],
		[
			'a file type the model does not take',
			{},
			[withFiles({ data: { mimeType: 'application/pdf' } })],
			/Invalid "Input Binary Fields" in item 0 \(GPT Image 2\): The file in binary field "data" is application\/pdf/,
			'',
		],
		[
			'a video for Seedance 1.5 Pro (images only)',
			{
				resource: 'video',
				operation: 'imageToVideo',
				model: 'seedance-1.5-pro',
				inputBinaryFields: 'data',
			},
			[withFiles({ data: { mimeType: 'video/mp4' } })],
			/Invalid "Input Binary Fields" in item 0 \(Seedance 1\.5 Pro\): .*video\/mp4/,
			'',
		],
		[
			'more files than the model takes (Veo: 3)',
			{ resource: 'video', operation: 'imageToVideo', model: 'veo3', inputBinaryFields: 'a,b,c,d' },
			[
				withFiles({
					a: { mimeType: 'image/png' },
					b: { mimeType: 'image/png' },
					c: { mimeType: 'image/png' },
					d: { mimeType: 'image/png' },
				}),
			],
			/Invalid "Input Binary Fields" in item 0 \(Veo 3\.1 Quality\): Veo 3\.1 Quality takes at most 3 files, not 4/,
			'',
		],
		[
			'more than 9 images for Seedance 2.0',
			{
				resource: 'video',
				operation: 'imageToVideo',
				model: 'seedance-2.0',
				inputBinaryFields: 'f0,f1,f2,f3,f4,f5,f6,f7,f8,f9',
			},
			[
				withFiles(
					Object.fromEntries(
						Array.from({ length: 10 }, (_, k) => [`f${k}`, { mimeType: 'image/png' }]),
					),
				),
			],
			/\(Seedance 2\.0\): Seedance takes at most 9 images, not 10/,
			'',
		],
		[
			'a field name with a path in it',
			{ inputBinaryFields: '../data' },
			[png],
			/Invalid "Input Binary Fields" in item 0 \(GPT Image 2\): "\.\.\/data" is not a binary field name/,
			'',
		],
		[
			'Wait for Completion off',
			{ waitForCompletion: false },
			[png],
			/Invalid "Wait for Completion" in item 0 \(GPT Image 2\): Image Source "Binary Data" needs Wait for Completion/,
			'',
		],
		[
			'Wait Mode Poll',
			{ waitMode: 'poll' },
			[png],
			/Invalid "Wait Mode" in item 0 \(GPT Image 2\): Poll cannot serve files from binary data/,
			'',
		],
	])(
		'%s is an error naming the field, the model and the item; nothing is submitted',
		async (_, extra, items, message, description) => {
			const result = await run({ ...I2I, ...extra }, items);
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(message);
			expect(result.error?.description).toContain(description);
			expect(result.error?.description).toMatch(/Nothing was sent to Max API/);
			expect(proxy.submits).toHaveLength(0);
		},
	);

	it('with the real Max API and n8n on localhost: an error before submit saying to set WEBHOOK_URL or use URLs', async () => {
		const result = await run({ ...I2I }, [png], 'https://api.maxapi.io');
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/Invalid "Image Source" in item 0 \(GPT Image 2\): Max API cannot download files from (localhost|127\.0\.0\.1)/,
		);
		expect(result.error?.description).toMatch(/WEBHOOK_URL.*Image Source to URLs/);
		expect(proxy.submits).toHaveLength(0);
	});
});
