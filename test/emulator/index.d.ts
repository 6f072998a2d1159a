// Type declarations for index.js (plain CommonJS, checked with // @ts-check). See README.md.

/** A model id of the node's catalog (nodes/shared/models): one of MODELS. */
export type Model = string;
export type GptModel = 'gpt-image-2/text-to-image' | 'gpt-image-2/image-to-image';
export type Ratio =
	| '1:1'
	| '3:2'
	| '2:3'
	| '4:3'
	| '3:4'
	| '5:4'
	| '4:5'
	| '16:9'
	| '9:16'
	| '2:1'
	| '1:2'
	| '21:9'
	| '9:21';
export type Resolution = '1k' | '2k' | '4k';
export type TerminalStatus = 'SUCCESS' | 'FAILURE' | 'TIMEOUT' | 'CANCELLED';
export type NonTerminalStatus = 'PENDING' | 'PROCESSING' | 'SUBMITTED';
export type TaskStatus = NonTerminalStatus | TerminalStatus;

/** Every JSON answer: `code` 0 on success, otherwise the error code (equal to the HTTP status). */
export interface Envelope<T = unknown> {
	code: number;
	msg: string;
	data?: T;
}

/** `data` of GET /api/v1/task/{taskId} (and of callbacks). */
export interface TaskData {
	taskId: string;
	status: TaskStatus;
	/** What was submitted, plus `model`. */
	input: { model: string; prompt: string; [field: string]: unknown };
	/** Images: `/files/{taskId}/image-{k}.png`; videos: `/files/{taskId}/video-0.mp4`. */
	result: { type: 'image' | 'video'; urls: string[] } | null;
	failure_reason: string | null;
	created_at: string;
	updated_at: string;
}

export interface EmulatorOptions {
	/** 0 (default) = any free port. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Default 'emulator-key'. */
	apiKey?: string;
	/**
	 * Time from submit to the terminal status, default 3000, for every model. Overridden per task by a
	 * prompt's `#latency:N` (or createTask's latencyMs), per model by `modelLatencyMs`, and by `latencyScale`.
	 */
	latencyMs?: number;
	/**
	 * When given, each task takes its model's typical latency (the low end of the catalog's
	 * timing.typicalSeconds) times this scale instead of `latencyMs`: e.g. 0.001 makes Seedance (120 s) 120 ms.
	 */
	latencyScale?: number;
	/** Latency in ms per model id (catalog ids only); wins over latencyScale and latencyMs, not over `#latency:N`. */
	modelLatencyMs?: Record<string, number>;
	/**
	 * Size in bytes of every video result (default VIDEO_FIXTURE_BYTES, about 6 KB): the MP4 padded with a
	 * trailing `free` box, streamed (never held in memory) with its Content-Length. Must be
	 * VIDEO_FIXTURE_BYTES or at least VIDEO_FIXTURE_BYTES + 8.
	 */
	videoBytes?: number;
	/**
	 * Statuses POST /api/v1/task/{taskId}/cancel accepts. Default ['PENDING', 'PROCESSING', 'SUBMITTED']
	 * (cancel page v-B); ['PENDING'] follows v-A.
	 */
	cancellableStatuses?: NonTerminalStatus[];
	/** Fractions of the latency where PENDING and PROCESSING end. Default { pending: 0.15, processing: 0.4 }. */
	phases?: { pending?: number; processing?: number };
	/** Reject callBackUrl on localhost / 127.x / ::1 like the real service. Default false (test sinks are local). */
	rejectLocalhostCallbacks?: boolean;
	/** Base of result URLs instead of `url` (e.g. when reached through a proxy). */
	publicBaseUrl?: string;
	/** Serve incompressible random-pixel PNGs (file size close to raw size) for memory benchmarks. Default false. */
	noiseImages?: boolean;
	/** Initial callback mode; can be changed later through `emulator.callbackMode`. */
	callbackMode?: CallbackMode;
	/** Seed of the generator that decides probabilistic faults (default 1; reset() restarts it). */
	seed?: number;
	/**
	 * Download each submitted task's `imageUrls` / `mediaUrls` the way Max API would, recording what was
	 * received per file (TaskStats.inputs). `true`: 6 attempts, the first 500 ms after the submit, the
	 * delay doubling; a task whose inputs cannot all be downloaded ends FAILURE with `failureReason`
	 * (default INVALID_PARAMETERS). Default off: the emulator never fetches inputs.
	 */
	fetchInputs?: boolean | { attempts?: number; firstDelayMs?: number; failureReason?: string };
}

