// Building blocks for the family files: the fields several families share, and price arithmetic.
// Pure: no n8n here.
import type { ChoiceField, CountField, ModelInput, UrlListField } from './types';

/** Names some ratios carry in the panel, e.g. "16:9 (Landscape)". */
const RATIO_LABELS: Record<string, string> = {
	'1:1': 'Square',
	'16:9': 'Landscape',
	'9:16': 'Portrait',
	'21:9': 'Ultra-Wide',
	'9:21': 'Ultra-Tall',
};

/** A choice without a documented default: it starts at "Default" and is then not sent. */
function choiceField(
	key: ChoiceField['key'],
	displayName: string,
	options: ChoiceField['options'],
	extra: Partial<ChoiceField>,
): ChoiceField {
	return {
		kind: 'choice',
		key,
		displayName,
		options,
		notSentName: 'Default',
		notSentDescription: "Not sent: the model's own default applies",
		...extra,
	};
}

/** Aspect Ratio with the model's documented values. */
export function ratioField(
	values: readonly string[],
	extra: Partial<ChoiceField> = {},
): ChoiceField {
	const options = values.map((value) => ({
		value,
		name: RATIO_LABELS[value] ? `${value} (${RATIO_LABELS[value]})` : value,
	}));
	return choiceField('ratio', 'Aspect Ratio', options, extra);
}

/** Resolution with the model's documented values (names like 1K, 720p). */
export function resolutionField(
	values: readonly string[],
	extra: Partial<ChoiceField> = {},
): ChoiceField {
	return choiceField(
		'resolution',
		'Resolution',
		values.map((value) => ({ value, name: value.toUpperCase().replace(/P$/, 'p') })),
		extra,
	);
}

/** Video length in seconds, out of the documented values. */
export function durationField(
	seconds: readonly number[],
	extra: Partial<ChoiceField> = {},
): ChoiceField {
	return choiceField(
		'duration',
		'Duration (Seconds)',
		seconds.map((value) => ({ value, name: `${value} s` })),
		extra,
	);
}

/** Mode with the model's documented values. */
export function modeField(
	options: ChoiceField['options'],
	extra: Partial<ChoiceField> = {},
): ChoiceField {
	return choiceField('mode', 'Mode', options, extra);
}

export function imageCountField(min: number, max: number): CountField {
	return {
		kind: 'count',
		key: 'n',
		displayName: 'Number of Images',
		min,
		max,
		default: 1,
		description: 'How many images the task makes; billing scales with this number',
	};
}

export function imageUrlsField(description: string, max?: number): UrlListField {
	return {
		kind: 'urls',
		key: 'imageUrls',
		displayName: 'Image URLs',
		min: 1,
		...(max !== undefined ? { max } : {}),
		placeholder: 'https://example.com/source.jpg',
		description: `${description} One per line or separated by commas, or an expression that returns an array of URLs.`,
	};
}

/** `count` times `unitUsd`, without binary floating-point noise (0.0012 × 3 is 0.0036, not 0.0036000000000000003). */
export function usdTimes(unitUsd: number, count: number): number {
	return Math.round(unitUsd * count * 1e6) / 1e6;
}

/** A whole number from the input, or undefined (a field left at its default, or an echo without it). */
export function inputNumber(input: ModelInput, key: 'n' | 'duration'): number | undefined {
	const value = input[key];
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The price rule of a model whose price the docs do not publish. */
export const NOT_PUBLISHED = {
	published: false,
	summary: 'not published by Max API',
	costUsd: () => null,
} as const;
