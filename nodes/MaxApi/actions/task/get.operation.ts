import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { jobSettings, optionsCollection, readTaskOptions } from '../../descriptions/taskOptions';
import { taskIdProperties } from '../../descriptions/taskId';
import { validateTaskId } from '../../helpers/validation';
import { executeTasks } from '../executeTasks';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['get'] } },
	[
		...taskIdProperties,
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: false,
			description:
				'Whether to wait until the task has finished. Off: output its current status at once.',
		},
		optionsCollection(false),
	],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await executeTasks(this, (itemIndex) => ({
		itemIndex,
		taskId: validateTaskId(this.getNodeParameter('taskId', itemIndex)),
		...jobSettings(this, itemIndex, readTaskOptions(this, itemIndex)),
	}));
}
