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
import { fromAi, NOT_AS_TOOL_SHOW, withToolDefault } from '../helpers/toolMode';

/** Where each field goes in the panel, after the prompt. */
const PANEL_ORDER: readonly InputKey[] = [
	'imageUrls',
	'mediaUrls',
	'mode',
	'ratio',
	'resolution',
	'n',
	'duration',
	'fallback',
];

const PROMPT_DESCRIPTIONS: Record<GenerationOperation, string> = {
	textToImage: 'What to draw, in words',
	imageToImage: 'The edit to make, e.g. "Restyle the subject in cyberpunk aesthetic"',
	textToVideo: 'What happens in the video, in words',
	imageToVideo: 'What happens in the video; Seedance refers to the files as @1, @2…',
};

/** What the model reads about the prompt it writes, when the node is an AI Agent tool. */
const PROMPT_TOOL_DESCRIPTIONS: Record<GenerationOperation, string> = {
	textToImage:
		'Description of the image to generate (subject, setting, style, composition, lighting), from what the user asked for',
	imageToImage:
		'The edit to make to the source images, e.g. "Restyle the subject in a cyberpunk aesthetic" or "Put the product of the first image on the table of the second"',
	textToVideo:
		'Description of the video to generate (subject, action, setting, camera movement, style), from what the user asked for',
	imageToVideo:
		'What happens in the video made from the source files (action, camera movement, style); Seedance refers to the files as @1, @2… in their order',
};

function typicalTime(model: ModelSpec): string {
	const [low, high] = model.timing.typicalSeconds;
	const words = (seconds: number) =>
		seconds < 120
			? `${seconds} s`
			: seconds < 7200
				? `${Math.round(seconds / 60)} min`
				: `${Math.round(seconds / 3600)} h`;
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
		description:
			'The Max API model. An expression may give any model ID listed here (e.g. from a spreadsheet column).',
	};
}

/** The Prompt; as an AI Agent tool the model writes it, unless the user sets it. */
function promptProperties(operation: GenerationOperation): INodeProperties[] {
	const property: INodeProperties = {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'e.g. A crow running down a neon-lit street',
		description: PROMPT_DESCRIPTIONS[operation],
	};
	return withToolDefault(
		property,
		fromAi('prompt', PROMPT_TOOL_DESCRIPTIONS[operation]),
		operationShown(operation),
	);
}

/** The display conditions of an operation's fields (updateDisplayOptions adds them too; see withToolDefault). */
function operationShown(operation: GenerationOperation): Record<string, string[]> {
	const resource = operation === 'textToImage' || operation === 'imageToImage' ? 'image' : 'video';
	return { resource: [resource], operation: [operation] };
}

/** The fields the model fills by default in the AI Agent tool (see toolDefault). */
const TOOL_FILLED: readonly string[] = ['ratio', 'imageUrls', 'mediaUrls'];

/**
 * What the model fills by default when the node is an AI Agent tool: the content of the request (aspect
 * ratio, source URLs). Fields that set the price (resolution, number of images, duration) and the
 * model's modes stay the user's choice; the README shows how to hand one to the model.
 */
function toolDefault(field: ModelField, operation: GenerationOperation): string | undefined {
	const media = operationShown(operation).resource[0];
	if (field.kind === 'choice' && field.key === 'ratio') {
		const values = field.options.map((option) => option.value).join(', ');
		const fallback = field.default ?? NOT_SENT;
		const auto = field.default === undefined ? `, or ${NOT_SENT} to leave it to Max API` : '';
		return fromAi(
			'ratio',
			`Aspect ratio (width:height) of the ${media}, one of ${values}${auto}. Choose from what the user asks for (portrait, landscape, square, a format); if nothing is said, ${fallback}.`,
			'string',
			String(fallback),
		);
	}
	if (field.kind === 'urls') {
		const count =
			field.max === undefined
				? `at least ${field.min}`
				: field.min === field.max
					? `${field.min}`
					: `${field.min} to ${field.max}`;
		const about = (field.description ?? 'Public URLs of the source files.').replace(
			/\s*One per line.*$/,
			'',
		);
		return fromAi(
			field.key,
			`${about} Give ${count} http(s) URLs, separated by commas; only URLs the user gave or a tool returned.`,
		);
	}
	return undefined;
}

function fieldProperty(
	field: ModelField,
	modelIds: string[],
	operation: GenerationOperation,
): INodeProperties[] {
	const property = fieldPropertyOutsideTool(field, modelIds, operation);
	const toolValue = toolDefault(field, operation);
	if (toolValue === undefined) return [fromUrlsOnly(field, property)];
	// The tool variant always takes URLs: Image Source is not shown to a tool (its value is not there).
	const [outside, asTool] = withToolDefault(property, toolValue, operationShown(operation));
	return [fromUrlsOnly(field, outside), asTool];
}

/** A URL list field shows only while the files come from URLs (Image Source; saved workflows: URLs). */
function fromUrlsOnly(field: ModelField, property: INodeProperties): INodeProperties {
	if (field.kind !== 'urls') return property;
	const { show, ...rest } = property.displayOptions ?? {};
	return { ...property, displayOptions: { ...rest, show: { ...show, imageSource: ['url'] } } };
}

