// Runs the tasks of one node execution as a batch: submit every item first, then wait for all the
// tasks together, so N items take about one task's latency, not N of them. HTTP requests in flight
// are bounded. Nothing is ever submitted twice, and every task id created reaches the output or the
// error, so no paid result is lost.
import {
	NodeApiError,
	NodeOperationError,
	type IBinaryKeyData,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import type { SubmitBody, TaskData } from '../../shared/api';
import { downloadTaskResults } from '../../shared/download';
import { explainTaskEnd, resultMedia, resultUrls, taskEndMessage, taskModel, taskToJson } from '../../shared/taskOutput';
import type { MaxApiClient } from '../../shared/transport/client';
import { maxApiError } from '../../shared/transport/errors';
import { errorJson } from './errorJson';
import { createLimiter } from './limiter';
import { TaskWaiter, TaskWaitStopped, TaskWaitTimeout } from './waitForTask';

/** What to do for one input item: create a task, or look one up. */
export interface TaskJob {
	itemIndex: number;
	submit?: SubmitBody;
	taskId?: string;
	wait: boolean;
	download: boolean;
	binaryPropertyName: string;
	timeoutMs: number;
	/** The cap on the interval between two polls of the task. */
	maxPollIntervalMs: number;
	/** How long the task should take (the model's usual time, or the user's), when known. */
	expectedMs?: number;
}

type NodeError = NodeApiError | NodeOperationError;

interface ItemState {
	job: TaskJob;
	taskId?: string;
	submittedAt?: number;
	task?: TaskData;
	binary?: IBinaryKeyData;
	error?: NodeError;
	/** Why a waited-for task has no results, when that is output rather than an error (endedTasksAsOutput). */
	ended?: NodeApiError;
}

export interface BatchOptions {
	/**
	 * A waited-for task that ended without results (FAILURE, TIMEOUT, CANCELLED, or SUCCESS without URLs)
	 * becomes its item's output, with the error's message and explanation, instead of failing the run:
	 * what an AI Agent tool needs, since the model can act on it.
	 */
	endedTasksAsOutput?: boolean;
}

/** Runs the batch; `jobs[i]` is the job of input item i, or the error its parameters raised. */
export async function runTaskBatch(
	ctx: IExecuteFunctions,
	client: MaxApiClient,
	jobs: Array<TaskJob | NodeOperationError>,
	maxParallelRequests: number,
	options: BatchOptions = {},
): Promise<INodeExecutionData[]> {
	const continueOnFail = ctx.continueOnFail();

	// Bad parameters anywhere stop the run before anything is sent or billed.
	const invalid = jobs.find((job): job is NodeOperationError => job instanceof NodeOperationError);
	if (invalid && !continueOnFail) throw invalid;

	const signal = ctx.getExecutionCancelSignal();
	const limit = createLimiter(maxParallelRequests);
	// Downloads go to the CDN, not to Max API, and take far longer than a status query: with a pool of
	// their own they never hold up the queries that notice the other tasks finishing.
	const limitDownloads = createLimiter(maxParallelRequests);
	// Without continueOnFail the first failure ends the run: no new submits, no more waiting.
	const stopOthers = new AbortController();
	signal?.addEventListener('abort', () => stopOthers.abort(), { once: true });

	const states: Array<ItemState | NodeOperationError> = jobs.map((job) =>
		job instanceof NodeOperationError ? job : { job, taskId: job.taskId },
	);
	const live = states.filter((state): state is ItemState => !(state instanceof NodeOperationError));

	const fail = (state: ItemState, error: NodeError) => {
		state.error = error;
		if (!continueOnFail) stopOthers.abort();
	};

	await Promise.all(
		live
			.filter((state) => state.job.submit)
			.map(async (state) =>
				limit(async () => {
					if (stopOthers.signal.aborted) return;
					try {
						state.taskId = await client.submit(state.job.submit!, state.job.itemIndex);
						state.submittedAt = Date.now();
					} catch (error) {
						fail(state, error as NodeError);
					}
				}),
			),
	);

	const waiter = new TaskWaiter(stopOthers.signal);
	waiter.addSubmitted(
		live
			.filter((state) => state.submittedAt !== undefined)
			.map((state) => ({ taskId: state.taskId!, submittedAt: state.submittedAt! })),
	);

	await Promise.all(
		live.map(async (state) => {
			if (state.error || !state.taskId || stopOthers.signal.aborted) return;
			const { job } = state;
			const taskId = state.taskId;
			try {
				if (job.wait) {
					const query = async () => await limit(async () => await client.getTask(taskId, job.itemIndex));
					const limits = { timeoutMs: job.timeoutMs, maxIntervalMs: job.maxPollIntervalMs, expectedMs: job.expectedMs };
					state.task = job.submit
						? await waiter.waitForSubmitted(taskId, query, limits)
						: await waiter.waitForExisting(taskId, query, limits);
				} else if (job.submit) {
					// Just created: queued, by the API's definition. Not worth a query.
					state.task = { taskId, status: 'PENDING', input: null, result: null, failure_reason: null };
				} else {
					state.task = await limit(async () => await client.getTask(taskId, job.itemIndex));
				}

				const urls = resultUrls(state.task);
				if (job.wait && (state.task.status !== 'SUCCESS' || urls.length === 0)) {
					// Waited for results and got none: saying SUCCESS would hand downstream nodes nothing.
					const error =
						state.task.status !== 'SUCCESS' ? taskEndedError(ctx, state.task, job.itemIndex) : noResultError(ctx, state.task, job.itemIndex);
					if (options.endedTasksAsOutput) state.ended = error;
					else fail(state, error);
					return;
				}
				if (job.download && urls.length > 0) {
					const media = resultMedia(state.task, taskModel(state.task, job.submit));
					state.binary = await limitDownloads(
						async () => await downloadTaskResults(ctx, { taskId, urls, media }, job.binaryPropertyName, job.itemIndex, signal),
					);
				}
			} catch (error) {
				if (error instanceof TaskWaitStopped) {
					if (signal?.aborted) fail(state, new NodeOperationError(ctx.getNode(), error.message, { itemIndex: job.itemIndex }));
					return; // another item failed: that item's error is the one reported
				}
				fail(state, error instanceof TaskWaitTimeout ? timeoutError(ctx, error, job.itemIndex) : (error as NodeError));
			}
		}),
	);

	if (!continueOnFail) {
		const failed = live.find((state) => state.error);
		if (failed) throw withTaskList(failed.error!, live);
	}

	return states.map((state, itemIndex) => {
		const pairedItem = { item: itemIndex };
		if (state instanceof NodeOperationError) {
			return { json: errorJson(state), pairedItem };
		}
		const base = state.task
			? taskToJson(state.task, state.job.submit)
			: { taskId: state.taskId ?? null, status: state.taskId ? 'UNKNOWN' : 'NOT_SUBMITTED' };
		const error = state.error ?? state.ended;
		if (error) return { json: { ...base, ...errorJson(error) }, pairedItem };
		return state.binary ? { json: base, binary: state.binary, pairedItem } : { json: base, pairedItem };
	});
}

function taskEndedError(ctx: IExecuteFunctions, task: TaskData, itemIndex: number): NodeApiError {
	return maxApiError(ctx.getNode(), { ...task } as unknown as JsonObject, {
		itemIndex,
		message: taskEndMessage(task),
		description: `${explainTaskEnd(task)} Task ID: ${task.taskId}`,
	});
}

function noResultError(ctx: IExecuteFunctions, task: TaskData, itemIndex: number): NodeApiError {
	return maxApiError(ctx.getNode(), { ...task } as unknown as JsonObject, {
		itemIndex,
		message: `Max API task ${task.taskId} ended with SUCCESS but returned no ${resultMedia(task, taskModel(task))} URLs`,
		description: `There is nothing to output or download. Run Get Task with Task ID ${task.taskId} later in case the URLs appear; if they do not, contact Max API support with the task ID (a successful task may be billed).`,
	});
}

function timeoutError(ctx: IExecuteFunctions, error: TaskWaitTimeout, itemIndex: number): NodeOperationError {
	const last = error.lastError ? ` The last query failed: ${error.lastError.message}.` : '';
	return new NodeOperationError(ctx.getNode(), error.message, {
		itemIndex,
		description: `The task may still finish at Max API, and is billed if it succeeds. Look it up later with the Get Task operation and Task ID ${error.taskId}, or raise the Timeout option.${last}`,
	});
}

/** Adds to the error the id of every task this run created, so none is lost when the run fails. */
function withTaskList(error: NodeError, states: ItemState[]): NodeError {
	const created = states.filter((state) => state.taskId && state.job.submit);
	if (created.length > 0) {
		const list = created
			.map((state) => `item ${state.job.itemIndex}: ${state.taskId} (${state.task?.status ?? 'submitted'})`)
			.join('; ');
		error.description = `${error.description ?? ''}\nTasks this run created (look them up with Get Task; they are billed if they succeed): ${list}`.trim();
	}
	return error;
}
