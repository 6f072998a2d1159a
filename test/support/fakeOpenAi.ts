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
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A JSON schema as a request carried it (a tool's arguments); not checked here. */
export interface JsonSchema {
	type?: string;
	description?: string;
	default?: unknown;
	properties?: Record<string, JsonSchema>;
	required?: string[];
	[keyword: string]: unknown;
}

/** A tool as the request offered it, whichever API carried it. */
export interface OfferedTool {
	name: string;
	description: string;
	/** JSON schema of the arguments. */
	parameters: JsonSchema;
}

/** One message of the conversation, normalised from either API. */
export interface ConversationMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	/** Text content (parts joined). */
	content: string;
	/** assistant: the tool calls it made. */
	toolCalls?: Array<{ id: string; name: string; arguments: string }>;
	/** tool: which call this is the result of. */
	toolCallId?: string;
}

/** A model request, normalised: what the script decides on. */
export interface ModelRequest {
	api: 'chat' | 'responses';
	model: string;
	stream: boolean;
	messages: ConversationMessage[];
	tools: OfferedTool[];
	/** The body as received. */
	body: ChatBody | ResponsesBody;
}

export type ModelReply = { content: string } | { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> };

export type Script = (request: ModelRequest, index: number) => ModelReply;

export interface RecordedRequest {
	method: string;
	path: string;
	/** Whether an `Authorization: Bearer <apiKey>` header came with it. */
	authorized: boolean;
	/** Parsed when it is JSON, else the text (undefined when empty). */
	body: unknown;
	/** Set for model requests (chat completions, responses). */
	model?: ModelRequest;
	/** What the script answered (model requests). */
	reply?: ModelReply;
	status: number;
	at: number;
}

export interface FakeOpenAi {
	/** Base URL for the OpenAI credential, e.g. http://127.0.0.1:41234/v1 */
	readonly url: string;
	readonly apiKey: string;
	/** Every request received, in order. */
	readonly requests: RecordedRequest[];
	/** The model requests only (chat completions and responses), in order. */
	modelRequests(): RecordedRequest[];
	/** Replaces the script for the requests that follow. */
	setScript(script: Script): void;
	/** Forgets the recorded requests (the script stays). */
	reset(): void;
	close(): Promise<void>;
}

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
		return { toolCalls: [{ name: tool.name, arguments: typeof options.args === 'function' ? options.args(tool) : options.args }] };
	};
}

function pickTool(tools: OfferedTool[], choice: string | ((tools: OfferedTool[]) => OfferedTool | undefined) | undefined): OfferedTool {
	let tool: OfferedTool | undefined;
	if (typeof choice === 'function') tool = choice(tools);
	else if (typeof choice === 'string') tool = tools.find((candidate) => candidate.name === choice);
	else if (tools.length === 1) tool = tools[0];
	if (!tool) {
		throw new Error(`fake OpenAI: no tool ${typeof choice === 'string' ? `"${choice}" ` : ''}among [${tools.map((t) => t.name).join(', ')}]`);
	}
	return tool;
}

/** The first http(s) URL in a text (e.g. a tool result), or undefined. */
export function firstUrl(text: string): string | undefined {
	return /https?:\/\/[^\s"'\\<>]+/.exec(text)?.[0];
}

// ---------------------------------------------------------------------------------------------
// normalising the two request shapes

// What this fake reads of the two APIs' request bodies: JSON as n8n sent it, so every field is
// optional and checked where it is read.
type Role = ConversationMessage['role'] | 'developer';

interface ChatBody {
	model?: string;
	stream?: boolean;
	stream_options?: { include_usage?: boolean };
	messages?: Array<{
		role: Role;
		content?: unknown;
		tool_calls?: Array<{ id: string; function: { name: string; arguments?: string } }>;
		tool_call_id?: string;
	}>;
	tools?: Array<{ type?: string; function: { name: string; description?: string; parameters?: JsonSchema } }>;
}

type ResponsesInputItem =
	| { type: 'function_call'; call_id: string; name: string; arguments?: string; role?: undefined }
	| { type: 'function_call_output'; call_id: string; output?: unknown; role?: undefined }
	| { type?: 'message'; role?: Role; content?: unknown };

interface ResponsesBody {
	model?: string;
	stream?: boolean;
	instructions?: string;
	input?: string | ResponsesInputItem[];
	tools?: Array<{ type?: string; name: string; description?: string; parameters?: JsonSchema }>;
}

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map((part) => (typeof part === 'string' ? part : typeof part?.text === 'string' ? part.text : typeof part?.output === 'string' ? part.output : ''))
			.join('');
	}
	if (content === null || content === undefined) return '';
	return JSON.stringify(content);
}

