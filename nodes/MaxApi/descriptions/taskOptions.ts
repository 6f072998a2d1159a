// Fields shared by the operations: waiting, downloading, and the batch controls.
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { MODEL_FAMILIES, type TimingHints } from '../../shared/models';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../shared/transport/client';

const DEFAULT_REQUEST_TIMEOUT_SECONDS = DEFAULT_REQUEST_TIMEOUT_MS / 1000;
import type { TaskJob } from '../helpers/taskBatch';
import { isToolMode, NOT_AS_TOOL } from '../helpers/toolMode';
import {
	InvalidParameter,
	validateBinaryPropertyName,
	validateTimeoutSeconds,
} from '../helpers/validation';
import { POLLING } from '../helpers/waitForTask';

/** Waiting defaults for a task of unknown model (Get Task, Create Task with a model outside the catalog). */
export const DEFAULT_TIMING: Pick<TimingHints, 'timeoutSeconds' | 'maxPollIntervalSeconds'> &
	Partial<Pick<TimingHints, 'typicalSeconds'>> = {
	timeoutSeconds: 600,
	maxPollIntervalSeconds: POLLING.maxIntervalMs / 1000,
};
export const DEFAULT_MAX_PARALLEL_REQUESTS = 5;

/** The catalog's default of a waiting setting, per family, e.g. "GPT Image 2 600 s, Grok Imagine 600/900 s". */
function defaultsPerFamily(pick: (timing: TimingHints) => number): string {
	return MODEL_FAMILIES.map(
		(family) =>
			`${family.name} ${[...new Set(family.models.map((model) => pick(model.timing)))].join('/')} s`,
	).join(', ');
}

/** Options every operation has. `forSubmit` adds the ones that only make sense when creating a task. */
export function taskOptions(forSubmit: boolean): INodeProperties['options'] {
	const submitOnly: INodeProperties[] = [
		{
			displayName: 'Callback URL',
			name: 'callbackUrl',
			type: 'string',
			default: '',
			placeholder: 'https://your-n8n.example.com/webhook/…/maxapi',
			description:
				"Max API POSTs the finished task to this URL. Paste the production URL of a Max API Trigger node here (and turn off Wait for Completion) to handle results in another workflow; the credential's Callback Token, if set, is added to it. It must be reachable from the internet, not localhost.",
		},
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			default: '',
			description: 'Optional tracing string sent as user_id, e.g. your own customer or job ID',
		},
		{
			displayName: 'Expected Duration (Seconds)',
			name: 'expectedDuration',
			type: 'number',
			typeOptions: { minValue: 0.1 },
			default: 15,
			description: `How long this model's tasks usually take for you. The node checks a task once early, then not again until this time has passed, then closely: set it if your tasks are much faster or slower than usual. Not set: the model's usual time (${defaultsPerFamily((timing) => timing.typicalSeconds[0])}).`,
		},
	];
	const common: INodeProperties[] = [
		{
			displayName: 'Download Results',
			name: 'downloadImages',
			type: 'boolean',
			default: true,
			displayOptions: NOT_AS_TOOL, // a tool never downloads (see jobSettings)
			description:
				'Whether to download the finished images or video into binary data (result URLs expire after 7 days). The first file goes to the field named below, the next ones to that name with _1, _2… appended.',
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			displayOptions: NOT_AS_TOOL,
			description:
				'Name of the binary field for the first file; further files get _1, _2… appended',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 600,
			description: `How long to wait for a task before failing with its ID. The task keeps running at Max API and is billed if it succeeds. Not set: the model's default (${defaultsPerFamily((timing) => timing.timeoutSeconds)}).`,
		},
		{
			displayName: 'Max Poll Interval (Seconds)',
			name: 'maxPollInterval',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10,
			description: `The longest wait between two status queries of a task once it is due (its Expected Duration has passed). Queries come closer together while a task is expected to finish. Not set: the model's default (${defaultsPerFamily((timing) => timing.maxPollIntervalSeconds)}).`,
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'requestTimeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_REQUEST_TIMEOUT_SECONDS,
			description:
				'How long one request to Max API may go unanswered before it counts as failed. A status query is then retried; a submit is not (it may have created a task), and its error says so.',
		},
		{
			displayName: 'Max Parallel Requests',
			name: 'maxParallelRequests',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: 5,
			description:
				'The most requests to Max API in flight at once, across all items of the run; result downloads (from the CDN) have a limit of the same number of their own',
		},
	];
	return forSubmit ? [...submitOnly, ...common] : common;
}

