// What Max API documents (docs.maxapi.io), as data. No n8n here: these are plain facts and types.

export const MODELS = {
	textToImage: 'gpt-image-2/text-to-image',
	imageToImage: 'gpt-image-2/image-to-image',
} as const;

export type Model = (typeof MODELS)[keyof typeof MODELS];

export const RATIOS = [
	'1:1',
	'3:2',
	'2:3',
	'4:3',
	'3:4',
	'5:4',
	'4:5',
	'16:9',
	'9:16',
	'2:1',
	'1:2',
	'21:9',
	'9:21',
] as const;

export type Ratio = (typeof RATIOS)[number];

export const RESOLUTIONS = ['1k', '2k', '4k'] as const;

export type Resolution = (typeof RESOLUTIONS)[number];

/** 4k exceeds the pixel budget with any other ratio, and the API rejects it. */
export const FOUR_K_RATIOS: readonly Ratio[] = ['16:9', '9:16', '2:1', '1:2', '21:9', '9:21'];

/**
 * What a task id can look like (they are UUIDs). Ids go into a request path, so anything else, e.g.
 * `../` or `?`, is refused before it is sent.
 */
export const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export const MIN_IMAGES = 1;
export const MAX_IMAGES = 10;

/** USD per image; a task costs n times this. Failed tasks are not charged. */
export const UNIT_PRICE_USD: Record<Resolution, number> = { '1k': 0.02, '2k': 0.04, '4k': 0.06 };

export const TERMINAL_STATUSES = ['SUCCESS', 'FAILURE', 'TIMEOUT', 'CANCELLED'] as const;

export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export type TaskStatus = 'PENDING' | 'PROCESSING' | 'SUBMITTED' | TerminalStatus;

export function isTerminalStatus(status: unknown): status is TerminalStatus {
	return (TERMINAL_STATUSES as readonly unknown[]).includes(status);
}

export interface TaskInput {
	model?: string;
	prompt?: string;
	imageUrls?: string[];
	ratio?: string;
	resolution?: string;
	n?: number;
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
	model: Model;
	callBackUrl?: string;
	user_id?: string;
	input: {
		prompt: string;
		imageUrls?: string[];
		ratio?: Ratio;
		resolution: Resolution;
		n: number;
	};
}

/** Every answer is `{code, msg, data?}`; `code` 0 is success whatever the HTTP status said. */
export interface Envelope<T = unknown> {
	code: number;
	msg?: string;
	data?: T;
}

/** The price of a task that succeeded with these parameters. */
export function taskCostUsd(resolution: string | undefined, n: number | undefined): number {
	const unit = UNIT_PRICE_USD[(resolution ?? '1k') as Resolution] ?? UNIT_PRICE_USD['1k'];
	const cents = Math.round(unit * 100) * (n ?? 1);
	return cents / 100;
}
