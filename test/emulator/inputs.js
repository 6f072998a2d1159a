// @ts-check
'use strict';

/**
 * Downloading a task's input files the way Max API would (option `fetchInputs`): every URL of
 * `imageUrls` / `mediaUrls`, with a few retries, recording what was received (status, type, size,
 * sha256) per file. Max API's docs say nothing about when it downloads inputs or whether it retries:
 * the emulator's choice is to start `firstDelayMs` after the submit and retry a failed download
 * (any answer but 200, or no answer) `attempts - 1` times, the delay doubling each time. A task whose
 * inputs cannot all be downloaded ends FAILURE (`failureReason`, INVALID_PARAMETERS by default).
 */

const crypto = require('crypto');

/** The most bytes of one input the emulator reads (a real service has some limit; the docs give none). */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * @typedef {object} FetchInputsOptions
 * @property {number} attempts
 * @property {number} firstDelayMs
 * @property {string} failureReason
 */

/**
 * @typedef {object} InputRecord
 * @property {number} index position in the task's URL list
 * @property {'imageUrls'|'mediaUrls'} field
 * @property {number} attempts
 * @property {number|null} status the last answer's HTTP status (null: no answer)
 * @property {string|null} contentType
 * @property {number|null} bytes
 * @property {string|null} sha256 hex, of the bytes received on the successful attempt
 * @property {string|null} error why the last attempt failed
 */

/**
 * @param {unknown} raw the option: true, false/undefined, or { attempts, firstDelayMs, failureReason }
 * @returns {FetchInputsOptions | null}
 */
function normalizeFetchInputs(raw) {
	if (raw === undefined || raw === false) return null;
	const options = raw === true ? {} : raw;
	if (!options || typeof options !== 'object')
		throw new TypeError(
			'fetchInputs must be true, false or { attempts, firstDelayMs, failureReason }',
		);
	const {
		attempts = 6,
		firstDelayMs = 500,
		failureReason = 'INVALID_PARAMETERS',
	} = /** @type {Record<string, any>} */ (options);
	if (!Number.isInteger(attempts) || attempts < 1)
		throw new TypeError('fetchInputs.attempts must be an integer >= 1');
	if (typeof firstDelayMs !== 'number' || !(firstDelayMs >= 0))
		throw new TypeError('fetchInputs.firstDelayMs must be a number >= 0');
	if (typeof failureReason !== 'string')
		throw new TypeError('fetchInputs.failureReason must be a string');
	return { attempts, firstDelayMs, failureReason };
}

/** The input URLs of a task, in order, with the field they came from. @param {Record<string, unknown>} input */
function inputUrls(input) {
	/** @type {Array<{ field: 'imageUrls'|'mediaUrls', index: number, url: string }>} */
	const urls = [];
	for (const field of /** @type {const} */ (['imageUrls', 'mediaUrls'])) {
		const list = input[field];
		if (Array.isArray(list))
			list.forEach((url, index) => {
				if (typeof url === 'string') urls.push({ field, index, url });
			});
	}
	return urls;
}

/**
 * One GET of `url`: the bytes' sha256 and size, or why it failed.
 * @param {string} url
 * @returns {Promise<{ status: number|null, contentType: string|null, bytes: number|null, sha256: string|null, error: string|null }>}
 */
async function downloadOnce(url) {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(30_000), redirect: 'manual' });
		const contentType = response.headers.get('content-type');
		if (response.status !== 200 || !response.body) {
			await response.body?.cancel();
			return {
				status: response.status,
				contentType,
				bytes: null,
				sha256: null,
				error: `HTTP ${response.status}`,
			};
		}
		const hash = crypto.createHash('sha256');
		let bytes = 0;
		for await (const chunk of response.body) {
			bytes += chunk.length;
			if (bytes > MAX_INPUT_BYTES) {
				return {
					status: 200,
					contentType,
					bytes,
					sha256: null,
					error: `over ${MAX_INPUT_BYTES} bytes`,
				};
			}
			hash.update(chunk);
		}
		const declared = Number(response.headers.get('content-length'));
		if (Number.isFinite(declared) && response.headers.has('content-length') && declared !== bytes)
			return { status: 200, contentType, bytes, sha256: null, error: 'truncated' };
		return { status: 200, contentType, bytes, sha256: hash.digest('hex'), error: null };
	} catch (error) {
		const failure = /** @type {{ message: string, cause?: { code?: string } }} */ (error);
		return {
			status: null,
			contentType: null,
			bytes: null,
			sha256: null,
			error: failure.cause?.code ?? failure.message,
		};
	}
}

/**
 * Downloads every input of a task, each with its retries, all at once.
 * @param {Record<string, unknown>} input
 * @param {FetchInputsOptions} options
 * @param {(ms: number) => Promise<unknown>} sleep the emulator's (cleared on reset and close)
 * @returns {Promise<InputRecord[]>}
 */
async function fetchInputs(input, options, sleep) {
	return await Promise.all(
		inputUrls(input).map(async ({ field, index, url }) => {
			let delay = options.firstDelayMs;
			/** @type {InputRecord} */
			const record = {
				index,
				field,
				attempts: 0,
				status: null,
				contentType: null,
				bytes: null,
				sha256: null,
				error: null,
			};
			for (let attempt = 1; attempt <= options.attempts; attempt++) {
				await sleep(delay);
				delay *= 2;
				Object.assign(record, await downloadOnce(url), { attempts: attempt });
				if (record.error === null) break;
			}
			return record;
		}),
	);
}

module.exports = { MAX_INPUT_BYTES, normalizeFetchInputs, inputUrls, fetchInputs };
