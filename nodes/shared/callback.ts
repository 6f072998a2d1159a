// The callback protocol between the two nodes: the Max API node puts the credential's callback token
// into the Callback URL; the trigger checks it, and the body's shape, before any network call.
// Pure functions; the trigger node turns their verdicts into HTTP answers.
import { createHash, timingSafeEqual } from 'crypto';

import { isTerminalStatus, TASK_ID_PATTERN, type TaskData } from './api';

/** Max API's callback bodies are a few kilobytes; anything far larger is not one. */
export const MAX_CALLBACK_BYTES = 256 * 1024;

export const TOKEN_QUERY_PARAMETER = 'token';
export const TOKEN_HEADER = 'x-maxapi-token';

/** The callback URL with the token in its query string; a URL that already carries a token is left alone. */
export function withCallbackToken(callbackUrl: string, token: string): string {
	if (token === '') return callbackUrl;
	const url = new URL(callbackUrl);
	if (!url.searchParams.has(TOKEN_QUERY_PARAMETER))
		url.searchParams.set(TOKEN_QUERY_PARAMETER, token);
	return url.href;
}

export interface Rejection {
	status: number;
	reason: string;
}

/** Compares two secrets in time independent of where they differ (hashes make the lengths equal). */
export function secretsMatch(given: string, expected: string): boolean {
	const a = createHash('sha256').update(given).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}

/** 401 when a secret is configured and none was sent, 403 when the one sent is wrong. */
export function checkSecret(
	expected: string,
	query: Record<string, unknown>,
	headers: Record<string, unknown>,
): Rejection | undefined {
	if (expected === '') return undefined;
	const fromQuery = query[TOKEN_QUERY_PARAMETER];
	const fromHeader = headers[TOKEN_HEADER];
	const given =
		typeof fromQuery === 'string'
			? fromQuery
			: typeof fromHeader === 'string'
				? fromHeader
				: undefined;
	if (given === undefined || given === '') return { status: 401, reason: 'missing token' };
	return secretsMatch(given, expected) ? undefined : { status: 403, reason: 'wrong token' };
}

/** The task a callback body describes, or why the body is not a Max API callback. */
export function parseCallbackBody(
	body: unknown,
	contentType: string | undefined,
	rawLength: number | undefined,
): { task: TaskData } | { rejection: Rejection } {
	if (rawLength !== undefined && rawLength > MAX_CALLBACK_BYTES) {
		return { rejection: { status: 413, reason: `body larger than ${MAX_CALLBACK_BYTES} bytes` } };
	}
	if (!contentType || !/^application\/(.+\+)?json\b/i.test(contentType)) {
		return {
			rejection: {
				status: 415,
				reason: 'body is not JSON (Content-Type must be application/json)',
			},
		};
	}
	const envelope = body as { code?: unknown; data?: unknown } | undefined;
	const data =
		envelope && typeof envelope === 'object'
			? (envelope.data as Partial<TaskData> | undefined)
			: undefined;
	if (!data || typeof data !== 'object' || Array.isArray(data)) {
		return {
			rejection: { status: 400, reason: 'body is not a Max API task envelope ({code, msg, data})' },
		};
	}
	if (typeof data.taskId !== 'string' || !TASK_ID_PATTERN.test(data.taskId)) {
		return { rejection: { status: 400, reason: 'body has no valid data.taskId' } };
	}
	if (typeof data.status !== 'string') {
		return { rejection: { status: 400, reason: 'body has no data.status' } };
	}
	return { task: data as TaskData };
}

/**
 * Compares the callback with the API's own view of the task. A genuine callback is sent when the
 * task is terminal, and a terminal status never changes: any disagreement means a forged body.
 */
export function checkAgainstApi(claimed: TaskData, actual: TaskData): Rejection | undefined {
	if (!isTerminalStatus(actual.status)) {
		return { status: 409, reason: `task is ${actual.status} at Max API, not finished` };
	}
	if (claimed.status !== actual.status) {
		return {
			status: 409,
			reason: `callback says ${claimed.status} but Max API says ${actual.status}`,
		};
	}
	return undefined;
}
