// The two request shapes, Chat Completions and Responses, normalised into one ModelRequest.
import type {
	ChatBody,
	ConversationMessage,
	ModelRequest,
	OfferedTool,
	ResponsesBody,
	ResponsesInputItem,
} from './types';

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map((part) =>
				typeof part === 'string'
					? part
					: typeof part?.text === 'string'
						? part.text
						: typeof part?.output === 'string'
							? part.output
							: '',
			)
			.join('');
	}
	if (content === null || content === undefined) return '';
	return JSON.stringify(content);
}

export function chatRequest(body: ChatBody): ModelRequest {
	const messages: ConversationMessage[] = (Array.isArray(body.messages) ? body.messages : []).map(
		(message) => ({
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
		}),
	);
	const tools: OfferedTool[] = (Array.isArray(body.tools) ? body.tools : [])
		.filter((tool) => tool?.type === 'function')
		.map((tool) => ({
			name: tool.function.name,
			description: tool.function.description ?? '',
			parameters: tool.function.parameters ?? {},
		}));
	return {
		api: 'chat',
		model: String(body.model ?? ''),
		stream: body.stream === true,
		messages,
		tools,
		body,
	};
}

export function responsesRequest(body: ResponsesBody): ModelRequest {
	const messages: ConversationMessage[] = [];
	if (typeof body.instructions === 'string' && body.instructions)
		messages.push({ role: 'system', content: body.instructions });
	const input: ResponsesInputItem[] =
		typeof body.input === 'string'
			? [{ role: 'user', content: body.input }]
			: Array.isArray(body.input)
				? body.input
				: [];
	for (const item of input) {
		if (item.type === 'function_call') {
			const last = messages[messages.length - 1];
			const call = { id: item.call_id, name: item.name, arguments: item.arguments ?? '' };
			if (last?.role === 'assistant' && last.content === '') (last.toolCalls ??= []).push(call);
			else messages.push({ role: 'assistant', content: '', toolCalls: [call] });
		} else if (item.type === 'function_call_output') {
			messages.push({ role: 'tool', content: textOf(item.output), toolCallId: item.call_id });
		} else if (item.role) {
			messages.push({
				role: item.role === 'developer' ? 'system' : item.role,
				content: textOf(item.content),
			});
		}
	}
	const tools: OfferedTool[] = (Array.isArray(body.tools) ? body.tools : [])
		.filter((tool) => tool?.type === 'function')
		.map((tool) => ({
			name: tool.name,
			description: tool.description ?? '',
			parameters: tool.parameters ?? {},
		}));
	return {
		api: 'responses',
		model: String(body.model ?? ''),
		stream: body.stream === true,
		messages,
		tools,
		body,
	};
}
