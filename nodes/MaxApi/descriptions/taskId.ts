import type { INodeProperties } from 'n8n-workflow';

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