function chatRequest(body: ChatBody): ModelRequest {
	const messages: ConversationMessage[] = (Array.isArray(body.messages) ? body.messages : []).map((message) => ({
		role: message.role === 'developer' ? 'system' : message.role,
		content: textOf(message.content),
		...(Array.isArray(message.tool_calls) && message.tool_calls.length > 0
			? {
					toolCalls: message.tool_calls.map((call) => ({
						id: call.id,
						name: call.function?.name,
						arguments: call.function?.arguments ?? '',
					})),
				}
			: {}),
		...(message.tool_call_id ? { toolCallId: message.tool_call_id } : {}),
	}));
	const tools: OfferedTool[] = (Array.isArray(body.tools) ? body.tools : [])
		.filter((tool) => tool?.type === 'function')
		.map((tool) => ({ name: tool.function.name, description: tool.function.description ?? '', parameters: tool.function.parameters ?? {} }));
	return { api: 'chat', model: String(body.model ?? ''), stream: body.stream === true, messages, tools, body };
}

function responsesRequest(body: ResponsesBody): ModelRequest {
	const messages: ConversationMessage[] = [];
	if (typeof body.instructions === 'string' && body.instructions) messages.push({ role: 'system', content: body.instructions });
	const input: ResponsesInputItem[] = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : Array.isArray(body.input) ? body.input : [];
	for (const item of input) {
		if (item.type === 'function_call') {
			const last = messages[messages.length - 1];
			const call = { id: item.call_id, name: item.name, arguments: item.arguments ?? '' };
			if (last?.role === 'assistant' && last.content === '') (last.toolCalls ??= []).push(call);
			else messages.push({ role: 'assistant', content: '', toolCalls: [call] });
		} else if (item.type === 'function_call_output') {
			messages.push({ role: 'tool', content: textOf(item.output), toolCallId: item.call_id });
		} else if (item.role) {
			messages.push({ role: item.role === 'developer' ? 'system' : item.role, content: textOf(item.content) });
		}
	}
	const tools: OfferedTool[] = (Array.isArray(body.tools) ? body.tools : [])
		.filter((tool) => tool?.type === 'function')
		.map((tool) => ({ name: tool.name, description: tool.description ?? '', parameters: tool.parameters ?? {} }));
	return { api: 'responses', model: String(body.model ?? ''), stream: body.stream === true, messages, tools, body };
}

// ---------------------------------------------------------------------------------------------
// answers

const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

function chatCompletion(reply: ModelReply, model: string, id: string, callIds: string[]) {
	const message =
		'content' in reply
			? { role: 'assistant', content: reply.content, refusal: null }
			: {
					role: 'assistant',
					content: null,
					refusal: null,
					tool_calls: reply.toolCalls.map((call, i) => ({
						id: callIds[i],
						type: 'function',
						function: { name: call.name, arguments: JSON.stringify(call.arguments) },
					})),
				};
	return {
		id,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, logprobs: null, finish_reason: 'content' in reply ? 'stop' : 'tool_calls' }],
		usage: USAGE,
	};
}

function chatChunks(reply: ModelReply, model: string, id: string, callIds: string[], includeUsage: boolean): unknown[] {
	const created = Math.floor(Date.now() / 1000);
	const chunk = (delta: object, finish: string | null) => ({
		id,
		object: 'chat.completion.chunk',
		created,
		model,
		choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
	});
	const chunks: unknown[] = [chunk({ role: 'assistant', content: '' }, null)];
	if ('content' in reply) {
		// two pieces, as a streaming model sends them
		const half = Math.ceil(reply.content.length / 2);
		chunks.push(chunk({ content: reply.content.slice(0, half) }, null), chunk({ content: reply.content.slice(half) }, null));
		chunks.push(chunk({}, 'stop'));
	} else {
		reply.toolCalls.forEach((call, index) => {
			chunks.push(chunk({ tool_calls: [{ index, id: callIds[index], type: 'function', function: { name: call.name, arguments: '' } }] }, null));
			chunks.push(chunk({ tool_calls: [{ index, function: { arguments: JSON.stringify(call.arguments) } }] }, null));
		});
		chunks.push(chunk({}, 'tool_calls'));
	}
	if (includeUsage) chunks.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: USAGE });
	return chunks;
}

type ResponseOutputItem =
	| { type: 'message'; id: string; status: string; role: 'assistant'; content: Array<{ type: 'output_text'; text: string; annotations: unknown[] }> }
	| { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status: string };