function fieldPropertyOutsideTool(
	field: ModelField,
	modelIds: string[],
	operation: GenerationOperation,
): INodeProperties {
	const base = {
		displayName: field.displayName,
		name: field.key,
		default: fieldDefault(field),
		// The operation's own conditions first: n8n shows a field as soon as one condition's value is an
		// expression (a model chosen by expression), without checking the conditions after it.
		displayOptions: { show: { ...operationShown(operation), model: modelIds } },
		...(field.description ? { description: field.description } : {}),
	};
	switch (field.kind) {
		case 'choice': {
			const options = field.options.map((option) => ({
				name: option.name ?? String(option.value),
				value: option.value,
				description: option.description,
			}));
			const documented = field.options.find((option) => option.value === field.default);
			const notSent =
				documented !== undefined
					? {
							name: `Default (${documented.name ?? String(documented.value)})`,
							value: NOT_SENT,
							description: `Max API's documented default, sent as ${String(documented.value)}`,
						}
					: {
							name: field.notSentName ?? 'Default',
							value: NOT_SENT,
							description: field.notSentDescription,
						};
			return { ...base, type: 'options', options: [notSent, ...options] };
		}
		case 'count':
			return {
				...base,
				type: 'number',
				typeOptions: { minValue: field.min, maxValue: field.max, numberPrecision: 0 },
			};
		case 'urls':
			// Not `required` for n8n: with a model chosen by expression every model's variant shows, and n8n
			// would refuse to start until all were filled. The node checks it before anything is sent.
			return { ...base, type: 'string', typeOptions: { rows: 2 }, placeholder: field.placeholder };
		case 'flag':
			return { ...base, type: 'boolean' };
	}
}

/** One property per distinct field definition of `key`, shown for the models that have exactly it. */
function fieldProperties(
	models: ModelSpec[],
	key: InputKey,
	operation: GenerationOperation,
): INodeProperties[] {
	const groups = new Map<string, { field: ModelField; ids: string[] }>();
	for (const model of models) {
		const field = model.fields.find((candidate) => candidate.key === key);
		if (!field) continue;
		const signature = JSON.stringify(field);
		const group = groups.get(signature) ?? { field, ids: [] };
		group.ids.push(model.id);
		groups.set(signature, group);
	}
	return [...groups.values()].flatMap(({ field, ids }) => fieldProperty(field, ids, operation));
}

/**
 * Notices for values the chosen model does not take: a value that another model offers (it stays when
 * the user switches model) and the cross-field rules the panel can see.
 */
function noticeProperties(models: ModelSpec[], operation: GenerationOperation): INodeProperties[] {
	const notices: INodeProperties[] = [];
	// Notices hold no value, but n8n still keys parameters by name: each gets its own.
	const notice = (
		key: string,
		text: string,
		show: Record<string, Array<string | number>>,
	): INodeProperties => ({
		displayName: text,
		name: `${key}Notice${notices.length + 1}`,
		type: 'notice',
		default: '',
		// In the AI Agent tool the model fills the ratio (an expression, which n8n counts as matching any
		// value): a notice about its value would always show there.
		displayOptions: {
			show: {
				...(Object.keys(show).some((name) => TOOL_FILLED.includes(name)) ? NOT_AS_TOOL_SHOW : {}),
				...operationShown(operation),
				...show,
			},
		},
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
			own.add(NOT_SENT);
			const foreign = [...offered].filter((value) => !own.has(value));
			if (foreign.length === 0) continue;
			const allowed = field.options.map((option) => option.value).join(', ');
			notices.push(
				notice(
					key,
					`${model.name} takes ${field.displayName} ${allowed} only: choose one of them.`,
					{
						model: [model.id],
						[key]: foreign,
					},
				),
			);
		}
	}
	for (const model of models) {
		for (const rule of model.rules ?? []) {
			if (!rule.panelNotice) continue;
			const when = Object.fromEntries(
				Object.entries(rule.panelNotice.when).map(([key, values]) => [key, [...(values ?? [])]]),
			);
			notices.push(notice(rule.field, rule.panelNotice.text, { model: [model.id], ...when }));
		}
	}
	return notices;
}

/**
 * A notice when Model holds another operation's model: n8n keeps the value when the Resource changes
 * (it re-checks an options value only for fields shown at that moment, and this operation's Model was
 * not), so e.g. Seedream 4.5 would stay after switching from Image to Video.
 */
function foreignModelNotice(operation: GenerationOperation): INodeProperties {
	const own = [...new Set(modelsFor(operation).map((model) => model.id))];
	return {
		displayName: 'This model does not serve this operation: choose one from the Model list.',
		name: 'modelNotice',
		type: 'notice',
		default: '',
		// Hidden for this operation's models and for a model from an expression (not known here). A `show`
		// on the model would not do: n8n shows a field as soon as a shown-on value is an expression.
		displayOptions: {
			show: operationShown(operation),
			hide: { model: [...own, { _cnd: { startsWith: '=' } }] },
		},
	};
}

/** The Model list, the prompt and the model fields of one generation operation, in panel order. */
export function modelFieldProperties(operation: GenerationOperation): INodeProperties[] {
	const models = modelsFor(operation);
	return [
		modelProperty(operation),
		foreignModelNotice(operation),
		...promptProperties(operation),
		...PANEL_ORDER.flatMap((key) => fieldProperties(models, key, operation)),
		...noticeProperties(models, operation),
	];
}
