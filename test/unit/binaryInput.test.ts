// Image Source "Binary Data", the pure parts: the signed file URLs (shared/servedFiles.ts), the field
// list and file checks (helpers/binarySources.ts), and the wait mode it forces (pause/decideWaitMode.ts).
import { checkSourceFile, parseBinaryFieldList } from '../../nodes/MaxApi/helpers/binarySources';
import { decideWaitMode, type WaitModeFacts } from '../../nodes/MaxApi/pause/decideWaitMode';
import { findModel } from '../../nodes/shared/models';
import {
	fileKey,
	redactServedUrls,
	resumeTokenOf,
	servedFileUrl,
	tookServedFiles,
	verifyFileRequest,
} from '../../nodes/shared/servedFiles';
import { explainTaskEnd } from '../../nodes/shared/taskOutput';

const RESUME = 'https://n8n.example.com/webhook-waiting/42?signature=resume-token-123';
const KEY = fileKey(resumeTokenOf(RESUME), 'api-key');
const REF = { itemIndex: 3, field: 'data_1', name: '1.png' };
const query = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('served file URLs', () => {
	const url = servedFileUrl(RESUME, '42', KEY, REF);

	it("are the resume URL (n8n's token kept) plus item, field, signature, and the name last", () => {
		expect(url).toMatch(
			/^https:\/\/n8n\.example\.com\/webhook-waiting\/42\?signature=resume-token-123&mxi=3&mxf=data_1&mxs=[A-Za-z0-9_-]{43}&mxn=1\.png$/,
		);
		expect(verifyFileRequest(query(url), '42', KEY)).toEqual(REF);
	});

	it.each([
		['another item', { mxi: '4' }],
		['another field', { mxf: 'data' }],
		['another name', { mxn: '1.jpg' }],
		['a flipped signature', { mxs: 'A'.repeat(43) }],
		['no signature', { mxs: undefined }],
		['a path in the field', { mxf: '../../etc/passwd' }],
		['a prototype key as field', { mxf: '__proto__' }],
		['an item index that is not a number', { mxi: '0x1' }],
	])('refuse %s', (_, change) => {
		const tampered: Record<string, unknown> = { ...query(url), ...change };
		for (const [key, value] of Object.entries(change))
			if (value === undefined) delete tampered[key];
		expect(verifyFileRequest(tampered, '42', KEY)).toBeUndefined();
	});

	it("are bound to the execution and to the resume token (another execution's token or id signs nothing here)", () => {
		expect(verifyFileRequest(query(url), '43', KEY)).toBeUndefined();
		expect(verifyFileRequest(query(url), '42', fileKey('other-token', 'api-key'))).toBeUndefined();
	});

	it("are keyed by the API key too: on n8n 1.x, whose resume URLs carry no token and which checks none, a token of the requester's choosing signs nothing", () => {
		const plain = 'http://localhost:5678/webhook-waiting/42';
		expect(resumeTokenOf(plain)).toBeUndefined();
		const key = fileKey(undefined, 'api-key');
		const signed = servedFileUrl(plain, '42', key, REF);
		expect(verifyFileRequest(query(signed), '42', key)).toEqual(REF);
		expect(verifyFileRequest(query(signed), '42', fileKey(undefined, 'other'))).toBeUndefined();
		// A stranger adds signature=<own token> and signs with it: without the API key, no match.
		const forged = servedFileUrl(`${plain}?signature=mine`, '42', fileKey('mine', 'guess'), {
			...REF,
			itemIndex: 0,
		});
		expect(verifyFileRequest(query(forged), '42', fileKey('mine', 'api-key'))).toBeUndefined();
		expect(fileKey('t', 'k')).not.toBe(fileKey('t', 'other'));
	});

	it("are redacted from a task's echoed input (to n8n-binary:<field>), other URLs kept", () => {
		const input = { prompt: 'p', imageUrls: [url, 'https://cdn.example.com/a.png'] };
		const redacted = redactServedUrls(input);
		expect(redacted).toEqual({
			prompt: 'p',
			imageUrls: ['n8n-binary:data_1', 'https://cdn.example.com/a.png'],
		});
		expect(JSON.stringify(redacted)).not.toContain('resume-token');
		expect(redactServedUrls({ imageUrls: ['https://cdn.example.com/a.png'] })).toEqual({
			imageUrls: ['https://cdn.example.com/a.png'],
		});
		expect(tookServedFiles(redacted)).toBe(true);
		expect(tookServedFiles({ imageUrls: ['https://cdn.example.com/a.png'] })).toBe(false);
	});

	it('a failed task that took served files says why it may have failed, and that it is free', () => {
		const text = explainTaskEnd({
			status: 'FAILURE',
			failure_reason: 'INVALID_PARAMETERS',
			input: { imageUrls: ['n8n-binary:data'] },
		});
		expect(text).toMatch(/could not download them/);
		expect(text).toMatch(/WEBHOOK_URL/);
		expect(text).toMatch(/Failed tasks are not charged/);
	});
});

