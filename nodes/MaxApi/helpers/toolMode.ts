// The node as an AI Agent tool. n8n generates the tool variant `n8n-nodes-maxapi.maxApiTool` from this
// node (usableAsTool) with the same parameters and the same execute(); this module holds what differs:
//   - which fields the model fills by default: `$fromAI()` defaults on properties shown only in the tool
//     (display condition `@tool`, which n8n evaluates from the node type's name);
//   - what the tool returns: a compact JSON per task for the model, never binary (n8n cannot hand bytes
//     to a model, and the Agent drops them), and a task that ended without results as a result the
//     model can read and act on, not an error that only says "failed";
//   - errors: their explanation folded into the message, the only part n8n shows the model.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

/** Whether this execution is the AI Agent tool variant of the node (its type name ends in "Tool"). */
export function isToolMode(ctx: Pick<IExecuteFunctions, 'getNode'>): boolean {
	return /Tool$/.test(ctx.getNode().type);
}

/**
 * Display conditions: shown only in the tool variant, or only outside it. `@tool` comes first in a
 * `show`: n8n shows a field as soon as one condition's value is an expression (e.g. a model chosen by
 * expression), so a condition placed after it would not be checked.
 */
export const ONLY_AS_TOOL = { '@tool': [true] };
export const NOT_AS_TOOL_SHOW = { '@tool': [false] };
// Outside the tool, `hide` rather than `show: [false]`: an n8n too old to know `@tool` then shows the
// field as it always did (and never shows the tool variant).
export const NOT_AS_TOOL_HIDE = { '@tool': [true] };
export const NOT_AS_TOOL: INodeProperties['displayOptions'] = { hide: NOT_AS_TOOL_HIDE };

/**
 * A parameter value the model fills: n8n's `$fromAI(key, description, type, default)`, marked the way
 * the editor marks the "Let the model define this parameter" button's values, so the panel shows it as
 * "Defined automatically by the model" with the description editable.
 */
export function fromAi(
	key: string,
	description: string,
	type: 'string' | 'number' | 'boolean' = 'string',
	defaultValue?: string | number,
): string {
	const quoted = `\`${description.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
	const fallback =
		defaultValue === undefined
			? ''
			: `, ${typeof defaultValue === 'number' ? defaultValue : `'${defaultValue.replace(/'/g, "\\'")}'`}`;
	return `={{ /*n8n-auto-generated-fromAI-override*/ $fromAI('${key}', ${quoted}, '${type}'${fallback}) }}`;
}

/**
 * A property's tool variant: the same field, shown only in the tool, whose default the model fills.
 * The original stays as it is outside the tool. The tool variant comes second: where n8n shows both
 * (a model chosen by expression skips the original's `hide`), the later one gives the value. `first`
 * conditions come before the property's own, so that a model chosen by expression does not show the
 * tool variant in other operations too (their `$fromAI` keys would be asked of the model).
 */
export function withToolDefault(
	property: INodeProperties,
	toolDefault: string,
	/** Conditions to check before the property's own, e.g. the resource and operation (see ONLY_AS_TOOL). */
	first: Record<string, Array<string | number | boolean>> = {},
): INodeProperties[] {
	const { show, hide } = property.displayOptions ?? {};
	return [
		{
			...property,
			displayOptions: { ...(show ? { show } : {}), hide: { ...hide, ...NOT_AS_TOOL_HIDE } },
		},
		{
			...property,
			default: toolDefault,
			displayOptions: { show: { ...ONLY_AS_TOOL, ...first, ...show }, ...(hide ? { hide } : {}) },
		},
	];
}

const ENDED = ['FAILURE', 'TIMEOUT', 'CANCELLED'];
const FINISHED = ['SUCCESS', ...ENDED];

/**
 * What the model gets for one task: its id, status, model, media type, result URLs and cost; for a task
 * that ended without results, the reason and what to do; for one still running, how to get it later.
 * Nothing else of the item (the prompt it sent, timestamps): the model pays for every token.
 */
export function toolResultJson(json: IDataObject): IDataObject {
	const result: IDataObject = {};
	for (const key of ['taskId', 'status', 'model', 'mediaType', 'urls'] as const) {
		if (json[key] !== undefined) result[key] = json[key];
	}
	const status = typeof json.status === 'string' ? json.status : '';
	if (FINISHED.includes(status)) result.costUsd = json.costUsd ?? null;
	const errorText = [json.error, json.errorDescription]
		.filter((part) => typeof part === 'string' && part !== '')
		.join('. ');
	if (ENDED.includes(status)) {
		// A task that ended without results: why, and what to do about it.
		result.failureReason = json.failureReason ?? null;
		const why = json.explanation ?? errorText;
		if (why) result.error = why;
	} else if (errorText) {
		result.error = errorText; // e.g. SUCCESS without URLs
	} else if (status !== '' && !FINISHED.includes(status)) {
		result.note =
			'The task is still running: its URLs come with status SUCCESS. Get the task again later by its taskId.';
	}
	return result;
}

export function toolResultItems(items: INodeExecutionData[]): INodeExecutionData[] {
	return items.map((item) => ({ json: toolResultJson(item.json), pairedItem: item.pairedItem }));
}

/**
 * n8n hands the model only an error's message: put its explanation (what to do, which values are
 * allowed, the task id) into the message, as n8n itself does for tools ("Details: …").
 */
export function errorForModel<E extends NodeApiError | NodeOperationError>(error: E): E {
	if (error.description && !error.message.includes(error.description)) {
		error.message = `${error.message}\n\nDetails: ${error.description}`;
	}
	return error;
}
