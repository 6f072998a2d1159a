// @ts-check
'use strict';

/**
 * The emulator: its tasks, counters and public API (the Emulator interface of index.d.ts), and the core
 * the HTTP front (http.js) calls for submit, query, cancel and result files.
 *
 * Over 400 lines: it is one class, and every method reads the private state they share (tasks, timers,
 * counters, options); what does not need that state is in modules of its own (options.js, control.js,
 * contract.js, tasks.js, faults.js, callbacks.js, files.js, http.js).
 */

const crypto = require('crypto');
const { MODELS, typicalLatencyMs } = require('./catalog');
const { CallbackSender, normalizeCallbackMode } = require('./callbacks');
const {
	STATUSES,
	TERMINAL_STATUSES,
	fail,
	isPlainObject,
	moderate,
	ok,
	okNoData,
	oneOf,
	validateSubmit,
} = require('./contract');
const { controlApi } = require('./control');
const { FaultQueue } = require('./faults');
const { fileReply, plannedOutput } = require('./files');
const { fetchInputs, inputUrls } = require('./inputs');
const { HttpFront } = require('./http');
const { checkMs, checkOptions } = require('./options');
const { envelopeAt, naturalEndAt, parseDirectives, stateAt } = require('./tasks');
const { MAX_TIMER_MS, Timers } = require('./timers');

/** @typedef {import('./tasks').Task} Task */
/** @typedef {import('./tasks').Outcome} Outcome */
/** @typedef {import('./contract').Reply} Reply */
/** @typedef {import('./catalog').ModelSpec} ModelSpec */
/** @typedef {import('./faults').Route} Route */

class Emulator {
	#front;
	#port = 0;
	#url = '';
	#apiKey;
	#latencyMs;
	/** @type {number|undefined} */
	#latencyScale;
	/** @type {Record<string, number>} */
	#modelLatencyMs;
	#phases;
	#rejectLocalhostCallbacks;
	#publicBaseUrl;
	#noiseImages;
	#videoBytes;
	#cancellableStatuses;
	#callbackMode;
	/** @type {import('./inputs').FetchInputsOptions | null} */
	#fetchInputs;
	#faults;
	#callbacks = new CallbackSender();
	#counters = { submits: 0, tasksCreated: 0, queries: 0, cancels: 0, downloads: 0 };
	/** @type {Map<string, number>} */
	#submitsByPrompt = new Map();
	/** timers of tasks (terminal callbacks); cleared by reset() and close() */
	#taskTimers = new Timers();
	/** @type {Map<string, NodeJS.Timeout>} the timer that ends each running task with a callBackUrl */
	#endTimers = new Map();
	/** @type {Promise<void> | null} */
	#closing = null;

	/** @type {Map<string, Task>} */
	tasks = new Map();