describe('Input Binary Fields', () => {
	it('one name, or several separated by commas, in order', () => {
		expect(parseBinaryFieldList('data')).toEqual(['data']);
		expect(parseBinaryFieldList(' first , last ')).toEqual(['first', 'last']);
		expect(parseBinaryFieldList('a,,b,')).toEqual(['a', 'b']);
		expect(parseBinaryFieldList('Photo upload')).toEqual(['Photo upload']);
	});

	it.each([[''], [' , '], ['../x'], ['a/b'], ['a?b'], [null], [3]])('refuses %p', (value) => {
		expect(() => parseBinaryFieldList(value, 'GPT Image 2')).toThrow(
			expect.objectContaining({ field: 'Input Binary Fields', model: 'GPT Image 2' }),
		);
	});
});

describe('source file types', () => {
	const gpt = findModel('gpt-image-2/image-to-image')!;
	const seedance = findModel('seedance-2.0', 'imageToVideo')!;
	const seedancePro = findModel('seedance-1.5-pro', 'imageToVideo')!;

	it('models whose docs list no types take any image/* (the extension goes into the URL)', () => {
		expect(checkSourceFile(gpt, 'data', { mimeType: 'image/png' })).toEqual({
			kind: 'image',
			ext: 'png',
		});
		expect(checkSourceFile(gpt, 'data', { mimeType: 'image/jpeg' }).ext).toBe('jpg');
		expect(checkSourceFile(gpt, 'data', { mimeType: 'image/heic' }).ext).toBe('heic');
		expect(() => checkSourceFile(gpt, 'data', { mimeType: 'application/pdf' })).toThrow(
			/binary field "data" is application\/pdf; GPT Image 2 takes images/,
		);
		expect(() => checkSourceFile(gpt, 'data', { mimeType: 'video/mp4' })).toThrow(
			expect.objectContaining({ field: 'Input Binary Fields', model: 'GPT Image 2' }),
		);
	});

	it('Seedance takes exactly its documented types; 1.5 Pro images only', () => {
		expect(checkSourceFile(seedance, 'v', { mimeType: 'video/quicktime' })).toEqual({
			kind: 'video',
			ext: 'mov',
		});
		expect(checkSourceFile(seedance, 'a', { mimeType: 'audio/mpeg' }).ext).toBe('mp3');
		expect(checkSourceFile(seedance, 'i', { mimeType: 'image/bmp' }).ext).toBe('bmp');
		expect(() => checkSourceFile(seedance, 'i', { mimeType: 'image/heic' })).toThrow(
			/Seedance 2\.0 takes \.jpg \.png \.webp \.gif \.bmp \.mp4 \.mov \.m4v \.mp3 \.wav/,
		);
		expect(() => checkSourceFile(seedancePro, 'v', { mimeType: 'video/mp4' })).toThrow(
			/Seedance 1\.5 Pro takes \.jpg \.png \.webp \.gif \.bmp$/,
		);
	});
});

describe('wait mode with files from binary data', () => {
	const facts = (extra: Partial<WaitModeFacts>): WaitModeFacts => ({
		requested: 'auto',
		waiting: true,
		allVideo: false,
		resumeUrl: 'https://n8n.example.com/webhook-waiting/1?signature=t',
		apiIsPublic: true,
		userCallbackUrl: false,
		toolMode: false,
		servesFiles: { itemIndex: 2, model: 'GPT Image 2' },
		...extra,
	});

	it('Auto and Pause pause, images too', () => {
		expect(decideWaitMode(facts({}))).toBe('pause');
		expect(decideWaitMode(facts({ requested: 'pause' }))).toBe('pause');
	});

	it.each([
		['Poll', { requested: 'poll' as const }, 'Wait Mode', /Poll cannot serve files/],
		['a tool call', { toolMode: true }, 'Image Source', /AI Agent tool/],
		[
			'the real API and a localhost resume URL',
			{ resumeUrl: 'http://localhost:5678/webhook-waiting/1?signature=t' },
			'Image Source',
			/cannot download files from localhost:5678/,
		],
		[
			'the real API and a private resume URL',
			{ resumeUrl: 'http://192.168.1.20:5678/webhook-waiting/1' },
			'Image Source',
			/private network/,
		],
		['a Callback URL option', { userCallbackUrl: true }, 'Options', /one callback URL/],
		['no resume URL', { resumeUrl: undefined }, 'Image Source', /no resume URL/],
	])('%s is an error naming the field and the model', (_, extra, field, message) => {
		expect(() => decideWaitMode(facts(extra))).toThrow(
			expect.objectContaining({
				field,
				model: 'GPT Image 2',
				message: expect.stringMatching(message),
			}),
		);
	});

	it('a localhost resume URL is fine with a Max API other than api.maxapi.io (the emulator)', () => {
		expect(
			decideWaitMode(
				facts({ apiIsPublic: false, resumeUrl: 'http://localhost:5678/webhook-waiting/1' }),
			),
		).toBe('pause');
	});
});
