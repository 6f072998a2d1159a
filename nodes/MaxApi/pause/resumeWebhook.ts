// Pause Until Callback, the resuming side: the node's webhook, which n8n calls when a request reaches
// the waiting execution's resume URL. A Max API callback (or a check the run scheduled itself) makes
// it query the awaited tasks; the run resumes once every task has ended or passed its deadline, with
// one output item per input item, as polling outputs them. Until then it answers and the execution
// stays waiting. Nothing in a callback's body is trusted: every status comes from Max API.
import {
	sleep,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { isTerminalStatus, type TaskData } from '../../shared/api';
import { callbackRequest } from '../../shared/callbackRequest';
import { MaxApiClient } from '../../shared/transport/client';
import { verifyTask } from '../../shared/verifyTask';
import { DEFAULT_MAX_PARALLEL_REQUESTS } from '../descriptions/taskOptions';
import { createLimiter, type Limiter } from '../helpers/limiter';
import {
	itemOutput,
	settleTask,
	timeoutError,
	type ItemState,
	type NodeError,
} from '../helpers/taskBatch';
import { TaskWaitTimeout } from '../helpers/waitForTask';
import { CHECK_BODY } from './checkSchedule';
import { N8N_WAIT_MARGIN_MS } from './pauseRun';
import { finalItem, pauseRecordOf, ringOrder, type PauseRecord } from './pausedItems';
import { armSweep, closeLedger, ledgerOf, type Ledger } from './taskLedger';

interface Awaited {
	itemIndex: number;
	record: PauseRecord;
	task?: TaskData;
	queryError?: Error;
}

export async function resumeWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const { answer, parseBody } = callbackRequest(this);

	// The items the paused run left in the execution (pausedItems.ts) are this webhook's input.
	const items = (this.evaluateExpression('{{ $input.all() }}', 0) ?? []) as INodeExecutionData[];
	const awaited: Awaited[] = [];
	items.forEach((item, itemIndex) => {
		const record = pauseRecordOf(item);
		if (record) awaited.push({ itemIndex, record });
	});
	if (awaited.length === 0)
		return answer(409, {
			received: false,
			error: 'this execution is not waiting for Max API tasks',
		});

	const client = await MaxApiClient.connect(this);
	const ledger = ledgerFor(this, awaited);
	let start = 0;
	const body = this.getBodyData();
	const isCheck = body?.check === CHECK_BODY.check;
	if (!isCheck) {
		const parsed = parseBody();
		if ('rejection' in parsed)
			return answer(parsed.rejection.status, { received: false, error: parsed.rejection.reason });
		start = awaited.findIndex((entry) => entry.record.taskId === parsed.task.taskId);
		// Another execution's task (or a stranger's guess): nothing to do here, and nothing to retry.
		if (start < 0) return answer(200, { received: true, ignored: 'not a task of this execution' });
		const verified = await verifyTask(client, parsed.task);
		if ('rejection' in verified)
			return answer(verified.rejection.status, {
				received: false,
				error: verified.rejection.reason,
			});
		awaited[start].task = verified.task;
	}

	const now = Date.now();
	const ended = (entry: Awaited) => entry.task !== undefined && isTerminalStatus(entry.task.status);
	// Past its deadline, a task still running counts as timed out, once it has been asked one last time.
	const settled = (entry: Awaited) => ended(entry) || now >= Date.parse(entry.record.deadline);
	// What this process learnt from earlier callbacks (taskLedger.ts), and what it learns now.
	const remember = () => {
		for (const entry of awaited)
			if (ended(entry)) ledger.ended.set(entry.record.taskId, entry.task!);
	};
	for (const entry of awaited) entry.task ??= ledger.ended.get(entry.record.taskId);
	remember();
	const waitFor = (entry: Awaited) => {
		armSweep(ledger, sleep);
		return answer(200, { received: true, waitingFor: entry.record.taskId });
	};

	// In the process that paused the run every callback comes here: a task not known to have ended
	// will call back itself (or be found by the sweep), so a callback costs one query, its own.
	const unknown = awaited.find((entry) => !ended(entry) && now < Date.parse(entry.record.deadline));
	if (ledger.owner && !isCheck && unknown) return waitFor(unknown);

	const limit = createLimiter(DEFAULT_MAX_PARALLEL_REQUESTS);
	const ring = ringOrder(awaited, start);
	// Walk the ring a few tasks at a time; stop at the first task still running before its deadline.
	for (let from = 0; from < ring.length; from += DEFAULT_MAX_PARALLEL_REQUESTS) {
		const chunk = ring
			.slice(from, from + DEFAULT_MAX_PARALLEL_REQUESTS)
			.filter((entry) => !ended(entry));
		await Promise.all(
			chunk.map(async (entry) =>
				limit(async () => {
					try {
						entry.task = await client.getTask(entry.record.taskId, entry.itemIndex);
					} catch (error) {
						entry.queryError = error as Error;
					}
				}),
			),
		);
		remember();
		const running = chunk.find((entry) => !settled(entry));
		if (running) return waitFor(running);
	}

	// Every task has ended or is past its deadline: answer first (downloads can take longer than a
	// callback sender waits), then resume the run with the results.
	answer(200, { received: true, resumed: true });
	closeLedger(ledger.executionId);
	const limitDownloads = createLimiter(DEFAULT_MAX_PARALLEL_REQUESTS);
	const outputs = await Promise.all(
		items.map(
			async (item, itemIndex) => await resumedItem(this, item, itemIndex, awaited, limitDownloads),
		),
	);
	return { noWebhookResponse: true, workflowData: splitByErrorOutput(this, outputs) };
}

