// @ts-check
'use strict';

/**
 * Outgoing callbacks (webhooks): one POST per call, recorded in `records`, never rejecting; and the
 * callback mode (duplicate, delay) tests switch.
 */

const http = require('http');
const https = require('https');
const { URL } = require('url');
const { isHttpUrl, isPlainObject } = require('./contract');

const CALLBACK_TIMEOUT_MS = 10000;
const CALLBACK_RESPONSE_KEEP_CHARS = 65536;

/**
 * @typedef {object} CallbackRecord
 * @property {string} taskId
 * @property {string} url
 * @property {unknown} body what was POSTed (an object, or the raw string given to sendCallback)
 * @property {number|null} statusCode what the receiver answered, null when it did not answer
 * @property {string|null} error
 * @property {string|null} responseBody first 64 KiB of the receiver's answer
 * @property {number} sentAt epoch ms
 * @property {number|null} answeredAt epoch ms when the receiver's answer (status line) arrived
 * @property {'auto'|'manual'} source auto = terminal-state callback, manual = sendCallback()
 */

/**
 * @param {unknown} raw
 * @returns {{ duplicate: boolean, delayMs: number }}
 */
function normalizeCallbackMode(raw) {
	if (!isPlainObject(raw)) throw new TypeError('callbackMode must be an object');
	const { duplicate = false, delayMs = 0 } = raw;
	if (typeof duplicate !== 'boolean')
		throw new TypeError('callbackMode.duplicate must be a boolean');
	if (typeof delayMs !== 'number' || !(delayMs >= 0))
		throw new TypeError('callbackMode.delayMs must be a number >= 0');
	return { duplicate, delayMs };
}

class CallbackSender {
	/** @type {CallbackRecord[]} every attempt, in order */
	records = [];
	/** @type {Set<http.ClientRequest>} POSTs in flight */
	#outgoing = new Set();

	/**
	 * One callback POST; resolves to the HTTP status answered (null when none), never rejects.
	 * @param {string} taskId
	 * @param {string} url
	 * @param {unknown} body an object (JSON-encoded) or a string (sent as is)
	 * @param {'auto'|'manual'} source
	 * @returns {Promise<number|null>}
	 */
	post(taskId, url, body, source) {
		/** @type {CallbackRecord} */
		const record = {
			taskId,
			url,
			body,
			statusCode: null,
			error: null,
			responseBody: null,
			sentAt: Date.now(),
			answeredAt: null,
			source,
		};
		this.records.push(record);
		const payload = typeof body === 'string' ? body : JSON.stringify(body);
		return new Promise((resolve) => {
			if (!isHttpUrl(url)) {
				record.error = 'callback URL is not an http(s) URL';
				resolve(null);
				return;
			}
			const target = new URL(url);
			/** @type {http.ClientRequest} */
			let req;
			/** @param {string|null} error */
			const finish = (error) => {
				if (!this.#outgoing.delete(req)) return; // already settled
				record.error = error;
				resolve(record.statusCode);
			};
			req = (target.protocol === 'https:' ? https : http).request(
				target,
				{
					method: 'POST',
					agent: false, // a fresh connection per callback: nothing pooled outlives close()
					headers: {
						'Content-Type': 'application/json',
						'Content-Length': Buffer.byteLength(payload),
					},
				},
				(res) => {
					record.statusCode = res.statusCode ?? null;
					record.answeredAt = Date.now();
					let text = '';
					res.setEncoding('utf8');
					res.on('data', (chunk) => {
						if (text.length < CALLBACK_RESPONSE_KEEP_CHARS) text += chunk;
					});
					res.on('end', () => {
						record.responseBody = text.slice(0, CALLBACK_RESPONSE_KEEP_CHARS);
						finish(null);
					});
					res.on('error', (err) => finish(err.message));
				},
			);
			this.#outgoing.add(req);
			req.setTimeout(CALLBACK_TIMEOUT_MS, () =>
				req.destroy(new Error(`no answer within ${CALLBACK_TIMEOUT_MS} ms`)),
			);
			req.on('error', (err) => finish(err.message));
			req.end(payload);
		});
	}

	/** Abort every POST in flight (they resolve with their error). */
	abortAll() {
		for (const req of this.#outgoing) req.destroy();
	}
}

module.exports = { CALLBACK_TIMEOUT_MS, normalizeCallbackMode, CallbackSender };
