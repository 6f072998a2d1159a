import type { INodeProperties } from 'n8n-workflow';

import { fromAi, withToolDefault } from '../helpers/toolMode';

/** The Task ID field of the operations that act on an existing task. */
export const taskIdProperty: INodeProperties = {
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
	description: 'The taskId output by a Max API node or trigger',
};

/** The Task ID field; as an AI Agent tool the model gives it (from an earlier tool result), unless the user sets it. */
export const taskIdProperties: INodeProperties[] = withToolDefault(
	taskIdProperty,
	fromAi(
		'taskId',
		'The taskId of the Max API task, as an earlier Max API tool result gave it (e.g. a1b2c3d4-e5f6-7890-abcd-ef1234567890)',
	),
);
