// The panel fields of a generation operation, derived from the model catalog: the Model list, the
// prompt, and each model field shown only for the models that take it, with their values and defaults.
// Models that share a field exactly share one property; a combination the docs forbid shows a notice.
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { fieldDefault } from '../../shared/models/input';
import {
	DEFAULT_MODEL,
	modelsFor,
	NOT_SENT,
	type GenerationOperation,
	type InputKey,
	type ModelField,
	type ModelSpec,
} from '../../shared/models';

/** Where each field goes in the panel, after the prompt. */
const PANEL_ORDER: readonly InputKey[] = ['imageUrls', 'mediaUrls', 'mode', 'ratio', 'resolution', 'n', 'duration', 'fallback'];

const PROMPT_DESCRIPTIONS: Record<GenerationOperation, string> = {
	textToImage: 'What to draw, in words',
	imageToImage: 'The edit to make, e.g. "Restyle the subject in cyberpunk aesthetic"',
	textToVideo: 'What happens in the video, in words',
	imageToVideo: 'What happens in the video; Seedance refers to the files as @1, @2…',
};

function typicalTime(model: ModelSpec): string {
	const [low, high] = model.timing.typicalSeconds;
	const words = (seconds: number) => (seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`);
	return `${words(low)}–${words(high)}`;
}

function modelProperty(operation: GenerationOperation): INodeProperties {
	const options: INodePropertyOptions[] = modelsFor(operation).map((model) => ({
		name: model.name,
		value: model.id,
		description: `${model.id} · price: ${model.price.summary} · usually ${typicalTime(model)}`,
	}));
	const defaultModel = DEFAULT_MODEL[operation];
	return {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options,
		default: defaultModel,
		description: 'The Max API model. An expression may give any model ID listed here (e.g. from a spreadsheet column).',
	};
}

function promptProperty(operation: GenerationOperation): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'e.g. A crow running down a neon-lit street',
		description: PROMPT_DESCRIPTIONS[operation],
	};
}

function fieldProperty(field: ModelField, modelIds: string[]): INodeProperties {
	const base = {
		displayName: field.displayName,
		name: field.key,
		default: fieldDefault(field),
		displayOptions: { show: { model: modelIds } },
		...(field.description ? { description: field.description } : {}),
	};
	switch (field.kind) {
		case 'choice': {
			const notSent = field.default === undefined ? [{ name: field.notSentName ?? 'Default', value: NOT_SENT, description: field.notSentDescription }] : [];
			const options = field.options.map((option) => ({ name: option.name ?? String(option.value), value: option.value, description: option.description }));
			return { ...base, type: 'options', options: [...notSent, ...options] };
		}
		case 'count':
			return { ...base, type: 'number', typeOptions: { minValue: field.min, maxValue: field.max, numberPrecision: 0 } };
		case 'urls':
			return { ...base, type: 'string', typeOptions: { rows: 2 }, required: true, placeholder: field.placeholder };
		case 'flag':
			return { ...base, type: 'boolean' };
	}
}

/** One property per distinct field definition of `key`, shown for the models that have exactly it. */
function fieldProperties(models: ModelSpec[], key: InputKey): INodeProperties[] {
	const groups = new Map<string, { field: ModelField; ids: string[] }>();
	for (const model of models) {
		const field = model.fields.find((candidate) => candidate.key === key);
		if (!field) continue;
		const signature = JSON.stringify(field);
		const group = groups.get(signature) ?? { field, ids: [] };
		group.ids.push(model.id);
		groups.set(signature, group);
	}
	return [...groups.values()].map(({ field, ids }) => fieldProperty(field, ids));
}

/**
 * Notices for values the chosen model does not take: a value that another model offers (it stays when
 * the user switches model) and the cross-field rules the panel can see.
 */
function noticeProperties(models: ModelSpec[]): INodeProperties[] {
	const notices: INodeProperties[] = [];
	// Notices hold no value, but n8n still keys parameters by name: each gets its own.
	const notice = (key: string, text: string, show: Record<string, Array<string | number>>): INodeProperties => ({
		displayName: text,
		name: `${key}Notice${notices.length + 1}`,
		type: 'notice',
		default: '',
		displayOptions: { show },
	});
	for (const key of PANEL_ORDER) {
		const offered = new Set<string | number>();
		for (const model of models) {
			const field = model.fields.find((candidate) => candidate.key === key);
			if (field?.kind === 'choice') field.options.forEach((option) => offered.add(option.value));
		}
		for (const model of models) {
			const field = model.fields.find((candidate) => candidate.key === key);
			if (field?.kind !== 'choice') continue;
			const own = new Set(field.options.map((option) => option.value));
			if (field.default === undefined) own.add(NOT_SENT);
			const foreign = [...offered].filter((value) => !own.has(value));
			if (foreign.length === 0) continue;
			const allowed = field.options.map((option) => option.value).join(', ');
			notices.push(
				notice(key, `${model.name} takes ${field.displayName} ${allowed} only: choose one of them.`, {
					model: [model.id],
					[key]: foreign,
				}),
			);
		}
	}
	for (const model of models) {
		for (const rule of model.rules ?? []) {
			if (!rule.panelNotice) continue;
			const when = Object.fromEntries(Object.entries(rule.panelNotice.when).map(([key, values]) => [key, [...(values ?? [])]]));
			notices.push(notice(rule.field, rule.panelNotice.text, { model: [model.id], ...when }));
		}
	}
	return notices;
}

/** The Model list, the prompt and the model fields of one generation operation, in panel order. */
export function modelFieldProperties(operation: GenerationOperation): INodeProperties[] {
	const models = modelsFor(operation);
	return [
		modelProperty(operation),
		promptProperty(operation),
		...PANEL_ORDER.flatMap((key) => fieldProperties(models, key)),
		...noticeProperties(models),
	];
}
