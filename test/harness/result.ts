/** What a test reads of a finished run: status, error, each node's output, binary bytes. */
import { Container } from './core';

import { BinaryDataService } from 'n8n-core';
import type {
	ExecutionError,
	ExecutionStatus,
	INodeExecutionData,
	IRun,
	IRunData,
} from 'n8n-workflow';

export interface RunResult {
	executionId: string;
	status: ExecutionStatus;
	finished: boolean;
	/**
	 * The execution error as n8n stores it (resultData.error): a plain copy of the thrown error's own
	 * properties plus message and stack — `name` (e.g. 'NodeApiError'), `description`, `httpCode`,
	 * `context`, `node`, ... Undefined when the execution succeeded.
	 */
	error?: ExecutionError;
	/** The run as n8n records it (what its workflowExecuteAfter hook receives first). */
	run: IRun;
	/**
	 * What WorkflowExecute's promise finally resolved with. Same object as `run`, except after
	 * cancel(): `run` is n8n's snapshot at cancellation (status 'canceled'), `engineRun` shows how the
	 * running node ended afterwards (e.g. the error it threw once its cancel signal fired).
	 */
	engineRun: IRun;
	runData: IRunData;
	lastNodeExecuted?: string;
	/** Names of the nodes that ran, in order of their first run. */
	executedNodes: string[];
	/** Output items of the last run of a node (throws if the node never ran). */
	outputOf(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** Error of the last run of a node, as n8n stores it in the node's task data. */
	nodeError(nodeName: string): ExecutionError | undefined;
	/** The bytes of a binary property of an output item, read back through n8n's BinaryDataService. */
	binaryBuffer(
		nodeName: string,
		itemIndex: number,
		propertyName?: string,
		outputIndex?: number,
	): Promise<Buffer>;
}

export function makeRunResult(executionId: string, run: IRun, engineRun: IRun = run): RunResult {
	const runData = run.data.resultData.runData ?? {};
	const lastTask = (nodeName: string) => {
		const tasks = runData[nodeName];
		if (!tasks || tasks.length === 0) {
			throw new Error(
				`Node "${nodeName}" did not run. Nodes that ran: ${Object.keys(runData).join(', ') || '(none)'}` +
					(run.data.resultData.error
						? ` — execution error: ${run.data.resultData.error.message}`
						: ''),
			);
		}
		return tasks[tasks.length - 1];
	};
	const outputOf = (nodeName: string, outputIndex = 0): INodeExecutionData[] =>
		lastTask(nodeName).data?.main?.[outputIndex] ?? [];
	return {
		executionId,
		status: run.status,
		finished: run.finished === true,
		error: run.data.resultData.error,
		run,
		engineRun,
		runData,
		lastNodeExecuted: run.data.resultData.lastNodeExecuted,
		executedNodes: Object.keys(runData),
		outputOf,
		nodeError: (nodeName) => lastTask(nodeName).error,
		async binaryBuffer(nodeName, itemIndex, propertyName = 'data', outputIndex = 0) {
			const item = outputOf(nodeName, outputIndex)[itemIndex];
			if (!item) throw new Error(`Node "${nodeName}" has no output item ${itemIndex}`);
			const binary = item.binary?.[propertyName];
			if (!binary) {
				throw new Error(
					`Item ${itemIndex} of "${nodeName}" has no binary property "${propertyName}" ` +
						`(has: ${Object.keys(item.binary ?? {}).join(', ') || 'none'})`,
				);
			}
			return await Container.get(BinaryDataService).getAsBuffer(binary);
		},
	};
}
