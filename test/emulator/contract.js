// @ts-check
'use strict';

/**
 * The request contract: documented statuses, the answer envelopes, and the validation of a submit
 * against the model catalog (catalog.js), plus pre-submit moderation. Pure: no I/O here.
 */

const { URL } = require('url');
const { MODELS, URL_KEYS, selectSpec } = require('./catalog');

/** @typedef {import('./catalog').ModelSpec} ModelSpec */

const STATUSES = Object.freeze([
	'PENDING',
	'PROCESSING',
	'SUBMITTED',
	'SUCCESS',
	'FAILURE',
	'TIMEOUT',
	'CANCELLED',
]);
const TERMINAL_STATUSES = Object.freeze(['SUCCESS', 'FAILURE', 'TIMEOUT', 'CANCELLED']);
/** Cancel page v-B (and the introduction's "any non-terminal state → CANCELLED"); v-A is ['PENDING']. */
const DEFAULT_CANCELLABLE_STATUSES = Object.freeze(['PENDING', 'PROCESSING', 'SUBMITTED']);

// Undocumented limits chosen by the emulator (README: "Where the docs are silent").
/** Most URLs in a URL list whose maximum the docs do not give (GPT Image 2, Seedream, Nano Banana). */
const MAX_IMAGE_URLS = 16;
const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Fields the docs say a model does not accept; sending one is a 400. Not in the catalog (which only
 * lists what a model takes): source grok-imagine/text-to-image, Lite: "ratio / resolution: Not accepted".
 * @type {Readonly<Record<string, readonly string[]>>}
 */
const NOT_ACCEPTED = Object.freeze({
	'grok-imagine/text-to-image-lite': Object.freeze(['ratio', 'resolution']),
});

const MODERATION_WORD = /\bMODERATION_REJECT\b/;
const MODERATION_CATEGORIES = Object.freeze({
	violence: true,
	sexual: false,
	hate: false,
	harassment: false,
	self_harm: false,
});

/**
 * What a route handler wants sent. `raw` for binary bodies, `stream` for bodies written piece by
 * piece (large videos), otherwise `json`.
 * @typedef {object} Reply
 * @property {number} status
 * @property {unknown} [json]
 * @property {Buffer} [raw]
 * @property {{ length: number, chunks: () => Iterator<Buffer> }} [stream]
 * @property {Buffer} [magic] first bytes of the file kind (for the `huge` fault on downloads)
 * @property {string} [contentType]
 * @property {Record<string, string>} [headers]
 * @property {() => void} [onSent] called once the answer has been fully written
 */

/** @param {unknown} data @returns {Reply} */
const ok = (data) => ({ status: 200, json: { code: 0, msg: 'ok', data } });

/** `{"code":0,"msg":"ok"}` without `data` (the cancel answer). @returns {Reply} */
const okNoData = () => ({ status: 200, json: { code: 0, msg: 'ok' } });

/** @param {number} status @param {string} msg @param {unknown} [data] @returns {Reply} */
const fail = (status, msg, data) => ({
	status,
	json: data === undefined ? { code: status, msg } : { code: status, msg, data },
});

