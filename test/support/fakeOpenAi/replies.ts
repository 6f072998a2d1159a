// A script's reply as each API sends it: Chat Completions (a completion, or its stream's chunks) and
// Responses (a response object, or its stream's events).
import type { ModelReply } from './types';

const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

export function chatCompletion(reply: ModelReply, model: string, id: string, callIds: string[]) {
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
		choices: [
			{
				index: 0,
				message,
				logprobs: null,
				finish_reason: 'content' in reply ? 'stop' : 'tool_calls',
			},
		],
		usage: USAGE,
	};
}

export function chatChunks(
	reply: ModelReply,
	model: string,
	id: string,
	callIds: string[],
	includeUsage: boolean,
): unknown[] {
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
		chunks.push(
			chunk({ content: reply.content.slice(0, half) }, null),
			chunk({ content: reply.content.slice(half) }, null),
		);
		chunks.push(chunk({}, 'stop'));
	} else {
		reply.toolCalls.forEach((call, index) => {
			chunks.push(
				chunk(
					{
						tool_calls: [
							{
								index,
								id: callIds[index],
								type: 'function',
								function: { name: call.name, arguments: '' },
							},
						],
					},
					null,
				),
			);
			chunks.push(
				chunk(
					{ tool_calls: [{ index, function: { arguments: JSON.stringify(call.arguments) } }] },
					null,
				),
			);
		});
		chunks.push(chunk({}, 'tool_calls'));
	}
	if (includeUsage)
		chunks.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: USAGE });
	return chunks;
}

type ResponseOutputItem =
	| {
			type: 'message';
			id: string;
			status: string;
			role: 'assistant';
			content: Array<{ type: 'output_text'; text: string; annotations: unknown[] }>;
	  }
	| {
			type: 'function_call';
			id: string;
			call_id: string;
			name: string;
			arguments: string;
			status: string;
	  };

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

export function responseObject(
	reply: ModelReply,
	model: string,
	id: string,
	callIds: string[],
	status = 'completed',
) {
	return {
		id,
		object: 'response',
		created_at: Math.floor(Date.now() / 1000),
		status,
		model,
		output: status === 'completed' ? responseOutput(reply, id, callIds) : [],
		usage: {
			input_tokens: 10,
			output_tokens: 5,
			total_tokens: 15,
			input_tokens_details: { cached_tokens: 0 },
			output_tokens_details: { reasoning_tokens: 0 },
		},
		error: null,
		incomplete_details: null,
	};
}

/** The Responses API's stream events for a reply (the subset the openai SDK and LangChain read). */
export function responseEvents(
	reply: ModelReply,
	model: string,
	id: string,
	callIds: string[],
): Array<{ event: string; data: unknown }> {
	const events: Array<{ event: string; data: unknown }> = [];
	let sequence = 0;
	const emit = (type: string, data: object) =>
		events.push({ event: type, data: { type, sequence_number: sequence++, ...data } });
	emit('response.created', { response: responseObject(reply, model, id, callIds, 'in_progress') });
	responseOutput(reply, id, callIds).forEach((item: ResponseOutputItem, outputIndex) => {
		if (item.type === 'message') {
			emit('response.output_item.added', {
				output_index: outputIndex,
				item: { ...item, status: 'in_progress', content: [] },
			});
			emit('response.content_part.added', {
				output_index: outputIndex,
				item_id: item.id,
				content_index: 0,
				part: { type: 'output_text', text: '', annotations: [] },
			});
			emit('response.output_text.delta', {
				output_index: outputIndex,
				item_id: item.id,
				content_index: 0,
				delta: item.content[0].text,
			});
			emit('response.output_text.done', {
				output_index: outputIndex,
				item_id: item.id,
				content_index: 0,
				text: item.content[0].text,
			});
			emit('response.content_part.done', {
				output_index: outputIndex,
				item_id: item.id,
				content_index: 0,
				part: item.content[0],
			});
		} else {
			emit('response.output_item.added', {
				output_index: outputIndex,
				item: { ...item, status: 'in_progress', arguments: '' },
			});
			emit('response.function_call_arguments.delta', {
				output_index: outputIndex,
				item_id: item.id,
				delta: item.arguments,
			});
			emit('response.function_call_arguments.done', {
				output_index: outputIndex,
				item_id: item.id,
				arguments: item.arguments,
			});
		}
		emit('response.output_item.done', { output_index: outputIndex, item });
	});
	emit('response.completed', { response: responseObject(reply, model, id, callIds) });
	return events;
}
