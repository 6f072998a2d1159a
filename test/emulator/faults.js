// @ts-check
'use strict';

/**
 * Fault injection: the fault descriptions tests queue (`emu.inject`), their validation, and the queue
 * that hands the first matching fault to each request (with seeded probabilities). How a fault is
 * acted out on the wire is in http.js.
 */

const { isPlainObject, oneOf } = require('./contract');

/** @typedef {'submit'|'query'|'cancel'|'download'} Route */

/**
 * @typedef {object} Fault
 * @property {Route|'any'} on
 * @property {string} kind
 * @property {number} times
 * @property {number|undefined} status
 * @property {number|string|undefined} retryAfter
 * @property {string|undefined} taskId
 * @property {number} delayMs
 * @property {number} probability chance (0-1] that a matching request takes the fault; 1 = always
 * @property {number} bytes `huge`: body size
 * @property {boolean} contentLength `huge`: send a Content-Length header
 */

const FAULT_TARGETS = Object.freeze(['submit', 'query', 'cancel', 'download', 'any']);
const FAULT_KINDS = Object.freeze([
	'http',
	'code',
	'reset',
	'resetAfterProcess',
	'hang',
	'malformed',
	'noTaskId',
	'truncated',
	'notImage',
	'huge',
	'delay',
]);
/** Kinds that only make sense on one route; on `any` they only match that route. */
const FAULT_ONLY_ON = Object.freeze({
	noTaskId: 'submit',
	truncated: 'download',
	notImage: 'download',
	huge: 'download',
});
/** Kinds that replace the processing entirely (acted out before authentication, like a gateway's). */
const BEFORE_PROCESSING = Object.freeze(['http', 'code', 'reset', 'hang', 'malformed', 'notImage']);
/** Default size of a `huge` download body: far past any real image (a 4k PNG is 10-25 MB). */
const HUGE_BODY_DEFAULT_BYTES = 128 * 1024 * 1024;
const HUGE_BODY_MIN_BYTES = 8;

/**
 * @param {unknown} raw
 * @returns {Fault}
 */
function normalizeFault(raw) {
	if (!isPlainObject(raw)) throw new TypeError('a fault must be an object');
	const {
		on,
		kind,
		times = 1,
		status,
		retryAfter,
		taskId,
		delayMs = 0,
		probability = 1,
		bytes = HUGE_BODY_DEFAULT_BYTES,
		contentLength = true,
	} = raw;
	if (!oneOf(FAULT_TARGETS, on))
		throw new TypeError(`fault.on must be one of ${FAULT_TARGETS.join(', ')}`);
	if (!oneOf(FAULT_KINDS, kind))
		throw new TypeError(`fault.kind must be one of ${FAULT_KINDS.join(', ')}`);
	const onlyOn = /** @type {Record<string, string>} */ (FAULT_ONLY_ON)[kind];
	if (onlyOn && on !== onlyOn && on !== 'any')
		throw new TypeError(`fault kind ${kind} only applies on ${onlyOn}`);
	if (
		typeof times !== 'number' ||
		!(times >= 1) ||
		!(Number.isInteger(times) || times === Infinity)
	) {
		throw new TypeError('fault.times must be a positive integer (or Infinity)');
	}
	if (status !== undefined && !Number.isInteger(status))
		throw new TypeError('fault.status must be an integer');
	if (kind === 'http' && status !== undefined && (status < 100 || status > 599)) {
		throw new TypeError('fault.status must be an HTTP status (100-599) for kind http');
	}
	if (
		retryAfter !== undefined &&
		typeof retryAfter !== 'number' &&
		typeof retryAfter !== 'string'
	) {
		throw new TypeError('fault.retryAfter must be a number or a string');
	}
	if (taskId !== undefined && typeof taskId !== 'string')
		throw new TypeError('fault.taskId must be a string');
	if (typeof delayMs !== 'number' || !(delayMs >= 0))
		throw new TypeError('fault.delayMs must be a number >= 0');
	if (typeof probability !== 'number' || !(probability > 0 && probability <= 1)) {
		throw new TypeError('fault.probability must be a number in (0, 1]');
	}
	if (!Number.isSafeInteger(bytes) || bytes < HUGE_BODY_MIN_BYTES) {
		throw new TypeError(`fault.bytes must be an integer >= ${HUGE_BODY_MIN_BYTES}`);
	}
	if (typeof contentLength !== 'boolean')
		throw new TypeError('fault.contentLength must be a boolean');
	return {
		on,
		kind,
		times,
		status,
		retryAfter,
		taskId,
		delayMs,
		probability,
		bytes,
		contentLength,
	};
}

/**
 * mulberry32: a small seeded PRNG, so that probabilistic faults hit the same requests on every run.
 * @param {number} seed
 * @returns {() => number} numbers in [0, 1)
 */
function seededRandom(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** The queued faults, consumed in order. */
class FaultQueue {
	#seed;
	/** @type {() => number} */
	#random;
	/** @type {Fault[]} */
	#faults = [];

	/** @param {number} seed */
	constructor(seed) {
		this.#seed = seed;
		this.#random = seededRandom(seed);
	}

	/** @param {unknown} fault one fault or an array of them */
	inject(fault) {
		const list = Array.isArray(fault) ? fault : [fault];
		this.#faults.push(...list.map(normalizeFault));
	}

	clear() {
		this.#faults.length = 0;
	}

	/** Empty the queue and restart the generator. */
	reset() {
		this.clear();
		this.#random = seededRandom(this.#seed);
	}

	/**
	 * First queued fault that applies to this request; consumes one use of it.
	 * @param {Route} route
	 * @param {string|undefined} taskId
	 * @returns {Fault|null}
	 */
	take(route, taskId) {
		const index = this.#faults.findIndex((f) => {
			if (f.on !== route && f.on !== 'any') return false;
			const onlyOn = /** @type {Record<string, string>} */ (FAULT_ONLY_ON)[f.kind];
			if (onlyOn && onlyOn !== route) return false;
			if (f.taskId !== undefined && f.taskId !== taskId) return false;
			// A probabilistic fault that does not fire lets the request go on to the next queued fault.
			return f.probability >= 1 || this.#random() < f.probability;
		});
		if (index < 0) return null;
		const fault = this.#faults[index];
		fault.times--;
		if (fault.times <= 0) this.#faults.splice(index, 1);
		return fault;
	}
}

module.exports = {
	FAULT_TARGETS,
	FAULT_KINDS,
	FAULT_ONLY_ON,
	BEFORE_PROCESSING,
	HUGE_BODY_DEFAULT_BYTES,
	normalizeFault,
	seededRandom,
	FaultQueue,
};
