import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import * as image from './actions/image';
import { subtitleExpression } from './actions/operations';
import { router } from './actions/router';
import { resumeWebhook } from './pause/resumeWebhook';
import { serveInputFile } from './pause/serveInputFile';
import * as task from './actions/task';
import * as video from './actions/video';

/**
 * The resume URL of a paused run (Wait Mode "Pause Until Callback"): Max API POSTs each finished task
 * there. Only a waiting execution of this node answers it (restartWebhook, as n8n's Wait node has), so
 * nothing is registered anywhere and there is no webhook lifecycle; the node is never a trigger.
 */
const RESUME_WEBHOOKS: INodeTypeDescription['webhooks'] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		path: '',
		restartWebhook: true,
		ndvHideUrl: true,
		ndvHideMethod: true,
	},
	// Image Source "Binary Data": Max API downloads the source files from the waiting execution with
	// GETs at the same resume URL (signed parameters name the file); they never resume it.
	{
		name: 'default',
		httpMethod: 'GET',
		responseMode: 'onReceived',
		path: '',
		restartWebhook: true,
		ndvHideUrl: true,
		ndvHideMethod: true,
	},
];

export class MaxApi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Max API',
		name: 'maxApi',
		icon: { light: 'file:../../icons/maxapi.svg', dark: 'file:../../icons/maxapi.dark.svg' },
		group: ['transform'],
		// 1.1: Wait Mode starts at Auto (1 keeps polling, as saved workflows did).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: subtitleExpression([image.operations, video.operations, task.operations]),
		description:
			'Generate images and videos with GPT Image 2, Seedream, Nano Banana, Grok Imagine, Veo 3.1 and Seedance on Max API',
		defaults: { name: 'Max API' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'maxApi', required: true }],
		webhooks: RESUME_WEBHOOKS,
		properties: [
			{
				displayName:
					"Each run submits one billed task per item. n8n's Retry On Fail re-runs the node and so submits (and bills) again: prefer Get Task with the task ID from the error.",
				name: 'billingNotice',
				type: 'notice',
				default: '',
				displayOptions: { hide: { operation: ['get', 'cancel'] } },
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Image', value: 'image' },
					{ name: 'Task', value: 'task' },
					{ name: 'Video', value: 'video' },
				],
				default: 'image',
			},
			...image.description,
			...video.description,
			...task.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		// n8n routes by method: a GET is a download of a source file, a POST a callback.
		if (this.getRequestObject().method === 'GET') return await serveInputFile.call(this);
		return await resumeWebhook.call(this);
	}
}
