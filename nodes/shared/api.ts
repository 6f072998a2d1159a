// What Max API documents about tasks (docs.maxapi.io), as data and types. Models live in ./models.
// No n8n here: these are plain facts.

/**
 * What a task id can look like (they are UUIDs). Ids go into a request path, so anything else, e.g.
 * `../` or `?`, is refused before it is sent.
 */
export const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export const TERMINAL_STATUSES = ['SUCCESS', 'FAILURE', 'TIMEOUT', 'CANCELLED'] as const;

export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export type TaskStatus = 'PENDING' | 'PROCESSING' | 'SUBMITTED' | TerminalStatus;

export function isTerminalStatus(status: unknown): status is TerminalStatus {
	return (TERMINAL_STATUSES as readonly unknown[]).includes(status);
}

/** `input` as the API echoes it: what was submitted, plus `model`. */
export interface TaskInput {
	model?: string;
	prompt?: string;
	[key: string]: unknown;
}

/** `data` of `GET /api/v1/task/{taskId}`, and of the callback body. */
export interface TaskData {
	taskId: string;
	status: TaskStatus | string;
	input?: TaskInput | null;
	result?: { type?: string; urls?: string[] } | null;
	failure_reason?: string | null;
	created_at?: string;
	updated_at?: string;
}

export interface SubmitBody {
	model: string;
	callBackUrl?: string;
	user_id?: string;
	input: Record<string, unknown>;
}

/** Every answer is `{code, msg, data?}`; `code` 0 is success whatever the HTTP status said. */
export interface Envelope<T = unknown> {
	code: number;
	msg?: string;
	data?: T;
}
