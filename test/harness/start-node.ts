/**
 * `harness.start`, the harness' own start node (n8n-nodes-base is not a dependency, so there is no
 * Manual Trigger), and the input items tests give it.
 */
import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

/** Type name of the harness start node. */
export const HARNESS_START_NODE_TYPE = 'harness.start';

/** A binary input as tests write it: raw bytes + metadata. Stored through n8n's prepareBinaryData. */
export interface HarnessBinaryInput {
	data: Buffer | Uint8Array | string; // a string is base64, as in n8n's in-memory binary mode
	mimeType?: string;
	fileName?: string;
}

type WrappedItem = { json: IDataObject; binary?: Record<string, HarnessBinaryInput | IBinaryData> };

/** An input item: plain JSON, or `{ json, binary? }` (binary values may be HarnessBinaryInput). */
export type HarnessInputItem = IDataObject | WrappedItem;

function isWrappedItem(item: HarnessInputItem): item is WrappedItem {
	if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
	const keys = Object.keys(item);
	return (
		keys.includes('json') &&
		typeof item.json === 'object' &&
		item.json !== null &&
		keys.every((k) => ['json', 'binary', 'pairedItem'].includes(k))
	);
}

/** Input items as n8n puts them on the execution stack (binary inputs are stored by the start node). */
export function toInputItems(items: HarnessInputItem[]): INodeExecutionData[] {
	return items.map((item) =>
		isWrappedItem(item) ? (item as unknown as INodeExecutionData) : { json: item as IDataObject },
	);
}

/**
 * `harness.start`: plays the role of n8n's Manual Trigger for tests. It outputs the items of its
 * `items` parameter (a JSON array, or a JSON string of one) when set, otherwise the items the
 * harness put on the execution stack (runWorkflow's `items` option), otherwise one empty item
 * (what the Manual Trigger emits). Binary inputs given as bytes are stored with n8n's own
 * `helpers.prepareBinaryData`, so downstream nodes receive binary data exactly as from any n8n node.
 */
class HarnessStartNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Start',
		name: 'start',
		group: ['trigger'],
		version: 1,
		description: 'Start point of a harness workflow: outputs the items it is given',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Items',
				name: 'items',
				type: 'json',
				default: '',
				description: 'JSON array of the items to output',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let raw: unknown = this.getNodeParameter('items', 0, '');
		if (typeof raw === 'string') raw = raw.trim() === '' ? undefined : JSON.parse(raw);
		let source: HarnessInputItem[];
		if (Array.isArray(raw)) source = raw as HarnessInputItem[];
		else if (raw !== undefined && raw !== null) source = [raw as HarnessInputItem];
		else {
			const input = this.getInputData();
			source = input.length > 0 ? (input as HarnessInputItem[]) : [{ json: {} }];
		}

		const out: INodeExecutionData[] = [];
		for (let i = 0; i < source.length; i++) {
			const item = source[i];
			const wrapped = isWrappedItem(item) ? item : { json: item as IDataObject };
			const result: INodeExecutionData = { json: wrapped.json, pairedItem: { item: i } };
			if (wrapped.binary) {
				result.binary = {};
				for (const [key, value] of Object.entries(wrapped.binary)) {
					if ((value as IBinaryData).id) {
						result.binary[key] = value as IBinaryData;
						continue;
					}
					const bytes =
						typeof value.data === 'string'
							? Buffer.from(value.data, 'base64')
							: Buffer.from(value.data as Uint8Array);
					result.binary[key] = await this.helpers.prepareBinaryData(
						bytes,
						value.fileName,
						value.mimeType,
					);
				}
			}
			out.push(result);
		}
		return [out];
	}
}

/** The harness' own node types, by name after the `harness.` prefix. */
export const HARNESS_NODES: Record<string, INodeType> = { start: new HarnessStartNode() };
