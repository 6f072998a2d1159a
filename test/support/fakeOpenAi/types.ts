// The fake OpenAI's types: what a test reads (the normalised requests, the replies a script gives,
// the recorded requests) and the two APIs' request bodies as this fake reads them.

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

export type ModelReply =
	| { content: string }
	| { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> };

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

// What this fake reads of the two APIs' request bodies: JSON as n8n sent it, so every field is
// optional and checked where it is read.
export type Role = ConversationMessage['role'] | 'developer';

export interface ChatBody {
	model?: string;
	stream?: boolean;
	stream_options?: { include_usage?: boolean };
	messages?: Array<{
		role: Role;
		content?: unknown;
		tool_calls?: Array<{ id: string; function: { name: string; arguments?: string } }>;
		tool_call_id?: string;
	}>;
	tools?: Array<{
		type?: string;
		function: { name: string; description?: string; parameters?: JsonSchema };
	}>;
}

export type ResponsesInputItem =
	| { type: 'function_call'; call_id: string; name: string; arguments?: string; role?: undefined }
	| { type: 'function_call_output'; call_id: string; output?: unknown; role?: undefined }
	| { type?: 'message'; role?: Role; content?: unknown };

export interface ResponsesBody {
	model?: string;
	stream?: boolean;
	instructions?: string;
	input?: string | ResponsesInputItem[];
	tools?: Array<{ type?: string; name: string; description?: string; parameters?: JsonSchema }>;
}
