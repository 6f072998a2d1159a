// The Max API client: every HTTP call the nodes make goes through here, through n8n's request
// helpers. It knows the envelope ({code, msg, data}), which failures are safe to retry, and which
// are not because a retry could create (and bill) a second task.
import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type IN8nHttpFullResponse,
	type IWebhookFunctions,
	type JsonObject,
} from 'n8n-workflow';

import type { Envelope, SubmitBody, TaskData } from './api';

export type MaxApiContext = IExecuteFunctions | IWebhookFunctions;

export const CREDENTIAL_TYPE = 'maxApi';
export const PUBLIC_API_HOST = 'api.maxapi.io';

/**
 * Limits of the Max API client. Fixed in use: nothing in the package changes them. They are one
 * exported object only so that the package's own tests can shorten the request timeout instead of
 * waiting a minute for a request that hangs (test/reliability/api-faults.test.ts).
 */
export const transportLimits = {
	/** A request to Max API that has not been answered after this long fails (ETIMEDOUT / ECONNABORTED). */
	requestTimeoutMs: 60_000,
};
const MAX_ATTEMPTS = 4;
const FIRST_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 30_000;

/** Transport failures where the request certainly never reached the server: safe to resend even a submit. */
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Failures after which the request may have been processed: fine to repeat a query, never a submit. */
const DELIVERY_UNKNOWN = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'ERR_BAD_RESPONSE',
	'ERR_STREAM_PREMATURE_CLOSE',
]);

const transientErrors = new WeakSet<Error>();

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

/** The URL if `candidate` is an absolute http(s) URL, else undefined. */
export function parseHttpUrl(candidate: string): URL | undefined {
	try {
		const url = new URL(candidate);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
	} catch {
		return undefined;
	}
}

/** True for an error that a later identical query may not get (429, 5xx, a dropped connection). */
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

function isAbort(error: unknown, signal?: AbortSignal): boolean {
	return signal?.aborted === true || networkErrorCode(error) === 'ERR_CANCELED';
}

