// @ts-check
'use strict';

/**
 * An in-process emulator of the Max API task endpoints (docs.maxapi.io as the team noted it; see
 * README.md beside this file), serving every model of the node's catalog (nodes/shared/models,
 * compiled by `npm run build`). Node's standard library only.
 *
 * The entry point; the work is split by job:
 * - catalog.js    the compiled model catalog: ids, fields, limits, rules, timing
 * - contract.js   statuses, answer envelopes, submit validation, moderation
 * - tasks.js      the task state machine, prompt directives, the query/callback envelope
 * - timers.js     timers that reset() and close() clear
 * - faults.js     injected faults and their queue
 * - callbacks.js  outgoing callback POSTs and the callback mode
 * - files.js      result files: PNG sizes, names, what is served (png.js, mp4.js)
 * - http.js       the server, routing, control API, acting out faults, writing answers
 * - emulator.js   the Emulator class: options, tasks, counters, the public API
 */

const { MODELS, RATIOS, RESOLUTIONS, FOURK_RATIOS, UNIT_PRICE_USD } = require('./catalog');
const {
	STATUSES,
	TERMINAL_STATUSES,
	DEFAULT_CANCELLABLE_STATUSES,
	MAX_IMAGE_URLS,
} = require('./contract');
const { Emulator } = require('./emulator');
const { PIXEL_SIZES } = require('./files');
const { VIDEO_FIXTURE, readMp4Boxes } = require('./mp4');

/** Size in bytes of the MP4 served when the `videoBytes` option is not given. */
const VIDEO_FIXTURE_BYTES = VIDEO_FIXTURE.length;

/**
 * Start an emulator. Resolves once it listens.
 * @param {Record<string, any>} [options] see EmulatorOptions in index.d.ts
 * @returns {Promise<Emulator>}
 */
function startEmulator(options = {}) {
	return Emulator.start(options);
}

module.exports = {
	startEmulator,
	MODELS,
	RATIOS,
	RESOLUTIONS,
	PIXEL_SIZES,
	FOURK_RATIOS,
	UNIT_PRICE_USD,
	STATUSES,
	TERMINAL_STATUSES,
	DEFAULT_CANCELLABLE_STATUSES,
	MAX_IMAGE_URLS,
	VIDEO_FIXTURE_BYTES,
	readMp4Boxes,
};
