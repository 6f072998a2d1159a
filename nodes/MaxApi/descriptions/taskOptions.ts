// Fields shared by the operations: waiting, downloading, and the batch controls.
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { TaskJob } from '../helpers/taskBatch';
import { InvalidParameter, validateBinaryPropertyName, validateTimeoutSeconds } from '../helpers/validation';
import { POLLING } from '../helpers/waitForTask';

export const DEFAULT_TIMEOUT_SECONDS = 600;
export const DEFAULT_MAX_PARALLEL_REQUESTS = 5;

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
	];
	const common: INodeProperties[] = [
		{
			displayName: 'Download Images',
			name: 'downloadImages',
			type: 'boolean',
			default: true,
			description: 'Whether to download finished images into binary data (result URLs expire after 7 days). The first image goes to the field named below, the next ones to that name with _1, _2… appended.',
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			description: 'Name of the binary field for the first image; further images get _1, _2… appended',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 600,
			description:
				'How long to wait for a task before failing with its ID. The task keeps running at Max API and is billed if it succeeds.',
		},
		{
			displayName: 'Max Poll Interval (Seconds)',
			name: 'maxPollInterval',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10,
			description:
				'The longest wait between two status queries of a task. Queries come closer together while a task is expected to finish.',
		},
		{
			displayName: 'Max Parallel Requests',
			name: 'maxParallelRequests',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: 5,
			description: 'The most requests to Max API in flight at once, across all items of the run',
		},
	];
	return forSubmit ? [...submitOnly, ...common] : common;
}

export function optionsCollection(forSubmit: boolean, operations: string[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { operation: operations } },
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
}

export function readTaskOptions(ctx: IExecuteFunctions, itemIndex: number): TaskOptionValues {
	return ctx.getNodeParameter('options', itemIndex, {}) as TaskOptionValues;
}

/** The waiting and download settings of one item, validated. */
export function jobSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: TaskOptionValues,
): Omit<TaskJob, 'itemIndex' | 'submit' | 'taskId'> {
	const maxPollSeconds = options.maxPollInterval ?? POLLING.maxIntervalMs / 1000;
	if (typeof maxPollSeconds !== 'number' || !(maxPollSeconds > 0)) {
		throw new InvalidParameter(
			'Max Poll Interval (Seconds)',
			`Max Poll Interval must be a positive number of seconds, not ${JSON.stringify(maxPollSeconds)}`,
			'Set a number of seconds greater than 0 (the default is 10).',
		);
	}
	return {
		wait: ctx.getNodeParameter('waitForCompletion', itemIndex) as boolean,
		download: options.downloadImages ?? true,
		binaryPropertyName: validateBinaryPropertyName(options.binaryPropertyName ?? 'data'),
		timeoutMs: validateTimeoutSeconds(options.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
		maxPollIntervalMs: maxPollSeconds * 1000,
	};
}

/** The batch-wide request bound: the node's setting, read from the first item. */
export function maxParallelRequests(ctx: IExecuteFunctions): number {
	const value = ctx.getInputData().length > 0 ? readTaskOptions(ctx, 0).maxParallelRequests : undefined;
	return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? Math.min(value, 50) : DEFAULT_MAX_PARALLEL_REQUESTS;
}

/** Turns a validation failure into the NodeOperationError n8n shows, naming the field and the item. */
export function parameterError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeOperationError {
	if (error instanceof InvalidParameter) {
		return new NodeOperationError(ctx.getNode(), `Invalid "${error.field}" in item ${itemIndex}: ${error.message}`, {
			itemIndex,
			description: `${error.hint ?? ''} Nothing was sent to Max API and nothing was billed.`.trim(),
		});
	}
	if (error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
