// "Any model by id": the user writes the model id and the input; they are sent as they are, then the
// task is waited for, downloaded and priced like any other. It serves models the catalog does not have
// yet (or no longer lists), on the day Max API adds them.
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { findModel } from '../../../shared/models';
import { jobSettings, optionsCollection, readTaskOptions } from '../../descriptions/taskOptions';
import { waitModeProperties } from '../../descriptions/waitMode';
import { submitBody } from '../../helpers/submitBody';
import { parseInputJson, validateModelId } from '../../helpers/validation';
import { executeTasks } from '../executeTasks';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['create'] } },
	[
		{
			displayName: 'Model',
			name: 'model',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. seedream-4.5',
			description: "The Max API model ID, as the model's page at docs.maxapi.io gives it",
		},
		{
			displayName: 'Input',
			name: 'input',
			type: 'json',
			required: true,
			default: '{\n  "prompt": ""\n}',
			description: "The task's input object, sent as it is: the fields the model's page documents",
		},
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait until the task has finished and output its results. Off: output the task ID at once.',
		},
		...waitModeProperties,
		optionsCollection(true),
	],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await executeTasks(this, (itemIndex, client) => {
		const model = validateModelId(this.getNodeParameter('model', itemIndex));
		const input = parseInputJson(this.getNodeParameter('input', itemIndex));
		const options = readTaskOptions(this, itemIndex);
		const submit = submitBody(model, input, options, client);
		return {
			itemIndex,
			submit,
			...jobSettings(this, itemIndex, options, findModel(model)?.timing),
		};
	});
}
