/**
 * The request and response objects a webhook node sees: node's own http objects plus what n8n's
 * express stack adds (query, rawBody, body parsing, res.status().json(), ...).
 */
import { parseIncomingMessage } from '../core';

import * as http from 'node:http';
import * as querystring from 'node:querystring';

/** The request object a webhook node sees: node's IncomingMessage plus what n8n's express stack adds. */
export type HarnessWebhookRequest = http.IncomingMessage & {
	body?: unknown;
	rawBody?: Buffer;
	query: Record<string, string | string[] | undefined>;
	params: Record<string, string>;
	path: string;
	contentType?: string;
	encoding?: BufferEncoding;
	readRawBody(): Promise<void>;
	get(name: string): string | undefined;
	header(name: string): string | undefined;
};

/** The response object a webhook node sees: ServerResponse plus the express methods nodes use. */
export type HarnessWebhookResponse = http.ServerResponse & {
	status(code: number): HarnessWebhookResponse;
	json(body: unknown): HarnessWebhookResponse;
	send(body?: unknown): HarnessWebhookResponse;
	set(field: string | Record<string, string>, value?: string): HarnessWebhookResponse;
	header(field: string | Record<string, string>, value?: string): HarnessWebhookResponse;
	type(contentType: string): HarnessWebhookResponse;
	sendStatus(code: number): HarnessWebhookResponse;
};

export function expressifyResponse(res: http.ServerResponse): HarnessWebhookResponse {
	const r = res as HarnessWebhookResponse;
	const setHeaders = (field: string | Record<string, string>, value?: string) => {
		if (typeof field === 'string') r.setHeader(field, value ?? '');
		else for (const [k, v] of Object.entries(field)) r.setHeader(k, v);
		return r;
	};
	r.status = (code: number) => {
		r.statusCode = code;
		return r;
	};
	r.set = setHeaders;
	r.header = setHeaders;
	r.type = (contentType: string) => setHeaders('content-type', contentType);
	r.json = (body: unknown) => {
		if (!r.hasHeader('content-type'))
			r.setHeader('content-type', 'application/json; charset=utf-8');
		r.end(body === undefined ? '' : JSON.stringify(body));
		return r;
	};
	r.send = (body?: unknown) => {
		if (body === undefined || body === null) {
			r.end();
		} else if (Buffer.isBuffer(body)) {
			if (!r.hasHeader('content-type')) r.setHeader('content-type', 'application/octet-stream');
			r.end(body);
		} else if (typeof body === 'string') {
			if (!r.hasHeader('content-type')) r.setHeader('content-type', 'text/html; charset=utf-8');
			r.end(body);
		} else {
			r.json(body);
		}
		return r;
	};
	r.sendStatus = (code: number) => {
		r.statusCode = code;
		return r.send(http.STATUS_CODES[code] ?? String(code));
	};
	return r;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

export function expressifyRequest(req: http.IncomingMessage, url: URL): HarnessWebhookRequest {
	const r = req as HarnessWebhookRequest;
	parseIncomingMessage(req); // n8n's own: sets contentType / encoding (/ contentDisposition)
	r.query = querystring.parse(url.search.replace(/^\?/, ''));
	r.params = {};
	r.path = url.pathname;
	r.get = (name: string) => {
		const value = req.headers[name.toLowerCase()];
		return Array.isArray(value) ? value.join(', ') : value;
	};
	r.header = r.get;
	r.readRawBody = async () => {
		r.rawBody ??= await readBody(req);
	};
	return r;
}

/** n8n's parseBody: json / xml / urlencoded / text bodies go to req.body; other types stay raw only. */
export async function parseBody(req: HarnessWebhookRequest): Promise<void> {
	if (req.contentType?.startsWith('multipart/')) return;
	await req.readRawBody();
	const { rawBody, contentType } = req;
	const encoding = req.encoding ?? 'utf-8';
	if (!rawBody?.length) return;
	try {
		if (contentType === 'application/json') {
			req.body = JSON.parse(rawBody.toString(encoding));
		} else if (contentType?.endsWith('/xml') || contentType?.endsWith('+xml')) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { Parser } = require('xml2js') as {
				Parser: new (o: object) => { parseStringPromise(s: string): Promise<unknown> };
			};
			const parser = new Parser({
				async: true,
				normalize: true,
				normalizeTags: true,
				explicitArray: false,
			});
			req.body = await parser.parseStringPromise(rawBody.toString(encoding));
		} else if (contentType === 'application/x-www-form-urlencoded') {
			req.body = querystring.parse(rawBody.toString(encoding), undefined, undefined, {
				maxKeys: 1000,
			});
		} else if (contentType === 'text/plain') {
			req.body = rawBody.toString(encoding);
		}
	} catch (error) {
		throw Object.assign(new Error('Failed to parse request body'), {
			httpStatusCode: 422,
			description: (error as Error).message,
		});
	}
}

export function isParsableContentType(contentType: string | undefined): boolean {
	if (!contentType) return false;
	return (
		contentType.startsWith('application/json') ||
		contentType.startsWith('text/plain') ||
		contentType.startsWith('application/x-www-form-urlencoded') ||
		contentType.endsWith('/xml') ||
		contentType.endsWith('+xml')
	);
}

/** n8n's error answer: `{ code, message }` (code 404 for unknown webhooks, else 0). */
export function sendJsonError(
	res: HarnessWebhookResponse,
	statusCode: number,
	message: string,
): void {
	if (res.headersSent || res.writableEnded) return;
	res.status(statusCode).json({ code: statusCode === 404 ? 404 : 0, message });
}

/** Answers once: nothing, text, or JSON. */
export function sendBody(res: HarnessWebhookResponse, statusCode: number, body: unknown): void {
	if (res.headersSent || res.writableEnded) return;
	res.status(statusCode);
	if (body === undefined) res.end();
	else if (typeof body === 'string') res.send(body);
	else res.json(body);
}
