// @ts-check
'use strict';

/**
 * Result files: what a successful task yields (images or one video), their names and URLs, and the
 * bytes served for them (PNGs from png.js, MP4s from mp4.js). Rendering only: what is valid to submit
 * is contract.js's business.
 */

const { RATIOS, RESOLUTIONS, fieldOf } = require('./catalog');
const { encodePng } = require('./png');
const { VIDEO_FIXTURE, videoChunks } = require('./mp4');

/** @typedef {import('./catalog').ModelSpec} ModelSpec */
/** @typedef {import('./contract').Reply} Reply */

/**
 * What a successful task produces: `count` PNGs of width x height, or one MP4.
 * @typedef {{ type: 'image', count: number, width: number, height: number } | { type: 'video', count: 1 }} Output
 */

/**
 * GPT Image 2's landscape (and square) sizes as [width, height]; the portrait ratios are their transposes.
 * Documented in maxapi-api.md: 1:1, 3:2 (and 2:3), 4:3, 16:9, 21:9. Derived by the emulator, with the
 * same rule the documented sizes of the neighbouring ratio follow (all multiples of 16):
 * 5:4 like 4:3 (long side 1024 / 2048), 2:1 like 16:9 and 21:9 (short side 864 / 1152, long side 3840 at 4k).
 * @type {Record<string, Partial<Record<string, [number, number]>>>}
 */
const LANDSCAPE_SIZES = {
	'1:1': { '1k': [1024, 1024], '2k': [2048, 2048] },
	'3:2': { '1k': [1536, 1024], '2k': [2048, 1360] },
	'4:3': { '1k': [1024, 768], '2k': [2048, 1536] },
	'5:4': { '1k': [1024, 816], '2k': [2048, 1632] },
	'16:9': { '1k': [1536, 864], '2k': [2048, 1152], '4k': [3840, 2160] },
	'2:1': { '1k': [1728, 864], '2k': [2304, 1152], '4k': [3840, 1920] },
	'21:9': { '1k': [2016, 864], '2k': [2688, 1152], '4k': [3840, 1648] },
};
const PORTRAIT_OF = {
	'2:3': '3:2',
	'3:4': '4:3',
	'4:5': '5:4',
	'9:16': '16:9',
	'1:2': '2:1',
	'9:21': '21:9',
};

/** PIXEL_SIZES[resolution][ratio] = { width, height }; absent where GPT Image 2 rejects the combination (4k). */
const PIXEL_SIZES = (() => {
	/** @type {Record<string, Record<string, { width: number, height: number }>>} */
	const sizes = {};
	for (const resolution of RESOLUTIONS) {
		/** @type {Record<string, { width: number, height: number }>} */
		const byRatio = {};
		for (const ratio of RATIOS) {
			const portraitOf = /** @type {Record<string, string>} */ (PORTRAIT_OF)[ratio];
			const pair = LANDSCAPE_SIZES[portraitOf ?? ratio]?.[resolution];
			if (!pair) continue;
			const [w, h] = portraitOf ? [pair[1], pair[0]] : pair;
			byRatio[ratio] = Object.freeze({ width: w, height: h });
		}
		sizes[resolution] = Object.freeze(byRatio);
	}
	return Object.freeze(sizes);
})();

/** Size of images of a model without ratio and resolution fields (Grok Imagine), or with a ratio the table lacks. */
const DEFAULT_IMAGE_SIZE = Object.freeze({ width: 1024, height: 1024 });

/**
 * The value of a choice field the model takes, else undefined (a field the model does not take is ignored).
 * @param {ModelSpec} spec @param {Record<string, unknown>} input @param {string} key
 */
function taken(spec, input, key) {
	return fieldOf(spec, key) ? input[key] : undefined;
}

/**
 * Pixel size of the images of a task. Ratio and resolution come from the input when the model takes
 * them (omitted: 1:1 and 1k). Sizes are GPT Image 2's table; 4k with a ratio that has no 4k there
 * (Seedream, Nano Banana) is twice the 2k size; a ratio missing from the table is 1024x1024.
 * @param {ModelSpec} spec
 * @param {Record<string, unknown>} input
 * @returns {{ width: number, height: number }}
 */
function imageSize(spec, input) {
	const ratio = taken(spec, input, 'ratio');
	const resolution = taken(spec, input, 'resolution');
	const r = typeof ratio === 'string' && RATIOS.includes(ratio) ? ratio : '1:1';
	const res =
		typeof resolution === 'string' && RESOLUTIONS.includes(resolution) ? resolution : '1k';
	const size = PIXEL_SIZES[res][r];
	if (size) return size;
	const twoK = PIXEL_SIZES['2k'][r];
	if (res === '4k' && twoK) return { width: twoK.width * 2, height: twoK.height * 2 };
	return DEFAULT_IMAGE_SIZE;
}

/**
 * What a successful task of `spec` with `input` produces. Images: `n` of them where the model takes
 * `n` and it was sent, else 1.
 * @param {ModelSpec} spec
 * @param {Record<string, unknown>} input
 * @returns {Output}
 */
function plannedOutput(spec, input) {
	if (spec.media === 'video') return { type: 'video', count: 1 };
	const n = taken(spec, input, 'n');
	return { type: 'image', count: Number.isInteger(n) ? Number(n) : 1, ...imageSize(spec, input) };
}

/** @param {Output} output @returns {string[]} */
function fileNames(output) {
	return Array.from({ length: output.count }, (_, k) =>
		output.type === 'video' ? `video-${k}.mp4` : `image-${k}.png`,
	);
}

/** `/files/{taskId}/{name}` → taskId and name; null for another path. @param {string} path */
function parseFilePath(path) {
	const match = /^\/files\/([^/]+)\/((?:image-\d+\.png)|(?:video-\d+\.mp4))$/.exec(path);
	return match ? { taskId: match[1], name: match[2] } : null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The MP4's `ftyp` box: what a `huge` video download starts with. */
const MP4_MAGIC = VIDEO_FIXTURE.subarray(0, VIDEO_FIXTURE.readUInt32BE(0));

/**
 * The reply serving file `name` of a successful task's `output`, or null when it has no such file.
 * @param {Output} output
 * @param {string} name
 * @param {{ noiseImages: boolean, videoBytes: number }} options
 * @returns {Reply|null}
 */
function fileReply(output, name, options) {
	const index = fileNames(output).indexOf(name);
	if (index < 0) return null;
	if (output.type === 'video') {
		const length = options.videoBytes;
		return {
			status: 200,
			stream: { length, chunks: () => videoChunks(length) },
			contentType: 'video/mp4',
			magic: MP4_MAGIC,
		};
	}
	return {
		status: 200,
		raw: encodePng(output.width, output.height, { variant: index, noise: options.noiseImages }),
		contentType: 'image/png',
		magic: PNG_SIGNATURE,
	};
}

module.exports = {
	PIXEL_SIZES,
	DEFAULT_IMAGE_SIZE,
	PNG_SIGNATURE,
	imageSize,
	plannedOutput,
	fileNames,
	parseFilePath,
	fileReply,
};
