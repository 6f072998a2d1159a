import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as image from './actions/image';
import { subtitleExpression } from './actions/operations';
import { router } from './actions/router';
import * as task from './actions/task';
import * as video from './actions/video';

export class MaxApi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Max API',
		name: 'maxApi',
		icon: { light: 'file:../../icons/maxapi.svg', dark: 'file:../../icons/maxapi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: subtitleExpression([image.operations, video.operations, task.operations]),
		description: 'Generate images and videos with GPT Image 2, Seedream, Nano Banana, Grok Imagine, Veo 3.1 and Seedance on Max API',
		defaults: { name: 'Max API' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'maxApi', required: true }],
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
}
