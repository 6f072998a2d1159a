import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { jobSettings, optionsCollection, readTaskOptions } from '../../descriptions/taskOptions';
import { validateTaskId } from '../../helpers/validation';
import { executeTasks } from '../executeTasks';

const show = { displayOptions: { show: { resource: ['task'], operation: ['get'] } } };

export const description: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
		description: 'The taskId output by a Max API node or trigger',
		...show,
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description: 'Whether to wait until the task has finished. Off: output its current status at once.',
		...show,
	},
	optionsCollection(false, ['get']),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await executeTasks(this, (itemIndex) => ({
		itemIndex,
		taskId: validateTaskId(this.getNodeParameter('taskId', itemIndex)),
		...jobSettings(this, itemIndex, readTaskOptions(this, itemIndex)),
	}));
}