/** This process's ledger of the waiting execution, kept until n8n itself would end the wait. */
function ledgerFor(ctx: IWebhookFunctions, awaited: Awaited[]): Ledger {
	const lastDeadline = Math.max(...awaited.map((entry) => Date.parse(entry.record.deadline)));
	return ledgerOf(ctx.getExecutionId(), lastDeadline + N8N_WAIT_MARGIN_MS);
}

async function resumedItem(
	ctx: IWebhookFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	awaited: Awaited[],
	limitDownloads: Limiter,
): Promise<INodeExecutionData> {
	const entry = awaited.find((candidate) => candidate.itemIndex === itemIndex);
	if (!entry) return finalItem(item, itemIndex);
	const { record } = entry;
	const state: ItemState = {
		taskId: record.taskId,
		job: {
			itemIndex,
			submit: { model: record.model, input: entry.task?.input ?? {} },
			wait: true,
			download: record.download,
			binaryPropertyName: record.binaryPropertyName,
			timeoutMs: record.timeoutSeconds * 1000,
			maxPollIntervalMs: 0,
		},
	};
	const fail = (failed: ItemState, error: NodeError) => {
		failed.error = error;
	};
	if (entry.task && isTerminalStatus(entry.task.status)) {
		try {
			await settleTask(ctx, state, entry.task, limitDownloads, {}, fail);
		} catch (error) {
			fail(state, error as NodeError);
		}
	} else {
		const timeout = new TaskWaitTimeout(
			record.taskId,
			entry.task?.status,
			record.timeoutSeconds * 1000,
			entry.queryError,
		);
		state.task = entry.task;
		fail(state, timeoutError(ctx, timeout, itemIndex));
	}
	return itemOutput(state, itemIndex);
}

/**
 * n8n resumes a waiting node by outputting what its webhook returns: the node cannot fail at that
 * point, so a task's error is its item's `error`, as with Continue On Fail. With "On Error: Continue
 * (using error output)" those items go to the error output, as they would when polling.
 */
function splitByErrorOutput(
	ctx: IWebhookFunctions,
	outputs: INodeExecutionData[],
): INodeExecutionData[][] {
	if (ctx.getNode().onError !== 'continueErrorOutput') return [outputs];
	return [
		outputs.filter((item) => item.json.error === undefined),
		outputs.filter((item) => item.json.error !== undefined),
	];
}
