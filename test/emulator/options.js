// @ts-check
'use strict';

/**
 * The emulator's options (EmulatorOptions of index.d.ts): their defaults, and each checked, with the
 * error a wrong one throws.
 */

const { MODELS } = require('./catalog');
const { normalizeCallbackMode } = require('./callbacks');
const {
	DEFAULT_CANCELLABLE_STATUSES,
	STATUSES,
	TERMINAL_STATUSES,
	isHttpUrl,
	isPlainObject,
	oneOf,
} = require('./contract');
const { normalizeFetchInputs } = require('./inputs');
const { VIDEO_FIXTURE, videoBytesProblem } = require('./mp4');

const NON_TERMINAL_STATUSES = STATUSES.filter((status) => !TERMINAL_STATUSES.includes(status));

/** @param {unknown} value @param {string} name */
function checkMs(value, name) {
	if (typeof value !== 'number' || !(value >= 0))
		throw new TypeError(`${name} must be a number >= 0`);
	return value;
}

/**
 * @param {unknown} raw
 * @returns {Record<string, number>}
 */
function normalizeModelLatencies(raw) {
	if (!isPlainObject(raw))
		throw new TypeError('modelLatencyMs must be an object { [model id]: ms }');
	for (const [model, ms] of Object.entries(raw)) {
		if (!MODELS.includes(model))
			throw new TypeError(`modelLatencyMs: unknown model ${JSON.stringify(model)}`);
		checkMs(ms, `modelLatencyMs[${JSON.stringify(model)}]`);
	}
	return { ...raw };
}

/** @param {unknown} raw @returns {readonly string[]} */
function normalizeCancellable(raw) {
	if (!Array.isArray(raw) || raw.some((status) => !oneOf(NON_TERMINAL_STATUSES, status))) {
		throw new TypeError(
			`cancellableStatuses must be an array of ${NON_TERMINAL_STATUSES.join(', ')}`,
		);
	}
	return Object.freeze([...raw]);
}

/**
 * The options with their defaults, checked in this order (the first wrong one throws a TypeError).
 * @param {Record<string, any>} options see EmulatorOptions in index.d.ts
 */
function checkOptions(options) {
	const {
		apiKey = 'emulator-key',
		latencyMs = 3000,
		latencyScale,
		modelLatencyMs = {},
		phases = {},
		rejectLocalhostCallbacks = false,
		publicBaseUrl,
		noiseImages = false,
		videoBytes = VIDEO_FIXTURE.length,
		cancellableStatuses = DEFAULT_CANCELLABLE_STATUSES,
		callbackMode = {},
		seed = 1,
		fetchInputs,
	} = options;
	if (typeof apiKey !== 'string' || apiKey === '')
		throw new TypeError('apiKey must be a non-empty string');
	checkMs(latencyMs, 'latencyMs');
	if (latencyScale !== undefined) checkMs(latencyScale, 'latencyScale');
	const { pending = 0.15, processing = 0.4 } = phases;
	if (!(pending >= 0 && pending <= processing && processing <= 1)) {
		throw new TypeError('phases must satisfy 0 <= pending <= processing <= 1');
	}
	if (publicBaseUrl !== undefined && !isHttpUrl(publicBaseUrl))
		throw new TypeError('publicBaseUrl must be an http(s) URL');
	const videoProblem = videoBytesProblem(videoBytes);
	if (videoProblem) throw new TypeError(videoProblem);
	if (!Number.isInteger(seed)) throw new TypeError('seed must be an integer');
	return {
		apiKey,
		latencyMs,
		latencyScale,
		modelLatencyMs: normalizeModelLatencies(modelLatencyMs),
		phases: { pending, processing },
		rejectLocalhostCallbacks: Boolean(rejectLocalhostCallbacks),
		publicBaseUrl:
			publicBaseUrl === undefined ? undefined : String(publicBaseUrl).replace(/\/+$/, ''),
		noiseImages: Boolean(noiseImages),
		videoBytes,
		cancellableStatuses: normalizeCancellable(cancellableStatuses),
		callbackMode: normalizeCallbackMode(callbackMode),
		seed,
		fetchInputs: normalizeFetchInputs(fetchInputs),
	};
}

module.exports = { checkMs, checkOptions };
