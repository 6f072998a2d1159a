// Errors and their messages: how a failed request to Max API is told to the user. Every message says
// what the request cost and what to do, and never invites a second (billed) submit.
import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import type { Envelope } from '../api';

/** Transport failures where the request certainly never reached the server: safe to resend even a submit. */
export const NOT_DELIVERED = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

/** Failures after which the request may have been processed: fine to repeat a query, never a submit. */
export const DELIVERY_UNKNOWN = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'ERR_BAD_RESPONSE',
	'ERR_STREAM_PREMATURE_CLOSE',
]);

const transientErrors = new WeakSet<Error>();

/** Marks an error that a later identical query may not get (429, 5xx, a dropped connection). */
export function markTransient<E extends Error>(error: E): E {
	transientErrors.add(error);
	return error;
}

export function isTransientError(error: unknown): boolean {
	return error instanceof Error && transientErrors.has(error);
}

/** The network error code (ECONNRESET…) somewhere in an error's cause chain. */
export function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const { code } = current as { code?: unknown };
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/**
 * A NodeApiError that keeps the message given. n8n's NodeApiError replaces any message that mentions a
 * network code (ECONNRESET, ETIMEDOUT, ECONNABORTED…) with its generic text, whose advice ("retry the
 * request immediately", "consider setting Retry on Fail") would bill a submit twice, and which drops
 * the task id and the action. Every NodeApiError of this package is built here.
 */
export function maxApiError(
	node: INode,
	response: JsonObject,
	options: { message: string; description: string; itemIndex?: number; httpCode?: string },
): NodeApiError {
	const error = new NodeApiError(node, response, options);
	error.message = options.message;
	return error;
}

/** What a request was, for its error message. */
export interface RequestPolicy {
	/** What the request is, for error messages: "submitting the task", "querying task …". */
	action: string;
	/** May the request be repeated when the server may already have processed it? */
	idempotent: boolean;
	/** What an idempotent request is called in "This query cost nothing" (default: query). */
	noun?: string;
	/** What to do when Max API refuses the request (4xx), instead of "fix the parameters". */
	refusalAdvice?: string;
	itemIndex?: number;
	taskId?: string;
}

/** A request that got no answer (refused, reset, timed out). */
export function transportError(
	node: INode,
	code: string,
	policy: RequestPolicy,
	baseUrl: string,
): NodeApiError {
	const submitOutcomeUnknown = !policy.idempotent && !NOT_DELIVERED.has(code);
	const description = submitOutcomeUnknown
		? `The connection failed after the request was sent, so Max API may have created the task, and will bill it if it succeeds. It was NOT submitted again, to avoid paying twice. Check your Max API dashboard before running this item again.`
		: NOT_DELIVERED.has(code)
			? `Max API at ${baseUrl} could not be reached. Check the Base URL in the credential and your network.`
			: `The connection to Max API failed. Nothing was billed by this ${policy.noun ?? 'query'}; try again later.`;
	return maxApiError(
		node,
		{ code, message: `Network error ${code}` },
		{
			itemIndex: policy.itemIndex,
			message: `Could not reach Max API while ${policy.action} (${code})`,
			description: policy.taskId ? `${description} Task ID: ${policy.taskId}` : description,
		},
	);
}

/** A request Max API answered with an error (HTTP status or envelope code), or with something that is not its envelope. */
export function apiError(
	node: INode,
	statusCode: number,
	envelope: Envelope | undefined,
	policy: RequestPolicy,
): NodeApiError {
	const code = envelope && envelope.code !== 0 ? envelope.code : statusCode;
	const apiMessage = envelope?.msg ? String(envelope.msg).slice(0, 300) : undefined;
	const taskNote = policy.taskId ? ` Task ID: ${policy.taskId}.` : '';
	const unknownOutcome = !policy.idempotent && code >= 500;
	// What this request cost: a refused submit created nothing; a query never costs anything (but the
	// task it asks about exists, and is billed if it succeeds).
	const noun = policy.noun ?? 'query';
	const requestCost = policy.idempotent
		? `This ${noun} cost nothing.`
		: 'No task was created; nothing was billed.';
	let message: string;
	let advice: string;
	if (!envelope) {
		message = `Max API sent an answer that is not its JSON envelope (HTTP ${statusCode}) while ${policy.action}`;
		advice = policy.idempotent
			? `Nothing was billed by this ${noun}; try again later. If it persists, check the Base URL in the credential.`
			: 'Max API may have created the task and may bill it. It was NOT submitted again. Check your Max API dashboard before running this item again.';
	} else if (code === 401) {
		message = 'Max API rejected the API key (code 401)';
		advice = `Open the Max API credential and paste a valid key. ${requestCost}`;
	} else if (code === 429) {
		message = `Max API is rate limiting requests (code 429) while ${policy.action}`;
		advice = `Run fewer items at once (option Max Parallel Requests) or try again later. ${requestCost}`;
	} else if (code === 404 && policy.taskId) {
		message = `Max API has no task ${policy.taskId} (code 404)`;
		advice = 'Check the task id; it must come from the same Max API account as this credential.';
	} else if (code >= 400 && code < 500) {
		const moderated = isModerationEnvelope(envelope);
		message = moderated
			? `Max API's moderation rejected the request (code ${code})`
			: `Max API rejected the request (code ${code}${apiMessage ? `: ${apiMessage}` : ''})`;
		advice = moderated
			? `Flagged categories: ${flaggedCategories(envelope).join(', ') || 'not given'}. Change the prompt or image: real faces, copyrighted characters, public figures and NSFW content are refused. ${requestCost}`
			: `${policy.refusalAdvice ?? 'Fix the parameters named above and run again.'} ${requestCost}`;
	} else if (unknownOutcome) {
		message = `Max API failed (code ${code}) while ${policy.action}`;
		advice =
			'The task may or may not have been created. It was NOT submitted again, to avoid paying twice. Check your Max API dashboard before running this item again.';
	} else {
		message = `Max API failed (code ${code}) while ${policy.action}`;
		advice = `Nothing was billed by this ${noun}; try again later.`;
	}
	return maxApiError(node, (envelope ?? { httpStatus: statusCode }) as unknown as JsonObject, {
		itemIndex: policy.itemIndex,
		httpCode: String(code),
		message,
		description: `${advice}${taskNote}`,
	});
}

function isModerationEnvelope(envelope: Envelope): boolean {
	const data = envelope.data as { flagged?: unknown } | undefined;
	return data?.flagged === true;
}

function flaggedCategories(envelope: Envelope): string[] {
	const categories = (envelope.data as { categories?: Record<string, unknown> } | undefined)
		?.categories;
	if (!categories || typeof categories !== 'object') return [];
	return Object.entries(categories)
		.filter(([, flagged]) => flagged === true)
		.map(([name]) => name);
}