/** The Options collection; the operation's file sets where it shows (updateDisplayOptions). */
export function optionsCollection(forSubmit: boolean): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: taskOptions(forSubmit),
	};
}

export interface TaskOptionValues {
	callbackUrl?: string;
	userId?: string;
	downloadImages?: boolean;
	binaryPropertyName?: string;
	timeout?: number;
	maxPollInterval?: number;
	maxParallelRequests?: number;
	requestTimeout?: number;
	expectedDuration?: number;
}

export function readTaskOptions(ctx: IExecuteFunctions, itemIndex: number): TaskOptionValues {
	return ctx.getNodeParameter('options', itemIndex, {}) as TaskOptionValues;
}

/** The waiting and download settings of one item, validated; `timing` gives the defaults (the model's). */
export function jobSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: TaskOptionValues,
	timing: typeof DEFAULT_TIMING = DEFAULT_TIMING,
): Omit<TaskJob, 'itemIndex' | 'submit' | 'taskId'> {
	const maxPollSeconds = options.maxPollInterval ?? timing.maxPollIntervalSeconds;
	if (typeof maxPollSeconds !== 'number' || !(maxPollSeconds > 0)) {
		throw new InvalidParameter(
			'Max Poll Interval (Seconds)',
			`Max Poll Interval must be a positive number of seconds, not ${JSON.stringify(maxPollSeconds)}`,
			`Set a number of seconds greater than 0 (the default is ${timing.maxPollIntervalSeconds}).`,
		);
	}
	const expectedSeconds = options.expectedDuration ?? timing.typicalSeconds?.[0];
	if (
		expectedSeconds !== undefined &&
		(typeof expectedSeconds !== 'number' || !(expectedSeconds > 0))
	) {
		throw new InvalidParameter(
			'Expected Duration (Seconds)',
			`Expected Duration must be a positive number of seconds, not ${JSON.stringify(expectedSeconds)}`,
			"Set how many seconds this model's tasks usually take, or remove the option to use the model's usual time.",
		);
	}
	return {
		wait: ctx.getNodeParameter('waitForCompletion', itemIndex) as boolean,
		// An AI Agent tool never downloads: n8n hands a model JSON only, the files would be dropped.
		download: isToolMode(ctx) ? false : (options.downloadImages ?? true),
		binaryPropertyName: validateBinaryPropertyName(options.binaryPropertyName ?? 'data'),
		timeoutMs: validateTimeoutSeconds(options.timeout ?? timing.timeoutSeconds) * 1000,
		maxPollIntervalMs: maxPollSeconds * 1000,
		...(expectedSeconds !== undefined ? { expectedMs: expectedSeconds * 1000 } : {}),
	};
}

/** The batch-wide request bound: the node's setting, read from the first item. */
export function maxParallelRequests(ctx: IExecuteFunctions): number {
	const value =
		ctx.getInputData().length > 0 ? readTaskOptions(ctx, 0).maxParallelRequests : undefined;
	return typeof value === 'number' && Number.isInteger(value) && value >= 1
		? Math.min(value, 50)
		: DEFAULT_MAX_PARALLEL_REQUESTS;
}

/** The request timeout of the run: the node's setting, read from the first item. */
export function requestTimeoutMs(ctx: IExecuteFunctions): number {
	const value = ctx.getInputData().length > 0 ? readTaskOptions(ctx, 0).requestTimeout : undefined;
	return typeof value === 'number' && value > 0 ? value * 1000 : DEFAULT_REQUEST_TIMEOUT_MS;
}

/** Turns a validation failure into the NodeOperationError n8n shows, naming the field and the item. */
export function parameterError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeOperationError {
	if (error instanceof InvalidParameter) {
		const model = error.model ? ` (${error.model})` : '';
		return new NodeOperationError(
			ctx.getNode(),
			`Invalid "${error.field}" in item ${itemIndex}${model}: ${error.message}`,
			{
				itemIndex,
				description:
					`${error.hint ?? ''} Nothing was sent to Max API and nothing was billed.`.trim(),
			},
		);
	}
	if (error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