function retryAfterMs(headers: IDataObject | undefined): number | undefined {
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

interface RequestPolicy {
	/** What the request is, for error messages: "submitting", "querying task …". */
	action: string;
	/** May the request be repeated when the server may already have processed it? */
	idempotent: boolean;
	itemIndex?: number;
	taskId?: string;
}

interface Reply {
	statusCode: number;
	body: unknown;
	headers: IDataObject;
}

export class MaxApiClient {
	private constructor(
		private readonly ctx: MaxApiContext,
		readonly baseUrl: string,
		/** The credential's optional secret for callback URLs ('' when none). */
		readonly callbackToken: string,
		private readonly signal?: AbortSignal,
	) {}

	/** Reads the credential once; fails before any request if it cannot work. */
	static async connect(ctx: MaxApiContext, signal?: AbortSignal): Promise<MaxApiClient> {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		if (typeof credentials.apiKey !== 'string' || credentials.apiKey.trim() === '') {
			throw new NodeOperationError(ctx.getNode(), 'The Max API credential has no API key', {
				description: 'Open the credential and paste your Max API key.',
			});
		}
		const raw = typeof credentials.baseUrl === 'string' && credentials.baseUrl.trim() !== '' ? credentials.baseUrl : 'https://api.maxapi.io';
		const base = parseHttpUrl(raw.trim());
		if (!base) {
			throw new NodeOperationError(ctx.getNode(), `The Max API credential's Base URL is not an http(s) URL: "${raw.slice(0, 100)}"`, {
				description: 'Open the credential and set Base URL to https://api.maxapi.io.',
			});
		}
		const callbackToken = typeof credentials.callbackToken === 'string' ? credentials.callbackToken : '';
		return new MaxApiClient(ctx, base.href.replace(/\/+$/, ''), callbackToken, signal);
	}

	/** Whether requests go to the public Max API (which, for one, cannot call back localhost). */
	get isPublicApi(): boolean {
		return new URL(this.baseUrl).hostname === PUBLIC_API_HOST;
	}

	/**
	 * Creates a task and returns its id. Billed: resent only when the request certainly created
	 * nothing (connection refused, 429). Any other failure is reported, never retried.
	 */
	async submit(body: SubmitBody, itemIndex: number): Promise<string> {
		const envelope = await this.call<{ taskId?: unknown }>(
			{ method: 'POST', url: '/api/v1/task/submit', body: body as unknown as IDataObject },
			{ action: 'submitting the task', idempotent: false, itemIndex },
		);
		const taskId = envelope.data?.taskId;
		if (typeof taskId !== 'string' || taskId === '') {
			throw maxApiError(this.ctx.getNode(), envelope as unknown as JsonObject, {
				itemIndex,
				message: 'Max API accepted the task but its answer has no task id',
				description:
					'The task may have been created and may be billed. It was NOT submitted again, to avoid paying twice. Look for it in your Max API dashboard before running this item again.',
			});
		}
		return taskId;
	}

	/** The task's current state. Free and idempotent: retried on 429, 5xx and dropped connections. */
	async getTask(taskId: string, itemIndex?: number): Promise<TaskData> {
		const envelope = await this.call<TaskData>(
			{ method: 'GET', url: `/api/v1/task/${encodeURIComponent(taskId)}` },
			{ action: `querying task ${taskId}`, idempotent: true, itemIndex, taskId },
		);
		const data = envelope.data;
		if (!data || typeof data !== 'object' || typeof data.status !== 'string') {
			const error = maxApiError(this.ctx.getNode(), envelope as unknown as JsonObject, {
				itemIndex,
				message: `Max API's answer for task ${taskId} has no task status`,
				description: 'The answer was not what Max API documents. Nothing was billed by this query; try again later.',
			});
			transientErrors.add(error);
			throw error;
		}
		return { ...data, taskId: typeof data.taskId === 'string' ? data.taskId : taskId };
	}

	private async call<T>(request: IHttpRequestOptions, policy: RequestPolicy): Promise<Envelope<T>> {
		const options: IHttpRequestOptions = {
			...request,
			url: `${this.baseUrl}${request.url}`,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: transportLimits.requestTimeoutMs,
			abortSignal: this.signal,
		};

		let delay = FIRST_RETRY_DELAY_MS;
		for (let attempt = 1; ; attempt++) {
			let reply: Reply | undefined;
			let failure: NodeApiError | NodeOperationError;
			let retryable: boolean;
			let wait = delay;
			try {
				const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
					this.ctx,
					CREDENTIAL_TYPE,
					options,
				)) as IN8nHttpFullResponse;
				reply = { statusCode: response.statusCode, body: response.body, headers: response.headers as IDataObject };
			} catch (error) {
				if (isAbort(error, this.signal)) {
					throw new NodeOperationError(this.ctx.getNode(), `Stopped while ${policy.action}`, {
						itemIndex: policy.itemIndex,
					});
				}
				const code = networkErrorCode(error) ?? 'UNKNOWN';
				failure = this.transportError(code, policy);
				retryable = NOT_DELIVERED.has(code) || (policy.idempotent && DELIVERY_UNKNOWN.has(code));
			}

			if (reply) {
				const envelope = parseEnvelope(reply.body);
				if (envelope && envelope.code === 0 && reply.statusCode >= 200 && reply.statusCode < 300) {
					return envelope as Envelope<T>;
				}
				const status = envelope?.code && envelope.code !== 0 ? envelope.code : reply.statusCode;
				failure = this.apiError(reply, envelope, policy);
				// 429 means "not processed": safe for any request. A 5xx or a malformed answer may hide a created task.
				retryable = status === 429 || (policy.idempotent && (status >= 500 || !envelope));
				wait = Math.min(retryAfterMs(reply.headers) ?? delay, MAX_RETRY_DELAY_MS);
			}

			if (!retryable! || attempt >= MAX_ATTEMPTS) {
				if (retryable!) transientErrors.add(failure!);
				throw failure!;
			}
			await sleepUnlessAborted(wait, this.signal);
			if (this.signal?.aborted) {
				throw new NodeOperationError(this.ctx.getNode(), `Stopped while ${policy.action}`, { itemIndex: policy.itemIndex });
			}
			delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
		}
	}

	private transportError(code: string, policy: RequestPolicy): NodeApiError {
		const submitOutcomeUnknown = !policy.idempotent && !NOT_DELIVERED.has(code);
		const description = submitOutcomeUnknown
			? `The connection failed after the request was sent, so Max API may have created the task, and will bill it if it succeeds. It was NOT submitted again, to avoid paying twice. Check your Max API dashboard before running this item again.`
			: NOT_DELIVERED.has(code)
				? `Max API at ${this.baseUrl} could not be reached. Check the Base URL in the credential and your network.`
				: 'The connection to Max API failed. Nothing was billed by this query; try again later.';
		return maxApiError(
			this.ctx.getNode(),
			{ code, message: `Network error ${code}` },
			{
				itemIndex: policy.itemIndex,
				message: `Could not reach Max API while ${policy.action} (${code})`,
				description: policy.taskId ? `${description} Task ID: ${policy.taskId}` : description,
			},
		);
	}

	private apiError(reply: Reply, envelope: Envelope | undefined, policy: RequestPolicy): NodeApiError {
		const code = envelope && envelope.code !== 0 ? envelope.code : reply.statusCode;
		const apiMessage = envelope?.msg ? String(envelope.msg).slice(0, 300) : undefined;
		const taskNote = policy.taskId ? ` Task ID: ${policy.taskId}.` : '';
		const unknownOutcome = !policy.idempotent && code >= 500;
		// What this request cost: a refused submit created nothing; a query never costs anything (but the
		// task it asks about exists, and is billed if it succeeds).
		const requestCost = policy.idempotent ? 'This query cost nothing.' : 'No task was created; nothing was billed.';
		let message: string;
		let advice: string;
		if (!envelope) {
			message = `Max API sent an answer that is not its JSON envelope (HTTP ${reply.statusCode}) while ${policy.action}`;
			advice = policy.idempotent
				? 'Nothing was billed by this query; try again later. If it persists, check the Base URL in the credential.'
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
				: `Fix the parameters named above and run again. ${requestCost}`;
		} else if (unknownOutcome) {
			message = `Max API failed (code ${code}) while ${policy.action}`;
			advice = 'The task may or may not have been created. It was NOT submitted again, to avoid paying twice. Check your Max API dashboard before running this item again.';
		} else {
			message = `Max API failed (code ${code}) while ${policy.action}`;
			advice = 'Nothing was billed by this query; try again later.';
		}
		return maxApiError(
			this.ctx.getNode(),
			(envelope ?? { httpStatus: reply.statusCode }) as unknown as JsonObject,
			{
				itemIndex: policy.itemIndex,
				httpCode: String(code),
				message,
				description: `${advice}${taskNote}`,
			},
		);
	}
}

function parseEnvelope(body: unknown): Envelope | undefined {
	let value = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return undefined;
		}
	}
	if (!value || typeof value !== 'object' || typeof (value as Envelope).code !== 'number') return undefined;
	return value as Envelope;
}

function isModerationEnvelope(envelope: Envelope): boolean {
	const data = envelope.data as { flagged?: unknown } | undefined;
	return data?.flagged === true;
}

function flaggedCategories(envelope: Envelope): string[] {
	const categories = (envelope.data as { categories?: Record<string, unknown> } | undefined)?.categories;
	if (!categories || typeof categories !== 'object') return [];
	return Object.entries(categories)
		.filter(([, flagged]) => flagged === true)
		.map(([name]) => name);
}