/** What the emulator received of one input file of a task (option fetchInputs). */
export interface InputRecord {
	/** Position in the task's URL list. */
	index: number;
	field: 'imageUrls' | 'mediaUrls';
	attempts: number;
	/** The last answer's HTTP status; null when nothing answered. */
	status: number | null;
	contentType: string | null;
	bytes: number | null;
	/** Hex sha256 of the bytes received, null unless the download succeeded. */
	sha256: string | null;
	/** Why the last attempt failed, null on success. */
	error: string | null;
}

export type FaultTarget = 'submit' | 'query' | 'cancel' | 'download' | 'any';
export type FaultKind =
	| 'http'
	| 'code'
	| 'reset'
	| 'resetAfterProcess'
	| 'hang'
	| 'malformed'
	| 'noTaskId'
	| 'truncated'
	| 'notImage'
	| 'huge'
	| 'delay';

export interface Fault {
	on: FaultTarget;
	kind: FaultKind;
	/** Number of requests it applies to (default 1); Infinity for all. */
	times?: number;
	/** `http`: HTTP status (default 500). `code`: envelope code (default 500). */
	status?: number;
	/** `http`: value of the Retry-After header. */
	retryAfter?: number | string;
	/** Only requests about this task (query, cancel, download). */
	taskId?: string;
	/** Wait this long before the fault acts (for `delay`: before the normal answer). */
	delayMs?: number;
	/**
	 * Chance (0 < p <= 1, default 1) that a matching request takes this fault, drawn from the seeded
	 * generator; a request that escapes it goes on to the next queued fault. Only taken uses count in `times`.
	 */
	probability?: number;
	/** `huge`: total body size in bytes (default 128 MiB). */
	bytes?: number;
	/** `huge`: send a Content-Length header (default true); false = chunked, size unannounced. */
	contentLength?: boolean;
}

export interface TaskStats {
	model: string;
	queries: number;
	/** Cancel requests about this task (refused ones included). */
	cancels: number;
	downloads: number;
	prompt: string;
	status: TaskStatus;
	/** Epoch ms. */
	createdAt: number;
	/** Epoch ms when the task became terminal (computed from its latency), null while not terminal. */
	completedAt: number | null;
	/** Epoch ms of the cancel that ended it, null when not cancelled through the API. */
	cancelledAt: number | null;
	/** Epoch ms when the first query that returned a terminal status was answered. */
	firstTerminalQueryAt: number | null;
	/** Its inputs as downloaded (option fetchInputs); null when none were (yet). */
	inputs: InputRecord[] | null;
}

export interface EmulatorStats {
	/** Every POST /api/v1/task/submit received, rejected and faulted ones included. */
	submits: number;
	/** Tasks created by submits and by createTask(). */
	tasksCreated: number;
	/** Every GET /api/v1/task/{id} received. */
	queries: number;
	/** Every POST /api/v1/task/{id}/cancel received (refused and faulted ones included). */
	cancels: number;
	/** Every GET/HEAD /files/... received. */
	downloads: number;
	byTask: Record<string, TaskStats>;
	/** Submits per prompt, for every submit whose body had a string input.prompt (rejected ones included). */
	submitsByPrompt: Record<string, number>;
}

export interface CallbackRecord {
	taskId: string;
	url: string;
	/** What was POSTed: the envelope object, or the raw string given to sendCallback. */
	body: unknown;
	/** Status the receiver answered; null when it did not answer. */
	statusCode: number | null;
	error: string | null;
	/** First 64 KiB of the receiver's answer. */
	responseBody: string | null;
	sentAt: number;
	/** When the receiver's answer (status line) arrived; null when it did not answer. */
	answeredAt: number | null;
	/** auto = sent because the task reached a terminal status; manual = sendCallback(). */
	source: 'auto' | 'manual';
}

export interface RequestLogEntry {
	method: string;
	/** Path and query string (headers are never logged). */
	path: string;
	time: number;
	/** HTTP status answered; null when nothing was answered (reset, hang, truncated). */
	status: number | null;
	/** Kind of the injected fault that handled the request, if any. */
	fault: FaultKind | null;
}

export interface CallbackMode {
	/** Send each terminal callback twice. */
	duplicate?: boolean;
	/** Send terminal callbacks this long after the task finished. */
	delayMs?: number;
}

export interface CreateTaskOptions {
	prompt: string;
	/** Any catalog id; default 'gpt-image-2/text-to-image'. */
	model?: Model;
	/** Other input fields (ratio, resolution, n, imageUrls, mediaUrls, duration, ...); validated like a submit. */
	input?: Record<string, unknown>;
	callBackUrl?: string;
	/** Pin the task at this status from now on (no lifecycle, no automatic callback; a cancel still ends it). */
	status?: TaskStatus;
	/** Makes the outcome FAILURE with this reason (null allowed). */
	failureReason?: string | null;
	/** Lifecycle latency of this task (when status is not pinned). */
	latencyMs?: number;
}

