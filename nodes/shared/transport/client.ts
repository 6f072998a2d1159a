// The Max API client: every HTTP call the nodes make goes through here, through n8n's request
// helpers. It knows the envelope ({code, msg, data}) and retries what is safe to retry (retry.ts).
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type IWebhookFunctions,
	type JsonObject,
	type NodeApiError,
} from 'n8n-workflow';

import type { Envelope, SubmitBody, TaskData } from '../api';
import { redactServedUrls } from '../servedFiles';
import { parseHttpUrl } from '../url';
import {
	apiError,
	markTransient,
	maxApiError,
	networkErrorCode,
	transportError,
	type RequestPolicy,
} from './errors';
import {
	FIRST_RETRY_DELAY_MS,
	MAX_ATTEMPTS,
	MAX_RETRY_DELAY_MS,
	mayResendAfterAnswer,
	mayResendAfterTransportError,
	retryAfterMs,
	sleepUnlessAborted,
} from './retry';

export type MaxApiContext = IExecuteFunctions | IWebhookFunctions;

export const CREDENTIAL_TYPE = 'maxApi';
export const PUBLIC_API_HOST = 'api.maxapi.io';
export const DEFAULT_BASE_URL = `https://${PUBLIC_API_HOST}`;

/** A request to Max API that has not been answered after this long fails (ETIMEDOUT / ECONNABORTED). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface ClientOptions {
	/** The user's Stop: ends waits and requests. */
	signal?: AbortSignal;
	requestTimeoutMs?: number;
}

function isAbort(error: unknown, signal?: AbortSignal): boolean {
	return signal?.aborted === true || networkErrorCode(error) === 'ERR_CANCELED';
}

export class MaxApiClient {
	private constructor(
		private readonly ctx: MaxApiContext,
		readonly baseUrl: string,
		private readonly apiKey: string,
		/** The credential's optional secret for callback URLs ('' when none). */
		readonly callbackToken: string,
		private readonly options: ClientOptions,
	) {}

	/** Reads the credential once; fails before any request if it cannot work. */
	static async connect(ctx: MaxApiContext, options: ClientOptions = {}): Promise<MaxApiClient> {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		if (typeof credentials.apiKey !== 'string' || credentials.apiKey.trim() === '') {
			throw new NodeOperationError(ctx.getNode(), 'The Max API credential has no API key', {
				description: 'Open the credential and paste your Max API key.',
			});
		}
		const raw =
			typeof credentials.baseUrl === 'string' && credentials.baseUrl.trim() !== ''
				? credentials.baseUrl
				: DEFAULT_BASE_URL;
		const base = parseHttpUrl(raw.trim());
		if (!base) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The Max API credential's Base URL is not an http(s) URL: "${raw.slice(0, 100)}"`,
				{
					description: `Open the credential and set Base URL to ${DEFAULT_BASE_URL}.`,
				},
			);
		}
		const callbackToken =
			typeof credentials.callbackToken === 'string' ? credentials.callbackToken : '';
		return new MaxApiClient(
			ctx,
			base.href.replace(/\/+$/, ''),
			credentials.apiKey,
			callbackToken,
			options,
		);
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
			throw markTransient(
				maxApiError(this.ctx.getNode(), envelope as unknown as JsonObject, {
					itemIndex,
					message: `Max API's answer for task ${taskId} has no task status`,
					description:
						'The answer was not what Max API documents. Nothing was billed by this query; try again later.',
				}),
			);
		}
		// Max API echoes the input: URLs of files this n8n served carry the execution's resume token, which
		// must not reach outputs, errors or logs (shared/servedFiles.ts).
		return {
			...data,
			input: redactServedUrls(data.input),
			taskId: typeof data.taskId === 'string' ? data.taskId : taskId,
		};
	}

	/**
	 * Asks Max API to cancel a task. Cancelling twice changes nothing, so it is retried like a query.
	 * Which statuses can still be cancelled is the API's call: its refusal comes back as an error.
	 */
	async cancelTask(taskId: string, itemIndex?: number): Promise<void> {
		await this.call(
			{ method: 'POST', url: `/api/v1/task/${encodeURIComponent(taskId)}/cancel` },
			{
				action: `cancelling task ${taskId}`,
				idempotent: true,
				noun: 'cancel request',
				refusalAdvice: `A task can only be cancelled before it has finished (and, by one version of Max API's docs, only while it is queued). Look it up with Get Task: if it is still running it may finish, and is billed if it succeeds.`,
				itemIndex,
				taskId,
			},
		);
	}

	private async call<T>(request: IHttpRequestOptions, policy: RequestPolicy): Promise<Envelope<T>> {
		const { signal } = this.options;
		const options: IHttpRequestOptions = {
			...request,
			url: `${this.baseUrl}${request.url}`,
			// The credential has no `authenticate` block (see credentials/MaxApi.credentials.ts): the key is sent here.
			headers: { Authorization: `Bearer ${this.apiKey}` },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
			abortSignal: signal,
		};
		const stopped = () =>
			new NodeOperationError(this.ctx.getNode(), `Stopped while ${policy.action}`, {
				itemIndex: policy.itemIndex,
			});

		let delay = FIRST_RETRY_DELAY_MS;
		for (let attempt = 1; ; attempt++) {
			let failure: NodeApiError;
			let retryable: boolean;
			let wait = delay;
			try {
				const response = (await this.ctx.helpers.httpRequest(options)) as IN8nHttpFullResponse;
				const envelope = parseEnvelope(response.body);
				if (
					envelope &&
					envelope.code === 0 &&
					response.statusCode >= 200 &&
					response.statusCode < 300
				) {
					return envelope as Envelope<T>;
				}
				const status = envelope?.code && envelope.code !== 0 ? envelope.code : response.statusCode;
				failure = apiError(this.ctx.getNode(), response.statusCode, envelope, policy);
				retryable = mayResendAfterAnswer(status, envelope !== undefined, policy.idempotent);
				wait = Math.min(retryAfterMs(response.headers as IDataObject) ?? delay, MAX_RETRY_DELAY_MS);
			} catch (error) {
				if (isAbort(error, signal)) throw stopped();
				const code = networkErrorCode(error) ?? 'UNKNOWN';
				failure = transportError(this.ctx.getNode(), code, policy, this.baseUrl);
				retryable = mayResendAfterTransportError(code, policy.idempotent);
			}

			if (!retryable || attempt >= MAX_ATTEMPTS) throw retryable ? markTransient(failure) : failure;
			await sleepUnlessAborted(wait, signal);
			if (signal?.aborted) throw stopped();
			delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
		}
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
	if (!value || typeof value !== 'object' || typeof (value as Envelope).code !== 'number')
		return undefined;
	return value as Envelope;
}
