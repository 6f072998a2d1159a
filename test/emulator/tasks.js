// @ts-check
'use strict';

/**
 * The task state machine: a task's status is computed from the clock whenever asked (PENDING →
 * PROCESSING → SUBMITTED → terminal at its latency), unless it was pinned or cancelled. Also the prompt
 * directives that steer a task's outcome, and the query/callback envelope. Pure: no timers, no I/O.
 */

const { fileNames } = require('./files');

/**
 * What a task ends as. `status: null` means it never finishes (stays SUBMITTED).
 * @typedef {object} Outcome
 * @property {'SUCCESS'|'FAILURE'|'TIMEOUT'|'CANCELLED'|null} status
 * @property {string|null} failureReason
 * @property {boolean} noUrls
 * @property {number|null} latencyMs per-task latency from `#latency:` (or createTask), else null
 */

/**
 * @typedef {object} Task
 * @property {string} taskId
 * @property {string} model
 * @property {import('./catalog').ModelSpec['operation']} operation the catalog entry it runs as
 * @property {'image'|'video'} media
 * @property {Record<string, unknown>} input the submitted input object (prompt included, model not)
 * @property {string} prompt
 * @property {string|null} callBackUrl
 * @property {string|null} userId
 * @property {number} createdAt epoch ms
 * @property {number} latencyMs time from creation to the terminal status
 * @property {Outcome} outcome
 * @property {import('./files').Output} output what SUCCESS yields
 * @property {string|null} pinnedStatus set by createTask({status}): the task stays in it until cancelled
 * @property {number|null} cancelledAt epoch ms of a successful cancel
 * @property {number} queries
 * @property {number} cancels
 * @property {number} downloads
 * @property {number|null} firstTerminalQueryAt epoch ms
 * @property {import('./inputs').InputRecord[]|null} inputs what was downloaded of its inputs (option fetchInputs)
 * @property {boolean} fetchingInputs true while its inputs are being downloaded: it cannot end meanwhile
 */

/**
 * Terminal behaviour requested by directives inside the prompt. Outcome directives (#fail, #status,
 * #never, #nourls): the last one in the prompt wins. Unknown directives are plain prompt text.
 * @param {string} prompt
 * @returns {Outcome}
 */
function parseDirectives(prompt) {
	/** @type {Outcome} */
	const outcome = { status: 'SUCCESS', failureReason: null, noUrls: false, latencyMs: null };
	const re =
		/#fail:(null|[A-Z][A-Z0-9_]*)|#status:(TIMEOUT|CANCELLED)\b|#latency:(\d+)|#(never|nourls)\b/g;
	for (const m of prompt.matchAll(re)) {
		const [, failReason, status, latency, flag] = m;
		if (latency !== undefined) {
			outcome.latencyMs = Number(latency);
			continue;
		}
		// Any outcome directive replaces the previous one entirely.
		Object.assign(outcome, { status: 'SUCCESS', failureReason: null, noUrls: false });
		if (failReason !== undefined) {
			outcome.status = 'FAILURE';
			outcome.failureReason = failReason === 'null' ? null : failReason;
		} else if (status !== undefined) {
			outcome.status = status === 'TIMEOUT' ? 'TIMEOUT' : 'CANCELLED';
		} else if (flag === 'never') {
			outcome.status = null;
		} else {
			outcome.noUrls = true;
		}
	}
	return outcome;
}

/**
 * Status of a task at `now`, and since when it has had it.
 * @param {Task} task
 * @param {number} now
 * @param {{ pending: number, processing: number }} phases
 * @returns {{ status: string, since: number }}
 */
function stateAt(task, now, phases) {
	if (task.cancelledAt !== null) return { status: 'CANCELLED', since: task.cancelledAt };
	if (task.pinnedStatus !== null) return { status: task.pinnedStatus, since: task.createdAt };
	const start = task.createdAt;
	const latency = task.latencyMs;
	if (task.outcome.status !== null && !task.fetchingInputs && now - start >= latency)
		return { status: task.outcome.status, since: start + latency };
	const pendingEnd = start + Math.round(latency * phases.pending);
	const processingEnd = start + Math.round(latency * phases.processing);
	if (now < pendingEnd) return { status: 'PENDING', since: start };
	if (now < processingEnd) return { status: 'PROCESSING', since: pendingEnd };
	return { status: 'SUBMITTED', since: processingEnd };
}

/**
 * When the task reaches its terminal status on its own (epoch ms), or null when it never does (never
 * finishes, pinned, or already cancelled).
 * @param {Task} task
 */
function naturalEndAt(task) {
	if (
		task.pinnedStatus !== null ||
		task.cancelledAt !== null ||
		task.outcome.status === null ||
		task.fetchingInputs
	)
		return null;
	return task.createdAt + task.latencyMs;
}

/** @param {number} ms */
const iso = (ms) => new Date(ms).toISOString();

/**
 * The query response envelope of a task at `now` (callbacks send the same).
 * @param {Task} task
 * @param {number} now
 * @param {{ pending: number, processing: number }} phases
 * @param {string} baseUrl where result files are served, no trailing slash
 */
function envelopeAt(task, now, phases, baseUrl) {
	const { status, since } = stateAt(task, now, phases);
	const urls = task.outcome.noUrls
		? []
		: fileNames(task.output).map((name) => `${baseUrl}/files/${task.taskId}/${name}`);
	return {
		code: 0,
		msg: 'ok',
		data: {
			taskId: task.taskId,
			status,
			input: Object.assign({ model: task.model }, task.input, { model: task.model }),
			result: status === 'SUCCESS' ? { type: task.output.type, urls } : null,
			failure_reason: status === 'FAILURE' ? task.outcome.failureReason : null,
			created_at: iso(task.createdAt),
			updated_at: iso(since),
		},
	};
}

module.exports = { parseDirectives, stateAt, naturalEndAt, envelopeAt };
