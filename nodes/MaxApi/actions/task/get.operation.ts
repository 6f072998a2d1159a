import type { IExecuteFunctions, INodeExecutionData, INodeProperties, NodeOperationError } from 'n8n-workflow';

import { MaxApiClient } from '../../../shared/transport';
import {
	jobSettings,
	maxParallelRequests,
	optionsCollection,
	parameterError,
	readTaskOptions,
} from '../../descriptions/taskOptions';
import { runTaskBatch, type TaskJob } from '../../helpers/taskBatch';
import { validateTaskId } from '../../helpers/validation';

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
	const client = await MaxApiClient.connect(this, this.getExecutionCancelSignal());
	const jobs: Array<TaskJob | NodeOperationError> = this.getInputData().map((_, itemIndex) => {
		try {
			const taskId = validateTaskId(this.getNodeParameter('taskId', itemIndex));
			return { itemIndex, taskId, ...jobSettings(this, itemIndex, readTaskOptions(this, itemIndex)) };
		} catch (error) {
			return parameterError(this, error, itemIndex);
		}
	});
	return await runTaskBatch(this, client, jobs, maxParallelRequests(this));
}
