/** One-shot webhook call: start the webhook server, send one real HTTP request, collect the run. */
import * as http from 'node:http';

import type { RunResult } from '../result';
import { startWebhookServer, type WebhookServerOptions } from './server';

/** One HTTP request for runWebhook. `body` objects are sent as JSON unless `rawBody` is given. */
export interface WebhookRequestSpec {
	method?: string;
	headers?: Record<string, string>;
	query?: Record<string, string>;
	body?: unknown;
	rawBody?: Buffer | string;
}

export interface WebhookCallResult {
	statusCode: number;
	headers: http.IncomingHttpHeaders;
	/** Response body as text. */
	body: string;
	/** Response body parsed as JSON when it is JSON. */
	json?: unknown;
	/** The workflow run the request started (after it completed), if it started one. */
	run?: RunResult;
	/** The URL the request was sent to (without the query). */
	url: string;
}

/** The request's body bytes; a JSON body gets a JSON content type unless one is set. */
function encodeBody(
	request: WebhookRequestSpec,
	headers: Record<string, string>,
): Buffer | undefined {
	if (request.rawBody !== undefined) return Buffer.from(request.rawBody);
	if (request.body === undefined) return undefined;
	if (typeof request.body === 'string' || Buffer.isBuffer(request.body))
		return Buffer.from(request.body as string);
	if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
		headers['content-type'] = 'application/json';
	}
	return Buffer.from(JSON.stringify(request.body));
}

function send(
	target: URL,
	method: string,
	headers: Record<string, string>,
	payload: Buffer | undefined,
): Promise<{ statusCode: number; headers: http.IncomingHttpHeaders; body: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request(target, { method, headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () =>
				resolve({
					statusCode: res.statusCode ?? 0,
					headers: res.headers,
					body: Buffer.concat(chunks).toString('utf8'),
				}),
			);
		});
		req.on('error', reject);
		req.end(payload);
	});
}

/**
 * Starts the webhook server, sends one real HTTP request to the node's webhook, waits for the run it
 * started (if any), closes the server.
 */
export async function runWebhook(
	options: WebhookServerOptions & { request: WebhookRequestSpec },
): Promise<WebhookCallResult> {
	const server = await startWebhookServer(options);
	try {
		const { request } = options;
		const target = new URL(server.url);
		for (const [k, v] of Object.entries(request.query ?? {})) target.searchParams.set(k, v);
		const headers: Record<string, string> = { ...(request.headers ?? {}) };
		const payload = encodeBody(request, headers);
		const response = await send(target, request.method ?? 'POST', headers, payload);
		let json: unknown;
		try {
			json = JSON.parse(response.body);
		} catch {
			json = undefined;
		}
		const started = server.requests[server.requests.length - 1]?.executionId !== undefined;
		const run = started
			? (await server.waitForRuns(1, options.runTimeoutMs ?? 30_000))[0]
			: undefined;
		return { ...response, json, run, url: server.url };
	} finally {
		await server.close();
	}
}