/** @param {unknown} v @returns {v is Record<string, any>} */
function isPlainObject(v) {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** @param {readonly string[]} list @param {unknown} value */
function oneOf(list, value) {
	return typeof value === 'string' && list.includes(value);
}

/** @param {unknown} v */
function isHttpUrl(v) {
	if (typeof v !== 'string') return false;
	try {
		const u = new URL(v);
		return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
	} catch {
		return false;
	}
}

/** @param {string} url an http(s) URL */
function isLocalhostUrl(url) {
	const host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
	return (
		host === 'localhost' ||
		host.endsWith('.localhost') ||
		/^127\./.test(host) ||
		host === '0.0.0.0' ||
		host === '::1' ||
		host === '::' ||
		/^::ffff:(127\.|7f)/.test(host)
	);
}

/**
 * Check `input` against the fields of the catalog entry it runs as. Absent optional fields are fine;
 * a URL list is required where the entry takes one. Returns the error message or null.
 * @param {ModelSpec} spec
 * @param {Record<string, any>} input
 * @returns {string|null}
 */
function checkFields(spec, input) {
	const model = spec.id;
	for (const key of URL_KEYS) {
		if (input[key] !== undefined && !spec.fields.some((field) => field.key === key)) {
			return `${model} does not take input.${key}`;
		}
	}
	for (const key of NOT_ACCEPTED[model] ?? []) {
		if (input[key] !== undefined) return `${model} does not take input.${key}`;
	}
	for (const field of spec.fields) {
		const value = input[field.key];
		const name = `input.${field.key}`;
		switch (field.kind) {
			case 'choice': {
				const values = field.options.map((option) => option.value);
				if (value !== undefined && !values.includes(value)) {
					return `${name} must be one of ${values.join(', ')} for ${model}`;
				}
				break;
			}
			case 'count':
				if (
					value !== undefined &&
					!(Number.isInteger(value) && value >= field.min && value <= field.max)
				) {
					return `${name} must be an integer from ${field.min} to ${field.max} for ${model}`;
				}
				break;
			case 'urls': {
				const max = field.max ?? MAX_IMAGE_URLS;
				if (!Array.isArray(value) || value.length === 0)
					return `${name} must be a non-empty array of URLs for ${model}`;
				if (value.length < field.min)
					return `${name} needs at least ${field.min} URLs for ${model}`;
				if (value.length > max) return `${name} accepts at most ${max} URLs for ${model}`;
				const bad = value.findIndex((url) => !isHttpUrl(url));
				if (bad >= 0) return `${name}[${bad}] must be an http(s) URL`;
				break;
			}
			case 'flag':
				if (value !== undefined && typeof value !== 'boolean')
					return `${name} must be a boolean for ${model}`;
				break;
		}
	}
	for (const rule of spec.rules ?? []) {
		const broken = rule.check(input);
		if (broken) return broken;
	}
	return null;
}

/**
 * Validate a submit body the way the emulator's Max API does.
 * @param {Record<string, any>} body
 * @param {{ rejectLocalhostCallbacks: boolean }} rules
 * @returns {{ error: string } | { spec: ModelSpec }}
 */
function validateSubmit(body, rules) {
	const { model, input, callBackUrl, user_id: userId } = body;
	if (model === undefined) return { error: 'model is required' };
	if (!oneOf(MODELS, model)) return { error: `unsupported model: ${JSON.stringify(model)}` };
	if (!isPlainObject(input)) return { error: 'input must be an object' };
	if (typeof input.prompt !== 'string' || input.prompt.trim() === '') {
		return { error: 'input.prompt must be a non-empty string' };
	}
	const spec = /** @type {ModelSpec} */ (selectSpec(model, input));
	const problem = checkFields(spec, input);
	if (problem) return { error: problem };
	if (callBackUrl !== undefined) {
		if (!isHttpUrl(callBackUrl)) return { error: 'callBackUrl must be an http(s) URL' };
		if (rules.rejectLocalhostCallbacks && isLocalhostUrl(callBackUrl))
			return { error: 'callBackUrl must not point to localhost' };
	}
	if (userId !== undefined && typeof userId !== 'string')
		return { error: 'user_id must be a string' };
	return { spec };
}

/**
 * The moderation answer for a prompt flagged by pre-submit moderation, else null.
 * @param {string} prompt
 * @returns {Reply|null}
 */
function moderate(prompt) {
	return MODERATION_WORD.test(prompt)
		? fail(400, 'content rejected by moderation', {
				flagged: true,
				categories: { ...MODERATION_CATEGORIES },
			})
		: null;
}

module.exports = {
	STATUSES,
	TERMINAL_STATUSES,
	DEFAULT_CANCELLABLE_STATUSES,
	MAX_IMAGE_URLS,
	BODY_LIMIT_BYTES,
	NOT_ACCEPTED,
	ok,
	okNoData,
	fail,
	isPlainObject,
	oneOf,
	isHttpUrl,
	isLocalhostUrl,
	checkFields,
	validateSubmit,
	moderate,
};
