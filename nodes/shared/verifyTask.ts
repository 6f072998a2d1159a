// A callback's claim about a task, checked with Max API: the body of a callback is never trusted.
// Shared by the trigger and by the Max API node's resume after a pause.
import { NodeApiError } from 'n8n-workflow';

import type { TaskData } from './api';
import { checkAgainstApi, type Rejection } from './callback';
import type { MaxApiClient } from './transport/client';

/** Asks Max API about the task: its view when it agrees with the claim, else why not. */
export async function verifyTask(
	client: MaxApiClient,
	claimed: TaskData,
): Promise<{ task: TaskData } | { rejection: Rejection }> {
	let actual: TaskData;
	try {
		actual = await client.getTask(claimed.taskId);
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') {
			return { rejection: { status: 403, reason: 'Max API knows no such task' } };
		}
		// Max API or the credential failed: refuse rather than trust the body; the task stays queryable.
		return {
			rejection: {
				status: 503,
				reason: `could not verify the task with Max API: ${(error as Error).message}`,
			},
		};
	}
	const mismatch = checkAgainstApi(claimed, actual);
	return mismatch ? { rejection: mismatch } : { task: actual };
}
