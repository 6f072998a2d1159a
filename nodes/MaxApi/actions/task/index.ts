import type { INodeProperties } from 'n8n-workflow';

import { operationProperty } from '../operations';
import * as cancel from './cancel.operation';
import * as create from './create.operation';
import * as get from './get.operation';

export { cancel, create, get };

export const operations = {
	get: {
		name: 'Get',
		action: 'Get a task',
		description: 'Get the status and results of a task by its ID',
		subtitle: 'Get Task',
	},
	cancel: {
		name: 'Cancel',
		action: 'Cancel a task',
		description: 'Cancel a task that has not finished yet',
		subtitle: 'Cancel Task',
	},
	create: {
		name: 'Create (Any Model)',
		action: 'Create a task for any model',
		description:
			'Create a task for any Max API model ID with an input you write as JSON, e.g. a model added after this node',
		subtitle: 'Create Task',
	},
} as const;

export const description: INodeProperties[] = [
	operationProperty('task', operations, 'get'),
	...get.description,
	...cancel.description,
	...create.description,
];
