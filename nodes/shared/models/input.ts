// An item's parameters → the `input` of a submit, checked against the model's documented fields and
// rules before anything is sent. Pure: the values are passed in, errors are InvalidParameter.
import { InvalidParameter } from '../invalidParameter';
import { parseHttpUrl } from '../url';
import {
	NOT_SENT,
	type ChoiceField,
	type CountField,
	type ModelField,
	type ModelSpec,
	type UrlListField,
} from './types';

export function validatePrompt(
	value: unknown,
	model: Pick<ModelSpec, 'name' | 'maxPromptLength'>,
): string {
	if (typeof value !== 'string' || value.trim() === '') {
		throw new InvalidParameter(
			'Prompt',
			'Prompt is empty',
			`Describe what ${model.name} should make.`,
			model.name,
		);
	}
	if (model.maxPromptLength !== undefined && value.length > model.maxPromptLength) {
		throw new InvalidParameter(
			'Prompt',
			`Prompt has ${value.length} characters; the most ${model.name} accepts is ${model.maxPromptLength}`,
			'Shorten the prompt.',
			model.name,
		);
	}
	return value;
}

// New lines always separate URLs; a comma only does when another URL follows it, because commas are
// legal inside URLs (image CDNs use them for transformations, e.g. `w_400,h_300`).
const URL_SEPARATOR = /\s*[\r\n]+\s*|\s*,\s*(?=https?:\/\/)/i;

/** One URL, several separated by new lines or commas, or an array of URLs (from an expression). */
export function parseUrlList(value: unknown, field = 'Image URLs', model?: string): string[] {
	let entries: unknown[];
	if (Array.isArray(value)) {
		entries = value;
	} else if (typeof value === 'string') {
		entries = value.split(URL_SEPARATOR);
	} else {
		throw new InvalidParameter(
			field,
			`${field} must be text or a list of URLs, not ${value === null ? 'null' : typeof value}`,
			'Enter one URL per line, or use an expression that returns an array of URLs.',
			model,
		);
	}
	const urls: string[] = [];
	entries.forEach((entry, index) => {
		if (typeof entry !== 'string') {
			throw new InvalidParameter(
				field,
				`${field.replace(/s$/, '')} ${index + 1} is ${entry === null ? 'null' : typeof entry}, not text`,
				'Give each entry as text: a public http(s) URL (an expression must return an array of URL strings).',
				model,
			);
		}
		const trimmed = entry.trim();
		if (trimmed === '') return; // blank lines and trailing separators are not URLs the user meant
		if (!parseHttpUrl(trimmed)) {
			throw new InvalidParameter(
				field,
				`${field.replace(/s$/, '')} ${index + 1} is not an http(s) URL: "${trimmed.slice(0, 100)}"`,
				'Use a public http:// or https:// URL: Max API downloads the file itself, so a file path, data: or ftp: URL cannot work.',
				model,
			);
		}
		urls.push(trimmed);
	});
	if (urls.length === 0) {
		throw new InvalidParameter(
			field,
			`${field} is empty`,
			'Give at least one public URL of a source file.',
			model,
		);
	}
	return urls;
}

function readUrls(field: UrlListField, value: unknown, model: ModelSpec): string[] {
	const urls = parseUrlList(value, field.displayName, model.name);
	if (field.max !== undefined && urls.length > field.max) {
		throw new InvalidParameter(
			field.displayName,
			`${model.name} takes at most ${field.max} URLs in ${field.displayName}, not ${urls.length}`,
			`Give ${field.min === field.max ? field.max : `${field.min} to ${field.max}`} URLs.`,
			model.name,
		);
	}
	return urls;
}

/** A choice's value as the options have it (a duration may arrive as the text "8" from an expression). */
function readChoice(
	field: ChoiceField,
	value: unknown,
	model: ModelSpec,
): string | number | undefined {
	// The panel's "Default": the documented default where there is one (sent), else nothing.
	if (value === NOT_SENT || value === '' || value === undefined || value === null)
		return field.default;
	const values = field.options.map((option) => option.value);
	const match = values.find(
		(candidate) =>
			candidate === value ||
			(typeof candidate === 'number' && String(candidate) === String(value).trim()),
	);
	if (match !== undefined) return match;
	const allowed = `${NOT_SENT}, ${values.join(', ')}`;
	throw new InvalidParameter(
		field.displayName,
		`${model.name} has no ${field.displayName} "${String(value)}"`,
		`Use one of ${allowed}.`,
		model.name,
	);
}

/** Whole numbers in the model's range; an integer given as text (from an expression) is accepted. */
function readCount(field: CountField, value: unknown, model: ModelSpec): number {
	const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < field.min || n > field.max) {
		throw new InvalidParameter(
			field.displayName,
			`${field.displayName} must be a whole number from ${field.min} to ${field.max} for ${model.name}, not ${JSON.stringify(value)}`,
			`Set a whole number from ${field.min} to ${field.max}; billing scales with it.`,
			model.name,
		);
	}
	return n;
}

function readFlag(field: ModelField, value: unknown, model: ModelSpec): true | undefined {
	if (value === true || value === 'true') return true;
	if (value === false || value === 'false' || value === undefined || value === '') return undefined;
	throw new InvalidParameter(
		field.displayName,
		`${field.displayName} must be true or false, not ${JSON.stringify(value)}`,
		'Set it to true or false (an expression must give a boolean).',
		model.name,
	);
}

function readField(
	field: ModelField,
	value: unknown,
	model: ModelSpec,
): string | number | boolean | string[] | undefined {
	switch (field.kind) {
		case 'choice':
			return readChoice(field, value, model);
		case 'count':
			return readCount(field, value, model);
		case 'urls':
			return readUrls(field, value, model);
		case 'flag':
			return readFlag(field, value, model);
	}
}

/**
 * The `input` of a submit for `model`: the prompt, then every field of the model that has a value to
 * send, in the model's order. `read(field)` gives the user's value of a field.
 */
export function buildModelInput(
	model: ModelSpec,
	prompt: unknown,
	read: (field: ModelField) => unknown,
): Record<string, unknown> {
	const input: Record<string, unknown> = { prompt: validatePrompt(prompt, model) };
	for (const field of model.fields) {
		const value = readField(field, read(field), model);
		if (value !== undefined) input[field.key] = value;
	}
	for (const rule of model.rules ?? []) {
		const broken = rule.check(input);
		const field = model.fields.find((candidate) => candidate.key === rule.field);
		if (broken)
			throw new InvalidParameter(field?.displayName ?? rule.field, broken, rule.hint, model.name);
	}
	return input;
}

/**
 * The value a field starts at in the panel. Every choice starts at "Default" (`NOT_SENT`), which means
 * the documented default where there is one: one start value per field key whatever the model, so a
 * value the user chose is never mistaken for another model's start value (a model from an expression
 * makes n8n fill every model's variant of a field).
 */
export function fieldDefault(field: ModelField): string | number | boolean {
	switch (field.kind) {
		case 'choice':
			return NOT_SENT;
		case 'count':
			return field.default;
		case 'urls':
			return '';
		case 'flag':
			return false;
	}
}
