// Pause Until Callback, the submitting side: submit every item's task with the execution's resume URL
// as callBackUrl, leave the awaited items in the execution (pausedItems.ts) and put it to wait. The
// execution then holds no worker; Max API's callbacks resume it (resumeWebhook.ts).
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import type { MaxApiClient } from '../../shared/transport/client';
import { createLimiter } from '../helpers/limiter';
import {
	itemOutput,
	startBatch,
	submitAll,
	timeoutError,
	type TaskJob,
} from '../helpers/taskBatch';
import { TaskWaitTimeout } from '../helpers/waitForTask';
import { errorJson } from '../helpers/errorJson';
import { postCheck, scheduleDeadlineCheck } from './checkSchedule';
import { awaitedItem } from './pausedItems';
import { withServedBinary } from './servedFileJobs';
import { ownLedger } from './taskLedger';

/**
 * n8n ends a wait on its own at this long after the last deadline, without calling the node (it
 * outputs the awaited items as they are: each task's id and timeout). Before then, the deadline
 * check (checkSchedule.ts) has normally resumed the run with every task queried once; this margin
 * covers n8n's wait tracker, which looks for due executions once a minute.
 */
export const N8N_WAIT_MARGIN_MS = 3 * 60_000;

export async function pauseRun(
	ctx: IExecuteFunctions,
	client: MaxApiClient,
	jobs: Array<TaskJob | NodeOperationError>,
	maxParallelRequests: number,
	resumeUrl: string,
): Promise<INodeExecutionData[]> {
	const { states, live, stopOthers, fail, throwFirstFailure } = startBatch(
		ctx,
		jobs.map((job) =>
			job instanceof NodeOperationError || !job.submit || !job.wait
				? job
				: { ...job, submit: { ...job.submit, callBackUrl: resumeUrl } },
		),
	);
	await submitAll(client, live, createLimiter(maxParallelRequests), fail, stopOthers.signal);
	throwFirstFailure();

	const awaited = new Set(live.filter((state) => !state.error && state.taskId && state.job.wait));
	for (const state of live) {
		// Created without waiting (Wait for Completion off): queued, by the API's definition.
		if (!awaited.has(state) && state.taskId && !state.error) {
			state.task = {
				taskId: state.taskId,
				status: 'PENDING',
				input: null,
				result: null,
				failure_reason: null,
			};
		}
	}
	if (awaited.size === 0) return states.map((state, itemIndex) => itemOutput(state, itemIndex));

	const now = Date.now();
	const items = states.map((state, itemIndex) => {
		if (state instanceof NodeOperationError || !awaited.has(state))
			return itemOutput(state, itemIndex);
		const { job } = state;
		const timeout = timeoutError(
			ctx,
			new TaskWaitTimeout(state.taskId!, undefined, job.timeoutMs),
			job.itemIndex,
		);
		return withServedBinary(
			awaitedItem(
				itemIndex,
				{
					taskId: state.taskId!,
					model: job.submit!.model,
					deadline: new Date(now + job.timeoutMs).toISOString(),
					timeoutSeconds: Math.round(job.timeoutMs / 1000),
					download: job.download,
					binaryPropertyName: job.binaryPropertyName,
				},
				{ taskId: state.taskId!, status: 'UNKNOWN', ...errorJson(timeout) },
			),
			job,
		);
	});
	// Items may have Timeouts of their own (an expression): one check at each deadline.
	const deadlinesMs = [...new Set([...awaited].map((state) => state.job.timeoutMs))];

	// What n8n saves with the waiting execution in place of the node's input (see pausedItems.ts).
	ctx.getExecuteData().data = { main: [items] };
	const waitTill = now + Math.max(...deadlinesMs) + N8N_WAIT_MARGIN_MS;
	await ctx.putExecutionToWait(new Date(waitTill));
	ownLedger(ctx.getExecutionId(), waitTill, {
		pausedAt: now,
		sweep: async () => await postCheck(ctx, resumeUrl),
	});
	for (const deadlineMs of deadlinesMs) scheduleDeadlineCheck(ctx, resumeUrl, deadlineMs);
	return items;
}
