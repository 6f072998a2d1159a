// Runs the tasks of one node execution as a batch: every item is submitted at once (HTTP requests in
// flight are bounded) and each task is waited for from the moment its submit returns, so N items take
// about one task's latency, not N of them, and the first tasks of a large batch are found while the
// last are still being submitted. Nothing is ever submitted twice, and every task id created reaches
// the output or the error, so no paid result is lost.
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
import {
	explainTaskEnd,
	resultMedia,
	resultUrls,
	taskEndMessage,
	taskModel,
	taskToJson,
} from '../../shared/taskOutput';
import type { MaxApiClient, MaxApiContext } from '../../shared/transport/client';
import { maxApiError } from '../../shared/transport/errors';
import { errorJson } from './errorJson';
import { createLimiter, type Limiter } from './limiter';
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

export type NodeError = NodeApiError | NodeOperationError;

export interface ItemState {
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

/** The states of a batch's items: the job of each input item, or the error its parameters raised. */
function itemStates(
	jobs: Array<TaskJob | NodeOperationError>,
): Array<ItemState | NodeOperationError> {
	return jobs.map((job) => (job instanceof NodeOperationError ? job : { job, taskId: job.taskId }));
}

function liveStates(states: Array<ItemState | NodeOperationError>): ItemState[] {
	return states.filter((state): state is ItemState => !(state instanceof NodeOperationError));
}

/**
 * Submits every job that creates a task, at most `limit` requests at once. A failed submit is that
 * item's error (`fail`); once `stop` is aborted no further task is submitted.
 */
export async function submitAll(
	client: MaxApiClient,
	live: ItemState[],
	limit: Limiter,
	fail: (state: ItemState, error: NodeError) => void,
	stop: AbortSignal,
): Promise<void> {
	await Promise.all(
		live
			.filter((state) => state.job.submit)
			.map(async (state) => await submitOne(client, state, limit, fail, stop)),
	);
}

/** Submits one job's task (sets its taskId and submittedAt), or makes the failure the item's error. */
async function submitOne(
	client: MaxApiClient,
	state: ItemState,
	limit: Limiter,
	fail: (state: ItemState, error: NodeError) => void,
	stop: AbortSignal,
): Promise<void> {
	await limit(async () => {
		if (stop.aborted) return;
		try {
			state.taskId = await client.submit(state.job.submit!, state.job.itemIndex);
			state.submittedAt = Date.now();
		} catch (error) {
			fail(state, error as NodeError);
		}
	});
}

/**
 * The batch's requests to Max API, at most `limit` in flight, where status queries go ahead of queued
 * submits: the first tasks of a large batch are waited for while hundreds of submits are still queued,
 * and a query queued behind them would see its task finished seconds late. Queries are few at a time
 * (about one per task, near its expected end), so the submits still flow.
 */
function requestPool(limit: number): { submits: Limiter; queries: Limiter } {
	let inFlight = 0;
	const waiting = { queries: [] as Array<() => void>, submits: [] as Array<() => void> };
	const lane =
		(queue: Array<() => void>): Limiter =>
		async (job) => {
			if (inFlight < limit) inFlight++;
			else await new Promise<void>((resolve) => queue.push(resolve)); // a finishing request hands over its slot
			try {
				return await job();
			} finally {
				const next = waiting.queries.shift() ?? waiting.submits.shift();
				if (next) next();
				else inFlight--;
			}
		};
	return { submits: lane(waiting.submits), queries: lane(waiting.queries) };
}

/**
 * What a waited-for task that has ended gives its item: its results (downloaded when asked), or the
 * error of a task that ended without them (`ended` instead of `error` with endedTasksAsOutput).
 */
export async function settleTask(
	ctx: MaxApiContext,
	state: ItemState,
	task: TaskData,
	limitDownloads: Limiter,
	options: BatchOptions,
	fail: (state: ItemState, error: NodeError) => void,
	signal?: AbortSignal,
): Promise<void> {
	const { job } = state;
	state.task = task;
	const urls = resultUrls(task);
	if (job.wait && (task.status !== 'SUCCESS' || urls.length === 0)) {
		// Waited for results and got none: saying SUCCESS would hand downstream nodes nothing.
		const error =
			task.status !== 'SUCCESS'
				? taskEndedError(ctx, task, job.itemIndex)
				: noResultError(ctx, task, job.itemIndex);
		if (options.endedTasksAsOutput) state.ended = error;
		else fail(state, error);
		return;
	}
	if (job.download && urls.length > 0) {
		const media = resultMedia(task, taskModel(task, job.submit));
		state.binary = await limitDownloads(
			async () =>
				await downloadTaskResults(
					ctx,
					{ taskId: task.taskId, urls, media },
					job.binaryPropertyName,
					job.itemIndex,
					signal,
				),
		);
	}
}

/** Runs the batch; `jobs[i]` is the job of input item i, or the error its parameters raised. */
export async function runTaskBatch(
	ctx: IExecuteFunctions,
	client: MaxApiClient,
	jobs: Array<TaskJob | NodeOperationError>,
	maxParallelRequests: number,
	options: BatchOptions = {},
): Promise<INodeExecutionData[]> {
	const { states, live, stopOthers, fail, throwFirstFailure } = startBatch(ctx, jobs);
	const signal = ctx.getExecutionCancelSignal();
	const requests = requestPool(maxParallelRequests);
	// Downloads go to the CDN, not to Max API, and take far longer than a status query: with a pool of
	// their own they never hold up the queries that notice the other tasks finishing.
	const limitDownloads = createLimiter(maxParallelRequests);

	const waiter = new TaskWaiter(stopOthers.signal);

	// Each item on its own: submit (queued in item order), then wait from the moment its submit
	// returned, without waiting for the other submits: with 1000 items those take seconds, and the
	// first tasks may be done by then.
	await Promise.all(
		live.map(async (state) => {
			const { job } = state;
			if (job.submit) {
				await submitOne(client, state, requests.submits, fail, stopOthers.signal);
				if (state.submittedAt !== undefined)
					waiter.addSubmitted([{ taskId: state.taskId!, submittedAt: state.submittedAt }]);
			}
			if (state.error || !state.taskId || stopOthers.signal.aborted) return;
			const taskId = state.taskId;
			try {
				let task: TaskData;
				if (job.wait) {
					const query = async () =>
						await requests.queries(async () => await client.getTask(taskId, job.itemIndex));
					const limits = {
						timeoutMs: job.timeoutMs,
						maxIntervalMs: job.maxPollIntervalMs,
						expectedMs: job.expectedMs,
					};
					task = job.submit
						? await waiter.waitForSubmitted(taskId, query, limits)
						: await waiter.waitForExisting(taskId, query, limits);
				} else if (job.submit) {
					// Just created: queued, by the API's definition. Not worth a query.
					task = { taskId, status: 'PENDING', input: null, result: null, failure_reason: null };
				} else {
					task = await requests.queries(async () => await client.getTask(taskId, job.itemIndex));
				}
				await settleTask(ctx, state, task, limitDownloads, options, fail, signal);
			} catch (error) {
				if (error instanceof TaskWaitStopped) {
					if (signal?.aborted)
						fail(
							state,
							new NodeOperationError(ctx.getNode(), error.message, { itemIndex: job.itemIndex }),
						);
					return; // another item failed: that item's error is the one reported
				}
				fail(
					state,
					error instanceof TaskWaitTimeout
						? timeoutError(ctx, error, job.itemIndex)
						: (error as NodeError),
				);
			}
		}),
	);

	throwFirstFailure();
	return states.map((state, itemIndex) => itemOutput(state, itemIndex));
}

/**
 * What every batch starts with, polling or pausing: without Continue On Fail the first failure (or
 * the editor's Stop) ends the run: no new submits, no more waiting, and the error lists every task id
 * (nothing lost). Bad parameters never get here without Continue On Fail: executeTasks stops the run
 * on them before anything is decided, sent or billed.
 */
export function startBatch(ctx: IExecuteFunctions, jobs: Array<TaskJob | NodeOperationError>) {
	const continueOnFail = ctx.continueOnFail();
	const stopOthers = new AbortController();
	ctx
		.getExecutionCancelSignal()
		?.addEventListener('abort', () => stopOthers.abort(), { once: true });
	const states = itemStates(jobs);
	const live = liveStates(states);
	const fail = (state: ItemState, error: NodeError) => {
		state.error = error;
		if (!continueOnFail) stopOthers.abort();
	};
	const throwFirstFailure = () => {
		if (continueOnFail) return;
		const failed = live.find((state) => state.error);
		if (failed) throw withTaskList(failed.error!, live);
	};
	return { states, live, stopOthers, fail, throwFirstFailure };
}

/** The output item of input item `itemIndex`: its task, results and error, as Continue On Fail shows them. */
export function itemOutput(
	state: ItemState | NodeOperationError,
	itemIndex: number,
): INodeExecutionData {
	const pairedItem = { item: itemIndex };
	if (state instanceof NodeOperationError) {
		return { json: errorJson(state), pairedItem };
	}
	const base = state.task
		? taskToJson(state.task, state.job.submit)
		: { taskId: state.taskId ?? null, status: state.taskId ? 'UNKNOWN' : 'NOT_SUBMITTED' };
	const error = state.error ?? state.ended;
	if (error) return { json: { ...base, ...errorJson(error) }, pairedItem };
	return state.binary
		? { json: base, binary: state.binary, pairedItem }
		: { json: base, pairedItem };
}

function taskEndedError(ctx: MaxApiContext, task: TaskData, itemIndex: number): NodeApiError {
	return maxApiError(ctx.getNode(), { ...task } as unknown as JsonObject, {
		itemIndex,
		message: taskEndMessage(task),
		description: `${explainTaskEnd(task)} Task ID: ${task.taskId}`,
	});
}

function noResultError(ctx: MaxApiContext, task: TaskData, itemIndex: number): NodeApiError {
	return maxApiError(ctx.getNode(), { ...task } as unknown as JsonObject, {
		itemIndex,
		message: `Max API task ${task.taskId} ended with SUCCESS but returned no ${resultMedia(task, taskModel(task))} URLs`,
		description: `There is nothing to output or download. Run Get Task with Task ID ${task.taskId} later in case the URLs appear; if they do not, contact Max API support with the task ID (a successful task may be billed).`,
	});
}

export function timeoutError(
	ctx: MaxApiContext,
	error: TaskWaitTimeout,
	itemIndex: number,
): NodeOperationError {
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
			.map(
				(state) =>
					`item ${state.job.itemIndex}: ${state.taskId} (${state.task?.status ?? 'submitted'})`,
			)
			.join('; ');
		error.description =
			`${error.description ?? ''}\nTasks this run created (look them up with Get Task; they are billed if they succeed): ${list}`.trim();
	}
	return error;
}
