// @ts-check
'use strict';

/**
 * The /__emulator/ control API (http.js routes it; loopback peers only, no Bearer): each route a call of
 * the emulator's public API (stats, faults, tasks, callbacks, reset).
 */

const { fail, ok } = require('./contract');
const { safeDecode } = require('./http');

/** @typedef {import('./contract').Reply} Reply */

/**
 * Answers one control API request.
 * @param {import('./emulator').Emulator} emulator
 * @param {string} route "METHOD /__emulator/..."
 * @param {() => Promise<{ body: unknown } | { error: Reply }>} readBodyJson
 * @returns {Promise<Reply>}
 */
async function controlApi(emulator, route, readBodyJson) {
	/**
	 * Parse the request's JSON body (empty = {}) and hand it to `fn`; thrown errors become 400.
	 * @param {(body: unknown) => Reply | Promise<Reply>} fn
	 */
	const withJson = async (fn) => {
		const parsed = await readBodyJson();
		if ('error' in parsed) return parsed.error;
		return fn(parsed.body);
	};
	try {
		switch (route) {
			case 'GET /__emulator/stats':
				return ok(emulator.stats());
			case 'GET /__emulator/callbacks':
				return ok(emulator.callbacks);
			case 'GET /__emulator/requests':
				return ok(emulator.requests);
			case 'DELETE /__emulator/faults':
				emulator.clearFaults();
				return ok(null);
			case 'POST /__emulator/reset':
				emulator.reset();
				return ok(null);
			case 'POST /__emulator/faults':
				return await withJson((body) => {
					emulator.inject(body);
					return ok(null);
				});
			case 'POST /__emulator/tasks':
				return await withJson((body) =>
					ok({ taskId: emulator.createTask(/** @type {any} */ (body)) }),
				);
			case 'PUT /__emulator/callback-mode':
				return await withJson((body) => {
					emulator.callbackMode = /** @type {any} */ (body);
					return ok(emulator.callbackMode);
				});
		}
		const callbackMatch = /^POST \/__emulator\/tasks\/([^/]+)\/callback$/.exec(route);
		if (callbackMatch) {
			const taskId = safeDecode(callbackMatch[1]);
			return await withJson(async (body) =>
				ok({ statusCode: await emulator.sendCallback(taskId, /** @type {any} */ (body)) }),
			);
		}
		return fail(404, 'not found');
	} catch (err) {
		return fail(400, err instanceof Error ? err.message : String(err));
	}
}

module.exports = { controlApi };
