// Parameter validation, before anything is sent or billed. Pure functions: they know nothing of
// n8n and throw InvalidParameter, which the operations turn into a NodeOperationError for the item.
import {
	FOUR_K_RATIOS,
	MAX_IMAGES,
	MIN_IMAGES,
	RATIOS,
	RESOLUTIONS,
	TASK_ID_PATTERN,
	type Ratio,
	type Resolution,
} from '../../shared/api';
import { parseHttpUrl } from '../../shared/transport';

/** GPT Image 2 accepts prompts up to 32,000 characters; longer ones are certainly a mistake. */
export const MAX_PROMPT_LENGTH = 32000;

export class InvalidParameter extends Error {
	constructor(
		/** The parameter's display name, as the user sees it in the node panel. */
		readonly field: string,
		message: string,
		/** What the user can do about it. */
		readonly hint?: string,
	) {
		super(message);
		this.name = 'InvalidParameter';
	}
}

export function validatePrompt(value: unknown): string {
	if (typeof value !== 'string' || value.trim() === '') {
		throw new InvalidParameter('Prompt', 'Prompt is empty', 'Describe the image to generate or the edit to make.');
	}
	if (value.length > MAX_PROMPT_LENGTH) {
		throw new InvalidParameter(
			'Prompt',
			`Prompt has ${value.length} characters; the most GPT Image 2 accepts is ${MAX_PROMPT_LENGTH}`,
			'Shorten the prompt.',
		);
	}
	return value;
}

// New lines always separate URLs; a comma only does when another URL follows it, because commas are
// legal inside URLs (image CDNs use them for transformations, e.g. `w_400,h_300`).
const URL_SEPARATOR = /\s*[\r\n]+\s*|\s*,\s*(?=https?:\/\/)/i;

/** Accepts one URL, several separated by new lines or commas, or an array of URLs (from an expression). */
export function parseImageUrls(value: unknown): string[] {
	const field = 'Image URLs';
	let entries: unknown[];
	if (Array.isArray(value)) {
		entries = value;
	} else if (typeof value === 'string') {
		entries = value.split(URL_SEPARATOR);
	} else {
		throw new InvalidParameter(
			field,
			`Image URLs must be text or a list of URLs, not ${value === null ? 'null' : typeof value}`,
			'Enter one URL per line, or use an expression that returns an array of URLs.',
		);
	}

	const urls: string[] = [];
	entries.forEach((entry, index) => {
		if (typeof entry !== 'string') {
			throw new InvalidParameter(
				field,
				`Image URL ${index + 1} is ${entry === null ? 'null' : typeof entry}, not text`,
				'Give each entry as text: a public http(s) URL of an image (an expression must return an array of URL strings).',
			);
		}
		const trimmed = entry.trim();
		if (trimmed === '') return; // blank lines and trailing separators are not URLs the user meant
		if (!parseHttpUrl(trimmed)) {
			throw new InvalidParameter(
				field,
				`Image URL ${index + 1} is not an http(s) URL: "${trimmed.slice(0, 100)}"`,
				'Use a public http:// or https:// URL: Max API downloads the source image itself, so a file path, data: or ftp: URL cannot work.',
			);
		}
		urls.push(trimmed);
	});
	if (urls.length === 0) {
		throw new InvalidParameter(field, 'Image URLs is empty', 'Give at least one public URL of the image to edit.');
	}
	return urls;
}

/** `auto` means: do not send a ratio, the model chooses (or follows the input image). */
export function validateRatio(value: unknown): Ratio | undefined {
	if (value === 'auto' || value === undefined || value === '') return undefined;
	if (typeof value === 'string' && (RATIOS as readonly string[]).includes(value)) return value as Ratio;
	throw new InvalidParameter('Aspect Ratio', `Unknown aspect ratio "${String(value)}"`, `Use auto or one of ${RATIOS.join(', ')}.`);
}

export function validateResolution(value: unknown, ratio: Ratio | undefined): Resolution {
	if (typeof value !== 'string' || !(RESOLUTIONS as readonly string[]).includes(value)) {
		throw new InvalidParameter('Resolution', `Unknown resolution "${String(value)}"`, `Use one of ${RESOLUTIONS.join(', ')}.`);
	}
	if (value === '4k' && (ratio === undefined || !FOUR_K_RATIOS.includes(ratio))) {
		throw new InvalidParameter(
			'Resolution',
			`4k is not available with aspect ratio ${ratio ?? 'auto'}`,
			`Choose one of the aspect ratios ${FOUR_K_RATIOS.join(', ')} for 4k (the others exceed the pixel budget), or choose 2k.`,
		);
	}
	return value as Resolution;
}

/** Whole numbers 1–10; an integer given as text (from an expression) is accepted. */
export function validateImageCount(value: unknown): number {
	const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_IMAGES || n > MAX_IMAGES) {
		throw new InvalidParameter(
			'Number of Images',
			`Number of Images must be a whole number from ${MIN_IMAGES} to ${MAX_IMAGES}, not ${JSON.stringify(value)}`,
			`Set a whole number from ${MIN_IMAGES} to ${MAX_IMAGES}; the task costs that many times the price per image.`,
		);
	}
	return n;
}

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/i;

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
	if (apiIsPublic && LOOPBACK_HOSTS.test(url.hostname)) {
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
		throw new InvalidParameter('Task ID', 'Task ID is empty', 'Use the taskId output by a Max API node.');
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
