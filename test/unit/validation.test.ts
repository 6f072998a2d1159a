// Unit tests of the pure checks of the parameters every operation shares (no n8n involved): what is
// accepted, normalised or refused. Model fields: modelInput.test.ts.
import {
	parseInputJson,
	validateBinaryPropertyName,
	validateCallbackUrl,
	validateModelId,
	validateTaskId,
	validateTimeoutSeconds,
} from '../../nodes/MaxApi/helpers/validation';
import { refusal } from '../support/refusal';

describe('shared parameter validation', () => {
	it('refuses a Create Task model id that is empty or has characters no id has, trims a good one', () => {
		expect(validateModelId(' seedream-4.6 ')).toBe('seedream-4.6');
		expect(validateModelId('gpt-image-2/text-to-image')).toBe('gpt-image-2/text-to-image');
		for (const bad of ['', '  ', '../x', 'a b', 'model?x=1', 42])
			expect(refusal(() => validateModelId(bad)).field).toBe('Model');
	});

	it('reads a Create Task input from JSON text or an object, and refuses anything but a JSON object', () => {
		expect(parseInputJson('{"prompt":"a fox","n":2}')).toEqual({ prompt: 'a fox', n: 2 });
		expect(parseInputJson({ prompt: 'a fox' })).toEqual({ prompt: 'a fox' });
		expect(refusal(() => parseInputJson('{prompt: a fox}')).message).toContain('not valid JSON');
		for (const bad of ['[1,2]', '"text"', 'null', [1], null])
			expect(refusal(() => parseInputJson(bad)).field).toBe('Input');
	});

	it('refuses callback URLs that are not http(s), and loopback ones for the public API only', () => {
		expect(refusal(() => validateCallbackUrl('ftp://x.example/hook', false)).field).toBe(
			'Callback URL',
		);
		expect(
			refusal(() => validateCallbackUrl('http://localhost:5678/webhook/x', true)).message,
		).toContain('cannot call back');
		expect(refusal(() => validateCallbackUrl('http://127.0.0.1/hook', true)).field).toBe(
			'Callback URL',
		);
		expect(validateCallbackUrl('http://127.0.0.1:5678/hook', false)).toBe(
			'http://127.0.0.1:5678/hook',
		);
		expect(validateCallbackUrl('', true)).toBeUndefined();
	});

	it.each(['', '   ', '../secret', 'a/b', 'id?x=1', 'id#frag', 'a b'])(
		'refuses task id %p',
		(id) => {
			expect(refusal(() => validateTaskId(id)).field).toBe('Task ID');
		},
	);

	it('trims a valid task id', () => {
		expect(validateTaskId(' a1b2c3d4-e5f6-7890-abcd-ef1234567890 ')).toBe(
			'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
		);
	});

	it.each([0, -5, Number.NaN, '60'])('refuses timeout %p', (value) => {
		expect(refusal(() => validateTimeoutSeconds(value)).field).toBe('Timeout (Seconds)');
	});

	it('refuses binary field names n8n could not use', () => {
		expect(validateBinaryPropertyName(' data ')).toBe('data');
		expect(refusal(() => validateBinaryPropertyName('my field')).field).toBe(
			'Put Output File in Field',
		);
	});
});
