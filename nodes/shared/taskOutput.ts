// What a task becomes in n8n: the JSON of an output item, and plain-words explanations of how a task
// ended. Pure functions, shared by the Max API node and the Max API Trigger so that downstream nodes
// see the same item shape whichever node produced it.
import type { IDataObject } from 'n8n-workflow';

import type { SubmitBody, TaskData } from './api';
import { findModel, type MediaType, type ModelInput, type ModelSpec } from './models';
import { tookServedFiles } from './servedFiles';

/** Model fields copied into the item when the task has them (prompt, ratio, resolution and n always are). */
const EXTRA_INPUT_KEYS = ['imageUrls', 'mediaUrls', 'duration', 'mode', 'fallback'] as const;

/** The task's result URLs (strings only: anything else in the list cannot be downloaded). */
export function resultUrls(task: TaskData): string[] {
	if (task.status !== 'SUCCESS') return [];
	const urls = task.result?.urls;
	return Array.isArray(urls)
		? urls.filter((url): url is string => typeof url === 'string' && url !== '')
		: [];
}

/** Images or video: what the API says the result is, else what the model makes, else images. */
export function resultMedia(task: TaskData, model: ModelSpec | undefined): MediaType {
	const type = task.result?.type;
	if (type === 'image' || type === 'video') return type;
	return model?.media ?? 'image';
}

/** The catalog model of a task: the one submitted, else the one its echoed input names. */
export function taskModel(task: TaskData, submitted?: SubmitBody): ModelSpec | undefined {
	return findModel(submitted?.model ?? task.input?.model);
}

/** The price of the task: only from published prices; null where none is published or the model is unknown. */
function costUsd(
	task: TaskData,
	model: ModelSpec | undefined,
	input: ModelInput,
	urls: string[],
): number | null {
	if (task.status !== 'SUCCESS') return model?.price.published ? 0 : null; // failed tasks are not charged
	if (!model) return null;
	const n = typeof input.n === 'number' ? input.n : urls.length || 1;
	return model.price.costUsd(model.media === 'image' ? { ...input, n } : input);
}

/** The JSON of an output item for a task, as the API last described it. */
export function taskToJson(task: TaskData, submitted?: SubmitBody): IDataObject {
	const input = (submitted?.input ?? task.input ?? {}) as ModelInput & Record<string, unknown>;
	const model = taskModel(task, submitted);
	const urls = resultUrls(task);
	const media = resultMedia(task, model);
	const resolutionField = model?.fields.find((field) => field.key === 'resolution');
	const documentedResolution =
		resolutionField?.kind === 'choice' ? resolutionField.default : undefined;

	const json: IDataObject = {
		taskId: task.taskId,
		status: task.status,
		model: submitted?.model ?? (typeof task.input?.model === 'string' ? task.input.model : null),
		mediaType: media,
		urls,
		failureReason: task.status === 'FAILURE' ? (task.failure_reason ?? null) : null,
		prompt: typeof input.prompt === 'string' ? input.prompt : null,
		ratio: typeof input.ratio === 'string' ? input.ratio : 'auto',
		resolution:
			typeof input.resolution === 'string' ? input.resolution : (documentedResolution ?? null),
		...(media === 'image' ? { n: typeof input.n === 'number' ? input.n : urls.length || 1 } : {}),
	};
	for (const key of EXTRA_INPUT_KEYS) {
		if (input[key] !== undefined) json[key] = input[key] as IDataObject[string];
	}
	json.costUsd = costUsd(task, model, input, urls);
	json.createdAt = task.created_at ?? null;
	json.updatedAt = task.updated_at ?? null;
	if (submitted?.user_id) json.userId = submitted.user_id;
	if (task.status !== 'SUCCESS' && isEnded(task.status)) json.explanation = explainTaskEnd(task);
	return json;
}

function isEnded(status: string): boolean {
	return status === 'FAILURE' || status === 'TIMEOUT' || status === 'CANCELLED';
}

const NOT_CHARGED = 'Failed tasks are not charged.';

/** Why a task did not succeed, and what to do, in words a user can act on. */
export function explainTaskEnd(
	task: Pick<TaskData, 'status' | 'failure_reason' | 'input'>,
): string {
	const because = explainStatus(task);
	if (task.status !== 'FAILURE' || !tookServedFiles(task.input)) return because;
	// Max API gives no reason for a file it could not download: say what is likely, and that it is free.
	return `${because} This task's source files were served by this n8n (Image Source "Binary Data"): if Max API could not download them (n8n not reachable from the internet at its WEBHOOK_URL, a proxy or firewall refusing Max API, or a file type the model does not take), the task fails this way. Check that the resume URL of a test execution opens from outside your network, or give the files as public URLs.`;
}

function explainStatus(task: Pick<TaskData, 'status' | 'failure_reason'>): string {
	if (task.status === 'TIMEOUT') {
		return `The task timed out at Max API. Run it again to try once more: that creates a new task, billed if it succeeds. ${NOT_CHARGED}`;
	}
	if (task.status === 'CANCELLED') {
		return `The task was cancelled at Max API. Run it again if you still need the result: that creates a new task, billed if it succeeds. ${NOT_CHARGED}`;
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
export function taskEndMessage(
	task: Pick<TaskData, 'taskId' | 'status' | 'failure_reason'>,
): string {
	const reason = task.status === 'FAILURE' ? ` (${task.failure_reason ?? 'transient error'})` : '';
	return `Max API task ${task.taskId} ended with ${task.status}${reason}`;
}