export interface SendCallbackOptions {
	/** Target instead of the task's callBackUrl. */
	url?: string;
	/** Forged body instead of the task's current envelope; a string is sent as is. */
	body?: unknown;
	/** Send it this many times in a row (default 1). */
	times?: number;
}

/** The internal task record (read-only view). */
export interface EmulatorTask {
	taskId: string;
	model: string;
	/** The catalog entry the task runs as (an id may serve two operations; URL lists select). */
	operation: 'textToImage' | 'imageToImage' | 'textToVideo' | 'imageToVideo';
	media: 'image' | 'video';
	/** The submitted input (prompt included, model not). */
	input: Record<string, unknown>;
	prompt: string;
	callBackUrl: string | null;
	userId: string | null;
	createdAt: number;
	latencyMs: number;
	outcome: {
		/** null = never finishes. */
		status: TerminalStatus | null;
		failureReason: string | null;
		noUrls: boolean;
		latencyMs: number | null;
	};
	/** What SUCCESS yields: `count` PNGs of width x height, or one MP4. */
	output:
		| { type: 'image'; count: number; width: number; height: number }
		| { type: 'video'; count: 1 };
	pinnedStatus: TaskStatus | null;
	/** Epoch ms of a successful cancel. */
	cancelledAt: number | null;
	queries: number;
	cancels: number;
	downloads: number;
	firstTerminalQueryAt: number | null;
	/** Its inputs as downloaded (option fetchInputs); null when none were (yet). */
	inputs: InputRecord[] | null;
}

export interface Emulator {
	/** http://127.0.0.1:PORT */
	readonly url: string;
	readonly port: number;
	readonly apiKey: string;
	readonly tasks: Map<string, EmulatorTask>;
	readonly callbacks: CallbackRecord[];
	/** Last 10,000 requests. */
	readonly requests: RequestLogEntry[];
	/** Applies to automatic terminal callbacks sent from now on. */
	callbackMode: CallbackMode;
	/** Queue one fault or several; they are consumed in order. Throws on an invalid fault. */
	inject(fault: Fault | Fault[]): void;
	clearFaults(): void;
	stats(): EmulatorStats;
	/** Forget tasks, stats, faults, callbacks and the request log; drop hung sockets. */
	reset(): void;
	/** Create a task without a submit; returns its taskId. Throws on invalid input. */
	createTask(options: CreateTaskOptions): string;
	/** POST a callback now; resolves to the last HTTP status answered (null when there was no answer). */
	sendCallback(taskId: string, options?: SendCallbackOptions): Promise<number | null>;
	/** Stop listening, destroy all connections (hung ones included), clear all timers. */
	close(): Promise<void>;
}

export function startEmulator(options?: EmulatorOptions): Promise<Emulator>;

/** Every model id of the catalog, once each (GPT Image 2's two first). */
export const MODELS: readonly Model[];
/** GPT Image 2's ratios (from the catalog). */
export const RATIOS: readonly Ratio[];
/** GPT Image 2's resolutions (from the catalog). */
export const RESOLUTIONS: readonly Resolution[];
/** Ratios GPT Image 2 accepts with resolution 4k (from the catalog). */
export const FOURK_RATIOS: readonly Ratio[];
/** PIXEL_SIZES[resolution][ratio]: GPT Image 2's PNG sizes; absent for 4k with the other ratios (rejected). */
export const PIXEL_SIZES: Readonly<
	Record<Resolution, Readonly<Partial<Record<Ratio, Readonly<{ width: number; height: number }>>>>>
>;
/** GPT Image 2's price per image (from the catalog). */
export const UNIT_PRICE_USD: Readonly<Record<Resolution, number>>;
export const STATUSES: readonly TaskStatus[];
export const TERMINAL_STATUSES: readonly TerminalStatus[];
/** The default of the cancellableStatuses option: PENDING, PROCESSING, SUBMITTED. */
export const DEFAULT_CANCELLABLE_STATUSES: readonly NonTerminalStatus[];
/** Most URLs the emulator accepts in a URL list whose maximum the docs do not give (GPT Image 2, Seedream, Nano Banana). */
export const MAX_IMAGE_URLS: number;
/** Size in bytes of the video result when the videoBytes option is not given. */
export const VIDEO_FIXTURE_BYTES: number;

export interface Mp4Box {
	/** Four letters, e.g. 'ftyp', 'moov', 'mdat', 'free'. */
	type: string;
	offset: number;
	/** Bytes, header included. */
	size: number;
	/** 8, or 16 for a 64-bit size. */
	headerSize: number;
}
/** The top-level boxes of an MP4 (ISO BMFF) held in `buf`; throws on an impossible box size. */
export function readMp4Boxes(buf: Buffer): Mp4Box[];
