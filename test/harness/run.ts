/**
 * Running workflows in n8n-core's WorkflowExecute (n8n CLI: WorkflowRunner.runMainProcess), with the
 * editor's Stop button (cancel) and a safety timeout.
 */
import { initN8nCore } from './core';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { createRunExecutionData } from 'n8n-workflow';
import type {
	IDataObject,
	IRun,
	IRunExecutionData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { buildAdditionalData } from './context';
import { createCredentialsHelper, type HarnessCredentialsHelper } from './credentials';
import { resolvePackage } from './package';
import { makeRunResult, type RunResult } from './result';
import { toInputItems, type HarnessInputItem } from './start-node';
import {
	createWorkflow,
	nextExecutionId,
	normalizeNodes,
	pickStartNode,
	workflowBase,
	type WorkflowSpec,
} from './workflow';

export interface RunOptions extends WorkflowSpec {
	/** Items given to the start node (see HarnessInputItem). */
	items?: HarnessInputItem[];
	/** Name of the node to start from; default: the harness.start node, else the only parentless node. */
	startNode?: string;
	/** Safety net: the run is cancelled and the promise rejected after this many ms (default 30000). */
	timeoutMs?: number;
	/** Execution mode (default 'manual', like pressing "Execute workflow" in the editor). */
	mode?: WorkflowExecuteMode;
}

export interface RunHandle {
	executionId: string;
	/** Resolves with the result once n8n's engine has finished (also after cancel()). */
	promise: Promise<RunResult>;
	/** Stops the execution like the editor's Stop button: n8n cancels the PCancelable run. */
	cancel(): void;
}

export interface ExecuteOptions {
	workflow: Workflow;
	credentialsHelper: HarnessCredentialsHelper;
	runExecutionData: IRunExecutionData;
	executionId: string;
	mode: WorkflowExecuteMode;
	baseUrl?: string;
	timeoutMs?: number;
	onStaticData?: (data: IDataObject) => void;
}

/** Runs prepared execution data through n8n-core's WorkflowExecute. */
export function executePrepared(options: ExecuteOptions): RunHandle {
	const { workflow, executionId, mode } = options;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowBase(workflow));
	// What n8n persists is the run its workflowExecuteAfter hook receives first. After a cancel that
	// is the snapshot taken at cancellation (status 'canceled'); WorkflowExecute's promise resolves
	// later, once the running node has returned, and n8n does not record that second state.
	let recorded: IRun | undefined;
	hooks.addHandler('workflowExecuteAfter', (run, newStaticData) => {
		recorded ??= run;
		if (newStaticData) options.onStaticData?.(newStaticData);
	});
	const additionalData = buildAdditionalData({
		credentialsHelper: options.credentialsHelper,
		baseUrl: options.baseUrl,
		executionId,
		hooks,
		workflowId: workflow.id,
		workflowSettings: workflow.settings,
	});
	const workflowExecute = new WorkflowExecute(additionalData, mode, options.runExecutionData);
	const execution = workflowExecute.processRunExecutionData(workflow);

	const timeoutMs = options.timeoutMs ?? 30_000;
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => {
			execution.cancel();
			reject(
				new Error(
					`Workflow execution ${executionId} did not finish within ${timeoutMs} ms; it was cancelled ` +
						'(if a node ignores its cancel signal, it keeps running in the background)',
				),
			);
		}, timeoutMs);
		timer.unref?.();
	});
	const finished = Promise.resolve(execution).then((engineRun) =>
		makeRunResult(executionId, recorded ?? engineRun, engineRun),
	);
	const promise = Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
	promise.catch(() => {}); // the caller gets the rejection through `promise`; avoid unhandled noise
	return {
		executionId,
		promise,
		cancel: () => execution.cancel(),
	};
}

/**
 * Starts a workflow like the editor's "Execute workflow": the start node gets the given items and
 * n8n's engine runs everything downstream. Returns at once with a handle; await `handle.promise`.
 */
export async function startWorkflow(options: RunOptions): Promise<RunHandle> {
	await initN8nCore();
	const pkg = resolvePackage(options.pkg);
	const credentials = options.credentials ?? {};
	const credentialsHelper = await createCredentialsHelper(pkg, credentials);
	const nodes = normalizeNodes(pkg, options.nodes, credentials);
	const executionId = nextExecutionId();
	const workflow = createWorkflow(pkg, options, nodes, `harness-wf-${executionId}`);
	const startNode = pickStartNode(workflow, options.startNode);
	const inputItems = options.items ? toInputItems(options.items) : [{ json: {} }];
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [inputItems] }, source: null }],
		},
	});
	return executePrepared({
		workflow,
		credentialsHelper,
		runExecutionData,
		executionId,
		mode: options.mode ?? 'manual',
		timeoutMs: options.timeoutMs,
	});
}

/** Runs a workflow to its end and returns the result (see startWorkflow). */
export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	const handle = await startWorkflow(options);
	return await handle.promise;
}
