// Validation of the parameters every operation shares (callback URL, task id, waiting and output
// options), before anything is sent or billed. Model fields are checked by the catalog
// (shared/models/input.ts). Pure functions: they know nothing of n8n and throw InvalidParameter, which
// the operations turn into a NodeOperationError for the item.
import { TASK_ID_PATTERN } from '../../shared/api';
import { InvalidParameter } from '../../shared/invalidParameter';
import { isLoopbackHost, parseHttpUrl } from '../../shared/url';

export { InvalidParameter };

/**
 * Max API calls the callback URL from the internet: it must be http(s), and the real service
 * rejects loopback hosts (they are allowed when the base URL is not the public API, e.g. an emulator).
 */
export function validateCallbackUrl(value: unknown, apiIsPublic: boolean): string | undefined {
	if (value === undefined || value === '') return undefined;
	const url = typeof value === 'string' ? parseHttpUrl(value.trim()) : undefined;
	if (!url) {
		throw new InvalidParameter(
			'Callback URL',
			`Callback URL is not an http(s) URL: "${String(value).slice(0, 100)}"`,
			"Use the Max API Trigger's production URL (https://…/webhook/…/maxapi), or leave the option empty.",
		);
	}
	if (apiIsPublic && isLoopbackHost(url.hostname)) {
		throw new InvalidParameter(
			'Callback URL',
			`Max API cannot call back ${url.host}: it is this machine, not a public address`,
			"Use the Max API Trigger's production URL on a publicly reachable n8n (see WEBHOOK_URL in n8n's docs).",
		);
	}
	return url.href;
}

/** Task ids go into the request path, so only the characters of an id are allowed. */
export function validateTaskId(value: unknown): string {
	const id = typeof value === 'string' ? value.trim() : value;
	if (typeof id !== 'string' || id === '') {
		throw new InvalidParameter(
			'Task ID',
			'Task ID is empty',
			'Use the taskId output by a Max API node.',
		);
	}
	if (!TASK_ID_PATTERN.test(id)) {
		throw new InvalidParameter(
			'Task ID',
			`Task ID "${id.slice(0, 100)}" has characters a Max API task id never has`,
			'Use the taskId output by a Max API node: letters, digits and dashes, like a1b2c3d4-e5f6-7890-abcd-ef1234567890.',
		);
	}
	return id;
}

export function validateTimeoutSeconds(value: unknown): number {
	if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
		throw new InvalidParameter(
			'Timeout (Seconds)',
			`Timeout must be a positive number of seconds, not ${JSON.stringify(value)}`,
			'Set a number of seconds greater than 0 (the default is 600).',
		);
	}
	return value;
}

export function validateBinaryPropertyName(value: unknown): string {
	if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value.trim())) {
		throw new InvalidParameter(
			'Put Output File in Field',
			`"${String(value)}" is not a usable binary field name`,
			'Use letters, digits, dashes or underscores, e.g. data.',
		);
	}
	return value.trim();
}

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,127}$/;

/** A model id for Create Task: the characters of Max API's ids (letters, digits, . _ - /). */
export function validateModelId(value: unknown): string {
	const id = typeof value === 'string' ? value.trim() : '';
	if (!MODEL_ID.test(id)) {
		throw new InvalidParameter(
			'Model',
			id === '' ? 'Model is empty' : `Model "${id.slice(0, 100)}" is not a model ID`,
			'Give the model ID from its page at docs.maxapi.io, e.g. seedream-4.5 or gpt-image-2/text-to-image.',
		);
	}
	return id;
}

/** Create Task's Input: JSON text or an object (from an expression), which must be a JSON object. */
export function parseInputJson(value: unknown): Record<string, unknown> {
	let input = value;
	let syntaxError: string | undefined;
	if (typeof value === 'string') {
		try {
			input = JSON.parse(value);
		} catch (error) {
			syntaxError = (error as Error).message;
		}
	}
	const example = 'Write the input as a JSON object, e.g. {"prompt": "a red fox"}.';
	if (syntaxError !== undefined)
		throw new InvalidParameter('Input', `Input is not valid JSON: ${syntaxError}`, example);
	if (!input || typeof input !== 'object' || Array.isArray(input)) {
		throw new InvalidParameter('Input', 'Input must be a JSON object', example);
	}
	return input as Record<string, unknown>;
}
