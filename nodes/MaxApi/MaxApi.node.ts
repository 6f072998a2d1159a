import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as image from './actions/image';
import { router } from './actions/router';
import * as task from './actions/task';

export class MaxApi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Max API',
		name: 'maxApi',
		icon: { light: 'file:../../icons/maxapi.svg', dark: 'file:../../icons/maxapi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"textToImage": "Text to Image", "imageToImage": "Image to Image", "get": "Get Task"}[$parameter["operation"]] }}',
		description: 'Generate and edit images with GPT Image 2 on Max API',
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
				displayOptions: { show: { resource: ['image'] } },
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Image', value: 'image' },
					{ name: 'Task', value: 'task' },
				],
				default: 'image',
			},
			...image.description,
			...task.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