function responseOutput(reply: ModelReply, id: string, callIds: string[]): ResponseOutputItem[] {
	if ('content' in reply) {
		return [
			{
				type: 'message',
				id: `msg_${id}`,
				status: 'completed',
				role: 'assistant',
				content: [{ type: 'output_text', text: reply.content, annotations: [] }],
			},
		];
	}
	return reply.toolCalls.map((call, i) => ({
		type: 'function_call',
		id: `fc_${id}_${i}`,
		call_id: callIds[i],
		name: call.name,
		arguments: JSON.stringify(call.arguments),
		status: 'completed',
	}));
}

function responseObject(reply: ModelReply, model: string, id: string, callIds: string[], status = 'completed') {
	return {
		id,
		object: 'response',
		created_at: Math.floor(Date.now() / 1000),
		status,
		model,
		output: status === 'completed' ? responseOutput(reply, id, callIds) : [],
		usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
		error: null,
		incomplete_details: null,
	};
}

/** The Responses API's stream events for a reply (the subset the openai SDK and LangChain read). */
function responseEvents(reply: ModelReply, model: string, id: string, callIds: string[]): Array<{ event: string; data: unknown }> {
	const events: Array<{ event: string; data: unknown }> = [];
	let sequence = 0;
	const emit = (type: string, data: object) => events.push({ event: type, data: { type, sequence_number: sequence++, ...data } });
	emit('response.created', { response: responseObject(reply, model, id, callIds, 'in_progress') });
	responseOutput(reply, id, callIds).forEach((item: ResponseOutputItem, outputIndex) => {
		if (item.type === 'message') {
			emit('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
			emit('response.content_part.added', { output_index: outputIndex, item_id: item.id, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
			emit('response.output_text.delta', { output_index: outputIndex, item_id: item.id, content_index: 0, delta: item.content[0].text });
			emit('response.output_text.done', { output_index: outputIndex, item_id: item.id, content_index: 0, text: item.content[0].text });
			emit('response.content_part.done', { output_index: outputIndex, item_id: item.id, content_index: 0, part: item.content[0] });
		} else {
			emit('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } });
			emit('response.function_call_arguments.delta', { output_index: outputIndex, item_id: item.id, delta: item.arguments });
			emit('response.function_call_arguments.done', { output_index: outputIndex, item_id: item.id, arguments: item.arguments });
		}
		emit('response.output_item.done', { output_index: outputIndex, item });
	});
	emit('response.completed', { response: responseObject(reply, model, id, callIds) });
	return events;
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
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

function sendSse(res: http.ServerResponse, events: Array<{ event?: string; data: unknown }>, done: boolean) {
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
	for (const { event, data } of events) res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
	if (done) res.write('data: [DONE]\n\n');
	res.end();
}

function openAiError(res: http.ServerResponse, status: number, message: string, type = 'invalid_request_error') {
	sendJson(res, status, { error: { message, type, param: null, code: null } });
}

export async function startFakeOpenAi(options: { script?: Script; apiKey?: string; models?: string[] } = {}): Promise<FakeOpenAi> {
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
			return sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) });
		}
		const api = req.method === 'POST' && path === '/v1/chat/completions' ? 'chat' : req.method === 'POST' && path === '/v1/responses' ? 'responses' : null;
		if (!api) {
			answer(404);
			return openAiError(res, 404, `fake OpenAI: no route ${req.method} ${path}`);
		}
		if (!body || typeof body !== 'object') {
			answer(400);
			return openAiError(res, 400, 'fake OpenAI: the body is not a JSON object');
		}
		const request = api === 'chat' ? chatRequest(body as ChatBody) : responsesRequest(body as ResponsesBody);
		record.model = request;
		const index = requests.filter((r) => r.model).length - 1;
		let reply: ModelReply;
		try {
			reply = script(request, index);
		} catch (error) {
			answer(500);
			return openAiError(res, 500, `fake OpenAI script failed: ${(error as Error).message}`, 'server_error');
		}
		record.reply = reply;
		counter += 1;
		const id = api === 'chat' ? `chatcmpl-fake${counter}` : `resp_fake${counter}`;
		const callIds = 'toolCalls' in reply ? reply.toolCalls.map((_, i) => `call_fake${counter}_${i}`) : [];
		answer(200);
		if (api === 'chat') {
			if (!request.stream) return sendJson(res, 200, chatCompletion(reply, request.model, id, callIds));
			const includeUsage = (body as ChatBody).stream_options?.include_usage === true;
			return sendSse(res, chatChunks(reply, request.model, id, callIds, includeUsage).map((data) => ({ data })), true);
		}
		if (!request.stream) return sendJson(res, 200, responseObject(reply, request.model, id, callIds));
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
