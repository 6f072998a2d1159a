// What a task becomes in n8n: the JSON of an output item, and plain-words explanations of how a task
// ended. Pure functions, shared by the Max API node and the Max API Trigger so that downstream nodes
// see the same item shape whichever node produced it.
import type { IDataObject } from 'n8n-workflow';

import { taskCostUsd, type SubmitBody, type TaskData } from './api';

/** The JSON of an output item for a task, as the API last described it. */
export function taskToJson(task: TaskData, submitted?: SubmitBody): IDataObject {
	const echo = task.input ?? {};
	const requested = submitted?.input;
	const urls = task.status === 'SUCCESS' && Array.isArray(task.result?.urls) ? task.result.urls.filter((u) => typeof u === 'string') : [];
	const resolution = requested?.resolution ?? (typeof echo.resolution === 'string' ? echo.resolution : '1k');
	const n = requested?.n ?? (typeof echo.n === 'number' ? echo.n : undefined) ?? (urls.length || 1);
	const imageUrls = requested?.imageUrls ?? (Array.isArray(echo.imageUrls) ? echo.imageUrls : undefined);

	const json: IDataObject = {
		taskId: task.taskId,
		status: task.status,
		model: submitted?.model ?? (typeof echo.model === 'string' ? echo.model : null),
		urls,
		failureReason: task.status === 'FAILURE' ? (task.failure_reason ?? null) : null,
		prompt: requested?.prompt ?? (typeof echo.prompt === 'string' ? echo.prompt : null),
		...(imageUrls ? { imageUrls } : {}),
		ratio: requested ? (requested.ratio ?? 'auto') : typeof echo.ratio === 'string' ? echo.ratio : 'auto',
		resolution,
		n,
		costUsd: task.status === 'SUCCESS' ? taskCostUsd(resolution, n) : 0,
		createdAt: task.created_at ?? null,
		updatedAt: task.updated_at ?? null,
	};
	if (submitted?.user_id) json.userId = submitted.user_id;
	if (task.status !== 'SUCCESS' && isEnded(task.status)) json.explanation = explainTaskEnd(task);
	return json;
}

function isEnded(status: string): boolean {
	return status === 'FAILURE' || status === 'TIMEOUT' || status === 'CANCELLED';
}

const NOT_CHARGED = 'Failed tasks are not charged.';

/** Why a task did not succeed, and what to do, in words a user can act on. */
export function explainTaskEnd(task: Pick<TaskData, 'status' | 'failure_reason'>): string {
	if (task.status === 'TIMEOUT') {
		return `The task timed out at Max API. Run it again to try once more: that creates a new task, billed if it succeeds. ${NOT_CHARGED}`;
	}
	if (task.status === 'CANCELLED') {
		return `The task was cancelled at Max API. Run it again if you still need the images: that creates a new task, billed if it succeeds. ${NOT_CHARGED}`;
	}
	switch (task.failure_reason) {
		case 'CONTENT_MODERATION':
			return `Max API's moderation refused the content (real faces, copyrighted characters, public figures or NSFW). Change the prompt or image: the same request will fail again. ${NOT_CHARGED}`;
		case 'INVALID_PARAMETERS':
			return `Max API found the request invalid. Fix the parameters: the same request will fail again. ${NOT_CHARGED}`;
		case 'INSUFFICIENT_POINTS':
			return `Your Max API balance is too low. Recharge your account, then run again. ${NOT_CHARGED}`;
		case null:
		case undefined:
			return `The task failed because of a transient error at Max API. Run it again to try once more: that creates a new task, billed if it succeeds. ${NOT_CHARGED}`;
		default:
			return `The task failed (${task.failure_reason}). Check the task in your Max API dashboard, then run it again if the reason allows: that creates a new task, billed if it succeeds. ${NOT_CHARGED}`;
	}
}

/** The one-line error message for a task that ended without images. */
export function taskEndMessage(task: Pick<TaskData, 'taskId' | 'status' | 'failure_reason'>): string {
	const reason = task.status === 'FAILURE' ? ` (${task.failure_reason ?? 'transient error'})` : '';
	return `Max API task ${task.taskId} ended with ${task.status}${reason}`;
}
