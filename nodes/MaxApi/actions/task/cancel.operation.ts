// Cancel: ask Max API to cancel each item's task, then output the task as the API reports it after.
// Which statuses can still be cancelled is the API's decision (two versions of its docs differ), so
// nothing is pre-judged here: a refusal becomes that item's error.
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type NodeApiError,
	type NodeOperationError,
} from 'n8n-workflow';

import { taskToJson } from '../../../shared/taskOutput';
import { MaxApiClient } from '../../../shared/transport/client';
import { parameterError, requestTimeoutMs } from '../../descriptions/taskOptions';
import { taskIdProperties } from '../../descriptions/taskId';
import { errorJson } from '../../helpers/errorJson';
import { validateTaskId } from '../../helpers/validation';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['cancel'] } },
	[...taskIdProperties],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	// Every Task ID is checked before anything is sent.
	const taskIds = items.map((_, itemIndex) => {
		try {
			return validateTaskId(this.getNodeParameter('taskId', itemIndex));
		} catch (error) {
			return parameterError(this, error, itemIndex);
		}
	});
	const invalid = taskIds.find((taskId) => typeof taskId !== 'string');
	if (invalid && !this.continueOnFail()) throw invalid;

	const client = await MaxApiClient.connect(this, {
		signal: this.getExecutionCancelSignal(),
		requestTimeoutMs: requestTimeoutMs(this),
	});
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, taskId] of taskIds.entries()) {
		const pairedItem = { item: itemIndex };
		if (typeof taskId !== 'string') {
			output.push({ json: errorJson(taskId), pairedItem });
			continue;
		}
		// The client raises only NodeApiError and NodeOperationError.
		let failure: NodeApiError | NodeOperationError | undefined;
		let refusal: NodeApiError | NodeOperationError | undefined;
		try {
			await client.cancelTask(taskId, itemIndex);
		} catch (error) {
			refusal = error as NodeApiError | NodeOperationError;
		}
		try {
			const task = await client.getTask(taskId, itemIndex);
			// A refusal of a task that is CANCELLED is a cancel that already happened: a resent request
			// whose first answer was lost, or a second Cancel. Either way the user's intent holds.
			if (refusal && task.status !== 'CANCELLED') failure = refusal;
			else output.push({ json: taskToJson(task), pairedItem });
		} catch (error) {
			failure = refusal ?? (error as NodeApiError | NodeOperationError);
		}
		if (failure && !this.continueOnFail()) throw failure;
		if (failure) output.push({ json: { taskId, ...errorJson(failure) }, pairedItem });
	}
	return output;
}
