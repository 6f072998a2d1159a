// A scripted stand-in for the OpenAI API, for tests that run n8n's AI Agent with its OpenAI Chat Model
// node pointed here (the OpenAI credential's Base URL = `fake.url`). No model: a script decides each
// answer from the request (e.g. "call the Max API tool with this prompt", then "answer with the URL the
// tool returned"). Every request is recorded as received, so a test can read exactly what n8n sent the
// model: the tools it offered and what each tool handed back.
//
// Serves, on 127.0.0.1 only:
//   POST /v1/chat/completions   Chat Completions, plain JSON or streamed (stream: true, SSE chunks)
//   POST /v1/responses          Responses API (the OpenAI Chat Model's default from v1.3), plain or streamed
//   GET  /v1/models             a list with the scripted model ids (the credential test, the model list)
// Anything else: 404 with an OpenAI-style error (and it is recorded, so a test sees an unexpected call).
//
// index.ts: the server and the script helpers; types.ts, requests.ts (the two request shapes, normalised),
// replies.ts (a reply in each API's shape, plain or streamed).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { chatChunks, chatCompletion, responseEvents, responseObject } from './replies';
import { chatRequest, responsesRequest } from './requests';
import type {
	ChatBody,
	ConversationMessage,
	FakeOpenAi,
	ModelReply,
	ModelRequest,
	OfferedTool,
	RecordedRequest,
	ResponsesBody,
	Script,
} from './types';

export type {
	ConversationMessage,
	FakeOpenAi,
	JsonSchema,
	ModelReply,
	ModelRequest,
	OfferedTool,
	RecordedRequest,
	Script,
} from './types';

/** The tool results the model was given in `request`, in order (tool messages). */
export function toolResults(request: ModelRequest): ConversationMessage[] {
	return request.messages.filter((message) => message.role === 'tool');
}

/**
 * The usual script: the first request (no tool result yet) calls `tool` with `args`; a request that
 * carries the tool's result gets the final answer `answer(result)`.
 * `tool` names the tool, or picks it from those offered (default: the only one offered).
 */
export function callToolThenAnswer(options: {
	tool?: string | ((tools: OfferedTool[]) => OfferedTool | undefined);
	args: Record<string, unknown> | ((tool: OfferedTool) => Record<string, unknown>);
	answer: (toolResult: string) => string;
}): Script {
	return (request) => {
		const results = toolResults(request);
		if (results.length > 0) return { content: options.answer(results[results.length - 1].content) };
		const tool = pickTool(request.tools, options.tool);
		return {
			toolCalls: [
				{
					name: tool.name,
					arguments: typeof options.args === 'function' ? options.args(tool) : options.args,
				},
			],
		};
	};
}

function pickTool(
	tools: OfferedTool[],
	choice: string | ((tools: OfferedTool[]) => OfferedTool | undefined) | undefined,
): OfferedTool {
	let tool: OfferedTool | undefined;
	if (typeof choice === 'function') tool = choice(tools);
	else if (typeof choice === 'string') tool = tools.find((candidate) => candidate.name === choice);
	else if (tools.length === 1) tool = tools[0];
	if (!tool) {
		throw new Error(
			`fake OpenAI: no tool ${typeof choice === 'string' ? `"${choice}" ` : ''}among [${tools.map((t) => t.name).join(', ')}]`,
		);
	}
	return tool;
}

/** The first http(s) URL in a text (e.g. a tool result), or undefined. */
export function firstUrl(text: string): string | undefined {
	return /https?:\/\/[^\s"'\\<>]+/.exec(text)?.[0];
}

// ---------------------------------------------------------------------------------------------

function readBody(req: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text),
	});
	res.end(text);
}

function sendSse(
	res: http.ServerResponse,
	events: Array<{ event?: string; data: unknown }>,
	done: boolean,
) {
	res.writeHead(200, {
		'content-type': 'text/event-stream',
		'cache-control': 'no-cache',
		connection: 'keep-alive',
	});
	for (const { event, data } of events)
		res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
	if (done) res.write('data: [DONE]\n\n');
	res.end();
}

function openAiError(
	res: http.ServerResponse,
	status: number,
	message: string,
	type = 'invalid_request_error',
) {
	sendJson(res, status, { error: { message, type, param: null, code: null } });
}

export async function startFakeOpenAi(
	options: { script?: Script; apiKey?: string; models?: string[] } = {},
): Promise<FakeOpenAi> {
	const apiKey = options.apiKey ?? 'sk-fake-openai-key';
	const models = options.models ?? ['fake-gpt'];
	let script: Script = options.script ?? (() => ({ content: 'No script set.' }));
	const requests: RecordedRequest[] = [];
	let counter = 0;
	const sockets = new Set<import('node:net').Socket>();

	const server = http.createServer(async (req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		const text = await readBody(req);
		let body: unknown;
		try {
			body = text ? JSON.parse(text) : undefined;
		} catch {
			body = text;
		}
		const record: RecordedRequest = {
			method: req.method ?? '',
			path,
			authorized: req.headers.authorization === `Bearer ${apiKey}`,
			body,
			status: 0,
			at: Date.now(),
		};
		requests.push(record);
		const answer = (status: number) => (record.status = status);

		if (!record.authorized) {
			answer(401);
			return openAiError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
		}
		if (req.method === 'GET' && path === '/v1/models') {
			answer(200);
			return sendJson(res, 200, {
				object: 'list',
				data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })),
			});
		}
		const api =
			req.method === 'POST' && path === '/v1/chat/completions'
				? 'chat'
				: req.method === 'POST' && path === '/v1/responses'
					? 'responses'
					: null;
		if (!api) {
			answer(404);
			return openAiError(res, 404, `fake OpenAI: no route ${req.method} ${path}`);
		}
		if (!body || typeof body !== 'object') {
			answer(400);
			return openAiError(res, 400, 'fake OpenAI: the body is not a JSON object');
		}
		const request =
			api === 'chat' ? chatRequest(body as ChatBody) : responsesRequest(body as ResponsesBody);
		record.model = request;
		const index = requests.filter((r) => r.model).length - 1;
		let reply: ModelReply;
		try {
			reply = script(request, index);
		} catch (error) {
			answer(500);
			return openAiError(
				res,
				500,
				`fake OpenAI script failed: ${(error as Error).message}`,
				'server_error',
			);
		}
		record.reply = reply;
		counter += 1;
		const id = api === 'chat' ? `chatcmpl-fake${counter}` : `resp_fake${counter}`;
		const callIds =
			'toolCalls' in reply ? reply.toolCalls.map((_, i) => `call_fake${counter}_${i}`) : [];
		answer(200);
		if (api === 'chat') {
			if (!request.stream)
				return sendJson(res, 200, chatCompletion(reply, request.model, id, callIds));
			const includeUsage = (body as ChatBody).stream_options?.include_usage === true;
			return sendSse(
				res,
				chatChunks(reply, request.model, id, callIds, includeUsage).map((data) => ({ data })),
				true,
			);
		}
		if (!request.stream)
			return sendJson(res, 200, responseObject(reply, request.model, id, callIds));
		return sendSse(res, responseEvents(reply, request.model, id, callIds), false);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}/v1`,
		apiKey,
		requests,
		modelRequests: () => requests.filter((request) => request.model),
		setScript: (next) => {
			script = next;
		},
		reset: () => {
			requests.length = 0;
		},
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}
