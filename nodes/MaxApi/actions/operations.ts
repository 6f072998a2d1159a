// How a resource lists its operations: one table per resource (name, action, description) from which
// the Operation field and the node's subtitle are both derived, so they cannot disagree.
import type { INodeProperties } from 'n8n-workflow';

export interface OperationInfo {
	/** The operation's name in the Operation field, e.g. "Text to Image". */
	name: string;
	/** The action's name in the nodes panel, e.g. "Generate an image from text". */
	action: string;
	description: string;
	/** The canvas subtitle when the name alone is not clear, e.g. "Get Task" for Get. */
	subtitle?: string;
}

export type OperationTable = Record<string, OperationInfo>;

/** The Operation field of `resource`, its options in alphabetical order as n8n lists them. */
export function operationProperty(
	resource: string,
	table: OperationTable,
	defaultOperation: string,
): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options: Object.entries(table)
			.map(([value, { name, action, description }]) => ({ name, value, action, description }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		default: defaultOperation,
	};
}

/** The node's subtitle: the chosen operation's name, e.g. "Text to Image" or "Get Task". */
export function subtitleExpression(tables: OperationTable[]): string {
	const names: Record<string, string> = {};
	for (const table of tables) {
		for (const [value, info] of Object.entries(table)) names[value] = info.subtitle ?? info.name;
	}
	return `={{ ${JSON.stringify(names)}[$parameter["operation"]] }}`;
}
