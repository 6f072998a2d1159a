// What a paused run leaves in the waiting execution: one item per input item, in order. An item whose
// task is still awaited carries the `maxApiPause` record (what its resume needs: the task id, the
// deadline, the download settings); every other item is already its final output.
//
// n8n keeps nothing else of a node across a wait that the resume can read: the items the node puts
// in place of its input (IExecuteData.data) are what n8n saves with the waiting execution, what the
// node's webhook sees as its input when Max API calls back, and what n8n outputs if it ends the wait
// itself at the deadline without calling the node (its way of ending every wait). So each awaited
// item also reads, as it is, as that task's timeout: its id, status UNKNOWN, and what to do.
// Pure: no n8n here.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

export const PAUSE_KEY = 'maxApiPause';

export interface PauseRecord {
	taskId: string;
	/** The model id submitted: it says whether the results are images or videos, and their price. */
	model: string;
	/** ISO time after which the task counts as timed out, like a polling run's Timeout. */
	deadline: string;
	/** The item's Timeout option, in seconds (for the timeout error's message). */
	timeoutSeconds: number;
	download: boolean;
	binaryPropertyName: string;
}

/** The item of an awaited task: its timeout output, plus the record the resume reads. */
export function awaitedItem(
	itemIndex: number,
	record: PauseRecord,
	timeoutJson: IDataObject,
): INodeExecutionData {
	return { json: { ...timeoutJson, [PAUSE_KEY]: { ...record } }, pairedItem: { item: itemIndex } };
}

/** The record of an awaited item, or undefined for an item that is already final (or not ours). */
export function pauseRecordOf(item: INodeExecutionData | undefined): PauseRecord | undefined {
	const record = item?.json?.[PAUSE_KEY] as Partial<PauseRecord> | undefined;
	if (!record || typeof record !== 'object') return undefined;
	const { taskId, model, deadline, timeoutSeconds, download, binaryPropertyName } = record;
	if (
		typeof taskId !== 'string' ||
		typeof model !== 'string' ||
		typeof deadline !== 'string' ||
		Number.isNaN(Date.parse(deadline))
	) {
		return undefined;
	}
	return {
		taskId,
		model,
		deadline,
		timeoutSeconds: typeof timeoutSeconds === 'number' ? timeoutSeconds : 0,
		download: download === true,
		binaryPropertyName:
			typeof binaryPropertyName === 'string' && binaryPropertyName !== ''
				? binaryPropertyName
				: 'data',
	};
}

/** A final item as the resume outputs it (the pause record is internal and never leaves). */
export function finalItem(item: INodeExecutionData, itemIndex: number): INodeExecutionData {
	const json = { ...item.json };
	delete json[PAUSE_KEY];
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * The order in which a callback looks at the awaited tasks: from its own task on, round the list.
 * The batch is done only when every task has ended, so the walk stops at the first one still
 * running; the callback of the last task to end is the one that finds them all ended. Starting at
 * its own task means each callback mostly looks at tasks that ended before it, so a batch of N costs
 * about N·ln N queries in all rather than N².
 */
export function ringOrder<T>(list: T[], start: number): T[] {
	if (list.length === 0) return [];
	const from = ((start % list.length) + list.length) % list.length;
	return [...list.slice(from), ...list.slice(0, from)];
}