	/**
	 * @param {Record<string, any>} options see EmulatorOptions in index.d.ts
	 */
	constructor(options) {
		const checked = checkOptions(options);
		this.#apiKey = checked.apiKey;
		this.#latencyMs = checked.latencyMs;
		this.#latencyScale = checked.latencyScale;
		this.#modelLatencyMs = checked.modelLatencyMs;
		this.#phases = checked.phases;
		this.#rejectLocalhostCallbacks = checked.rejectLocalhostCallbacks;
		this.#publicBaseUrl = checked.publicBaseUrl;
		this.#noiseImages = checked.noiseImages;
		this.#videoBytes = checked.videoBytes;
		this.#cancellableStatuses = checked.cancellableStatuses;
		this.#callbackMode = checked.callbackMode;
		this.#fetchInputs = checked.fetchInputs;
		this.#faults = new FaultQueue(checked.seed);
		this.#front = new HttpFront({
			authorized: (authorization) => authorization === `Bearer ${this.#apiKey}`,
			count: (route, taskId) => this.#count(route, taskId),
			takeFault: (route, taskId) => this.#faults.take(route, taskId),
			submit: (body) => this.#submit(body),
			query: (taskId) => this.#query(taskId),
			cancel: (taskId) => this.#cancel(taskId),
			download: (taskId, name) => this.#download(taskId, name),
			control: (route, readBodyJson) => controlApi(this, route, readBodyJson),
		});
	}

	/**
	 * Create an emulator and wait until it listens.
	 * @param {Record<string, any>} options see EmulatorOptions in index.d.ts
	 * @returns {Promise<Emulator>}
	 */
	static async start(options) {
		const { port = 0, host = '127.0.0.1' } = options;
		const emulator = new Emulator(options);
		const address = await emulator.#front.listen(port, host);
		emulator.#port = address.port;
		emulator.#url = address.url;
		return emulator;
	}

	/** Port listened on. */
	get port() {
		return this.#port;
	}

	/** http://HOST:PORT, no trailing slash. */
	get url() {
		return this.#url;
	}

	get apiKey() {
		return this.#apiKey;
	}

	/** Every callback attempt. */
	get callbacks() {
		return this.#callbacks.records;
	}

	/** The last 10,000 requests. */
	get requests() {
		return this.#front.requests;
	}

	get callbackMode() {
		return { ...this.#callbackMode };
	}

	set callbackMode(mode) {
		this.#callbackMode = normalizeCallbackMode(mode);
	}

	// ------------------------------------------------------------------ controls

	/** @param {unknown} fault one fault or an array of them, queued in order */
	inject(fault) {
		this.#faults.inject(fault);
	}

	clearFaults() {
		this.#faults.clear();
	}

	stats() {
		const now = Date.now();
		/** @type {Record<string, object>} */
		const byTask = {};
		for (const task of this.tasks.values()) {
			const { status, since } = stateAt(task, now, this.#phases);
			byTask[task.taskId] = {
				model: task.model,
				queries: task.queries,
				cancels: task.cancels,
				downloads: task.downloads,
				prompt: task.prompt,
				status,
				createdAt: task.createdAt,
				completedAt: TERMINAL_STATUSES.includes(status) ? since : null,
				cancelledAt: task.cancelledAt,
				firstTerminalQueryAt: task.firstTerminalQueryAt,
				inputs: task.inputs,
			};
		}
		return {
			...this.#counters,
			byTask,
			submitsByPrompt: Object.fromEntries(this.#submitsByPrompt),
		};
	}

	reset() {
		this.tasks.clear();
		this.#taskTimers.clear();
		this.#endTimers.clear();
		this.#front.reset();
		this.#faults.reset();
		this.#counters = { submits: 0, tasksCreated: 0, queries: 0, cancels: 0, downloads: 0 };
		this.#submitsByPrompt.clear();
		this.#callbacks.records.length = 0;
	}

	/**
	 * Create a task without a submit (counted in tasksCreated, not in submits). The input is validated
	 * like a submit's (moderation and the localhost-callback rule excepted); errors are thrown.
	 * @param {Record<string, any>} options see CreateTaskOptions in index.d.ts
	 * @returns {string} the taskId
	 */
	createTask(options) {
		if (!isPlainObject(options)) throw new TypeError('createTask options must be an object');
		const {
			prompt,
			model = MODELS[0],
			input = {},
			callBackUrl,
			status,
			failureReason,
			latencyMs,
		} = options;
		if (!isPlainObject(input)) throw new TypeError('input must be an object');
		const fullInput = Object.assign({ prompt }, input, { prompt });
		const checked = validateSubmit(
			{ model, input: fullInput, ...(callBackUrl === undefined ? {} : { callBackUrl }) },
			{ rejectLocalhostCallbacks: false },
		);
		if ('error' in checked) throw new Error(checked.error);
		if (status !== undefined && !oneOf(STATUSES, status))
			throw new TypeError(`status must be one of ${STATUSES.join(', ')}`);
		if (latencyMs !== undefined) checkMs(latencyMs, 'latencyMs');
		const outcome = parseDirectives(fullInput.prompt);
		if (failureReason !== undefined) {
			if (status !== undefined && status !== 'FAILURE')
				throw new TypeError('failureReason needs status FAILURE');
			if (failureReason !== null && typeof failureReason !== 'string')
				throw new TypeError('failureReason must be a string or null');
			Object.assign(outcome, { status: 'FAILURE', failureReason, noUrls: false });
		}
		if (latencyMs !== undefined) outcome.latencyMs = latencyMs;
		const task = this.#addTask({
			spec: checked.spec,
			input: fullInput,
			callBackUrl: callBackUrl ?? null,
			userId: null,
			outcome,
			pinnedStatus: status ?? null,
		});
		return task.taskId;
	}

	/**
	 * POST a callback now: the task's current envelope, or `body` (an object, or a raw string sent as
	 * is), to `url` or the task's callBackUrl, `times` times in a row. Resolves to the last HTTP status
	 * answered (null when the receiver did not answer); every attempt is in `callbacks`.
	 * @param {string} taskId
	 * @param {{ url?: string, body?: unknown, times?: number }} [options]
	 * @returns {Promise<number|null>}
	 */
	async sendCallback(taskId, options = {}) {
		const { url, body, times = 1 } = options;
		const task = this.tasks.get(taskId);
		const target = url ?? task?.callBackUrl;
		if (!target)
			throw new Error(
				task
					? `task ${taskId} has no callBackUrl: pass options.url`
					: `unknown task ${taskId}: pass options.url`,
			);
		if (body === undefined && !task) throw new Error(`unknown task ${taskId}: pass options.body`);
		if (!Number.isInteger(times) || times < 1)
			throw new TypeError('times must be a positive integer');
		let status = null;
		for (let i = 0; i < times; i++) {
			const payload = body === undefined && task ? this.#envelope(task, Date.now()) : body;
			status = await this.#callbacks.post(taskId, target, payload, 'manual');
		}
		return status;
	}

	/** Stop listening, destroy every connection (hung ones included) and clear every timer. */
	close() {
		if (!this.#closing) {
			this.#taskTimers.clear();
			this.#endTimers.clear();
			this.#callbacks.abortAll();
			this.#closing = this.#front.close();
		}
		return this.#closing;
	}

	// ------------------------------------------------------------------ tasks

	/**
	 * The latency of a new task: the prompt's `#latency:N` (or createTask's latencyMs), else the
	 * model's `modelLatencyMs`, else with `latencyScale` the model's typical latency times the scale,
	 * else `latencyMs`.
	 * @param {ModelSpec} spec
	 * @param {Outcome} outcome
	 */
	#latencyOf(spec, outcome) {
		const ms =
			outcome.latencyMs ??
			this.#modelLatencyMs[spec.id] ??
			(this.#latencyScale !== undefined
				? Math.round(typicalLatencyMs(spec) * this.#latencyScale)
				: this.#latencyMs);
		return Math.min(ms, MAX_TIMER_MS);
	}

	/**
	 * @param {{ spec: ModelSpec, input: Record<string, any>, callBackUrl: string|null, userId: string|null,
	 *   outcome: Outcome, pinnedStatus: string|null, fetch?: boolean }} spec
	 * @returns {Task}
	 */
	#addTask({ spec, input, callBackUrl, userId, outcome, pinnedStatus, fetch = false }) {
		/** @type {Task} */
		const task = {
			taskId: crypto.randomUUID(),
			model: spec.id,
			operation: spec.operation,
			media: spec.media,
			input,
			prompt: input.prompt,
			callBackUrl,
			userId,
			createdAt: Date.now(),
			latencyMs: this.#latencyOf(spec, outcome),
			outcome,
			output: plannedOutput(spec, input),
			pinnedStatus,
			cancelledAt: null,
			queries: 0,
			cancels: 0,
			downloads: 0,
			firstTerminalQueryAt: null,
			inputs: null,
			fetchingInputs: false,
		};
		this.tasks.set(task.taskId, task);
		this.#counters.tasksCreated++;
		if (fetch && this.#fetchInputs && inputUrls(input).length > 0) {
			this.#startFetchingInputs(task, this.#fetchInputs);
			return task;
		}
		this.#scheduleEnd(task);
		return task;
	}

	/**
	 * Downloads the task's inputs (option fetchInputs). Until they are all in, the task cannot end: it
	 * ends at its latency or when the downloads are done, whichever is later, FAILURE if one failed.
	 * @param {Task} task
	 * @param {import('./inputs').FetchInputsOptions} options
	 */
	#startFetchingInputs(task, options) {
		task.fetchingInputs = true;
		const timers = this.#taskTimers;
		fetchInputs(task.input, options, (ms) => timers.sleep(ms)).then((records) => {
			if (this.tasks.get(task.taskId) !== task) return; // reset meanwhile
			task.inputs = records;
			task.fetchingInputs = false;
			task.latencyMs = Math.max(task.latencyMs, Date.now() - task.createdAt);
			if (records.some((record) => record.error !== null))
				task.outcome = {
					...task.outcome,
					status: 'FAILURE',
					failureReason: options.failureReason,
					noUrls: false,
				};
			this.#scheduleEnd(task);
		});
	}

	/** @param {Task} task */
	#scheduleEnd(task) {
		const { callBackUrl } = task;
		// Status is computed from the clock when asked; the timer only exists so the callback goes out
		// on time even when nobody polls. Tasks created already pinned send none.
		const endAt = naturalEndAt(task);
		if (callBackUrl && endAt !== null) {
			const timer = this.#taskTimers.later(Math.max(0, endAt - Date.now()), () => {
				this.#endTimers.delete(task.taskId);
				this.#dispatchTerminalCallback(task, callBackUrl, endAt);
			});
			this.#endTimers.set(task.taskId, timer);
		}
	}

	/** @param {Task} task @param {number} now */
	#envelope(task, now) {
		return envelopeAt(task, now, this.#phases, this.#publicBaseUrl ?? this.url);
	}

	/**
	 * Send the terminal callback of a task that ended at `terminalAt` (callback mode applies).
	 * @param {Task} task
	 * @param {string} url
	 * @param {number} terminalAt
	 */
	#dispatchTerminalCallback(task, url, terminalAt) {
		const { duplicate, delayMs } = this.#callbackMode;
		// A timer may fire a millisecond early by the wall clock: never let that show a non-terminal status.
		const send = async () => {
			for (let i = 0; i < (duplicate ? 2 : 1); i++) {
				await this.#callbacks.post(
					task.taskId,
					url,
					this.#envelope(task, Math.max(Date.now(), terminalAt)),
					'auto',
				);
			}
		};
		if (delayMs > 0) this.#taskTimers.later(delayMs, send);
		else send();
	}

	// ------------------------------------------------------------------ routes (called by http.js)

	/** @param {Route} route @param {string|undefined} taskId */
	#count(route, taskId) {
		const task = taskId === undefined ? undefined : this.tasks.get(taskId);
		switch (route) {
			case 'submit':
				this.#counters.submits++;
				break;
			case 'query':
				this.#counters.queries++;
				if (task) task.queries++;
				break;
			case 'cancel':
				this.#counters.cancels++;
				if (task) task.cancels++;
				break;
			case 'download':
				this.#counters.downloads++;
				if (task) task.downloads++;
				break;
		}
	}

	/**
	 * @param {unknown} body the parsed JSON body
	 * @returns {Reply}
	 */
	#submit(body) {
		if (!isPlainObject(body)) return fail(400, 'body must be a JSON object');
		const prompt = isPlainObject(body.input) ? body.input.prompt : undefined;
		if (typeof prompt === 'string')
			this.#submitsByPrompt.set(prompt, (this.#submitsByPrompt.get(prompt) ?? 0) + 1);

		const checked = validateSubmit(body, {
			rejectLocalhostCallbacks: this.#rejectLocalhostCallbacks,
		});
		if ('error' in checked) return fail(400, checked.error);
		const moderated = moderate(/** @type {string} */ (prompt));
		if (moderated) return moderated;
		const task = this.#addTask({
			spec: checked.spec,
			input: { ...body.input },
			callBackUrl: body.callBackUrl ?? null,
			userId: body.user_id ?? null,
			outcome: parseDirectives(/** @type {string} */ (prompt)),
			pinnedStatus: null,
			fetch: true,
		});
		return ok({ taskId: task.taskId });
	}

	/**
	 * @param {string} taskId
	 * @returns {Reply}
	 */
	#query(taskId) {
		const task = this.tasks.get(taskId);
		if (!task) return fail(404, 'task not found');
		const envelope = this.#envelope(task, Date.now());
		/** @type {Reply} */
		const reply = { status: 200, json: envelope };
		if (TERMINAL_STATUSES.includes(envelope.data.status)) {
			reply.onSent = () => {
				task.firstTerminalQueryAt ??= Date.now();
			};
		}
		return reply;
	}

	/**
	 * Cancel a task in one of the cancellable statuses: it ends CANCELLED now, and its callBackUrl is
	 * called like at any end.
	 * @param {string} taskId
	 * @returns {Reply}
	 */
	#cancel(taskId) {
		const task = this.tasks.get(taskId);
		if (!task) return fail(404, 'task not found');
		const now = Date.now();
		const { status } = stateAt(task, now, this.#phases);
		if (!this.#cancellableStatuses.includes(status))
			return fail(400, `task cannot be cancelled in status ${status}`);
		task.cancelledAt = now;
		const timer = this.#endTimers.get(taskId);
		if (timer) {
			this.#taskTimers.cancel(timer);
			this.#endTimers.delete(taskId);
		}
		if (task.callBackUrl) this.#dispatchTerminalCallback(task, task.callBackUrl, now);
		return okNoData();
	}

	/**
	 * @param {string|undefined} taskId
	 * @param {string|undefined} name
	 * @returns {Reply}
	 */
	#download(taskId, name) {
		const task = taskId === undefined ? undefined : this.tasks.get(taskId);
		const notFound = fail(404, 'file not found');
		if (
			!task ||
			name === undefined ||
			stateAt(task, Date.now(), this.#phases).status !== 'SUCCESS' ||
			task.outcome.noUrls
		) {
			return notFound;
		}
		return (
			fileReply(task.output, name, {
				noiseImages: this.#noiseImages,
				videoBytes: this.#videoBytes,
			}) ?? notFound
		);
	}
}

module.exports = { Emulator };
