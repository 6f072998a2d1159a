// The retry policy of requests to Max API: which failures are worth another attempt, and how long to
// wait before it. Billing decides: a submit is resent only when it certainly created nothing.
import { sleep, type IDataObject } from 'n8n-workflow';

import { DELIVERY_UNKNOWN, NOT_DELIVERED } from './errors';

export const MAX_ATTEMPTS = 4;
export const FIRST_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 30_000;

/** After a request got no answer: may it be sent again? */
export function mayResendAfterTransportError(code: string, idempotent: boolean): boolean {
	return NOT_DELIVERED.has(code) || (idempotent && DELIVERY_UNKNOWN.has(code));
}

/** After an error answer: 429 means "not processed" (safe for any request); a 5xx or a malformed answer may hide a created task. */
export function mayResendAfterAnswer(
	status: number,
	hasEnvelope: boolean,
	idempotent: boolean,
): boolean {
	return status === 429 || (idempotent && (status >= 500 || !hasEnvelope));
}

/** The server's Retry-After (seconds or an HTTP date) in milliseconds. */
export function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const value = headers?.['retry-after'];
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Waits `ms`, in short slices so that a user's Stop (the abort signal) ends the wait within a quarter second. */
export async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
	const end = Date.now() + ms;
	while (!signal?.aborted) {
		const left = end - Date.now();
		if (left <= 0) return;
		await sleep(Math.min(left, 250));
	}
}
