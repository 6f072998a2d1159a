// Unit tests of the pure parameter checks (no n8n involved): what is accepted, normalised or refused.
import {
	InvalidParameter,
	MAX_PROMPT_LENGTH,
	parseImageUrls,
	validateBinaryPropertyName,
	validateCallbackUrl,
	validateImageCount,
	validatePrompt,
	validateRatio,
	validateResolution,
	validateTaskId,
	validateTimeoutSeconds,
} from '../../nodes/MaxApi/helpers/validation';

function refusal(fn: () => unknown): InvalidParameter {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidParameter);
		return error as InvalidParameter;
	}
	throw new Error('expected the value to be refused');
}

describe('parameter validation', () => {
	it('refuses empty, blank and absurdly long prompts, keeps others untouched', () => {
		expect(refusal(() => validatePrompt('')).field).toBe('Prompt');
		expect(refusal(() => validatePrompt('  \n ')).message).toBe('Prompt is empty');
		expect(refusal(() => validatePrompt('x'.repeat(MAX_PROMPT_LENGTH + 1))).message).toContain('32000');
		expect(validatePrompt('  keep my spaces ')).toBe('  keep my spaces ');
	});

	it('splits image URLs on new lines, and on commas only before another URL', () => {
		expect(parseImageUrls(' https://a.example/x.png \n\nhttps://b.example/y.png,https://c.example/w_1,h_2/z.png ')).toEqual([
			'https://a.example/x.png',
			'https://b.example/y.png',
			'https://c.example/w_1,h_2/z.png',
		]);
		expect(parseImageUrls(['http://a.example/1.jpg'])).toEqual(['http://a.example/1.jpg']);
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
	])('refuses image URLs given as %s', (_label, value) => {
		expect(refusal(() => parseImageUrls(value)).field).toBe('Image URLs');
	});

	it('accepts auto (not sent) and the 13 documented ratios only', () => {
		expect(validateRatio('auto')).toBeUndefined();
		expect(validateRatio('21:9')).toBe('21:9');
		expect(refusal(() => validateRatio('7:5')).field).toBe('Aspect Ratio');
	});

	it.each(['1:1', '3:2', '2:3', '4:3', '3:4', '5:4', '4:5', undefined])('refuses 4k with ratio %s', (ratio) => {
		expect(refusal(() => validateResolution('4k', ratio as never)).message).toContain('4k is not available');
	});

	it.each(['16:9', '9:16', '2:1', '1:2', '21:9', '9:21'])('accepts 4k with ratio %s', (ratio) => {
		expect(validateResolution('4k', ratio as never)).toBe('4k');
	});

	it('refuses unknown resolutions', () => {
		expect(refusal(() => validateResolution('8k', '1:1')).field).toBe('Resolution');
	});

	it.each([0, 11, 2.5, -1, 'three', '', null, Number.NaN])('refuses %p images', (n) => {
		expect(refusal(() => validateImageCount(n)).field).toBe('Number of Images');
	});

	it('accepts 1 to 10 images, also as whole-number text from an expression', () => {
		expect(validateImageCount(1)).toBe(1);
		expect(validateImageCount(10)).toBe(10);
		expect(validateImageCount(' 4 ')).toBe(4);
	});

	it('refuses callback URLs that are not http(s), and loopback ones for the public API only', () => {
		expect(refusal(() => validateCallbackUrl('ftp://x.example/hook', false)).field).toBe('Callback URL');
		expect(refusal(() => validateCallbackUrl('http://localhost:5678/webhook/x', true)).message).toContain('cannot call back');
		expect(refusal(() => validateCallbackUrl('http://127.0.0.1/hook', true)).field).toBe('Callback URL');
		expect(validateCallbackUrl('http://127.0.0.1:5678/hook', false)).toBe('http://127.0.0.1:5678/hook');
		expect(validateCallbackUrl('', true)).toBeUndefined();
	});

	it.each(['', '   ', '../secret', 'a/b', 'id?x=1', 'id#frag', 'a b'])('refuses task id %p', (id) => {
		expect(refusal(() => validateTaskId(id)).field).toBe('Task ID');
	});

	it('trims a valid task id', () => {
		expect(validateTaskId(' a1b2c3d4-e5f6-7890-abcd-ef1234567890 ')).toBe('a1b2c3d4-e5f6-7890-abcd-ef1234567890');
	});

	it.each([0, -5, Number.NaN, '60'])('refuses timeout %p', (value) => {
		expect(refusal(() => validateTimeoutSeconds(value)).field).toBe('Timeout (Seconds)');
	});

	it('refuses binary field names n8n could not use', () => {
		expect(validateBinaryPropertyName(' data ')).toBe('data');
		expect(refusal(() => validateBinaryPropertyName('my field')).field).toBe('Put Output File in Field');
	});
});
