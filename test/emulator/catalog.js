// @ts-check
'use strict';

/**
 * The models the emulator serves: the node's own model catalog (nodes/shared/models), compiled by
 * `npm run build` to dist/nodes/shared/models. Model ids, fields, documented limits, cross-field rules,
 * media type and timing come from there only; the emulator keeps no second copy of them.
 */

const path = require('path');

/**
 * @typedef {import('../../nodes/shared/models/types').ModelSpec} ModelSpec
 * @typedef {import('../../nodes/shared/models/types').ModelField} ModelField
 * @typedef {import('../../nodes/shared/models/types').ModelFamily} ModelFamily
 */

const CATALOG_DIR = path.resolve(__dirname, '..', '..', 'dist', 'nodes', 'shared', 'models');

/**
 * require() a compiled catalog module, with a message that says what to do when it is not built.
 * @param {string} file path inside dist/nodes/shared/models ('' for the index)
 * @returns {any}
 */
function loadCompiled(file) {
	const target = path.join(CATALOG_DIR, file);
	try {
		return require(target);
	} catch (err) {
		const error = /** @type {NodeJS.ErrnoException} */ (err);
		if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(target)) {
			throw new Error(
				`Max API emulator: the compiled model catalog is missing (${path.relative(process.cwd(), target) || target}): run npm run build first`,
			);
		}
		throw err;
	}
}

const models = loadCompiled('');
const gptImage2 = loadCompiled('gptImage2');

/** @type {readonly ModelFamily[]} */
const MODEL_FAMILIES = models.MODEL_FAMILIES;
/** Every catalog entry: one per model id and operation (an id may serve two operations). @type {readonly ModelSpec[]} */
const CATALOG = models.CATALOG;
/** Every model id the emulator accepts, once each, in catalog order. @type {readonly string[]} */
const MODELS = Object.freeze([...models.MODEL_IDS]);

/** The keys of `input` that carry source media URLs; their presence selects the image/media-to-X entry. */
const URL_KEYS = Object.freeze(['imageUrls', 'mediaUrls']);

/** @param {string} id @returns {ModelFamily|undefined} */
function familyOf(id) {
	return MODEL_FAMILIES.find((family) => family.models.some((model) => model.id === id));
}

/**
 * The catalog entry a submit of model `id` with `input` runs as, or undefined for an unknown id.
 * One id may serve two operations (Seedream and Nano Banana text/image-to-image, Veo and Seedance
 * text/image-to-video): the entry whose URL list (imageUrls / mediaUrls) the input carries wins,
 * else the one that takes no URL list. An id with a single entry always gets it (gpt-image-2/image-to-image
 * without imageUrls is then refused because the field is required).
 * @param {unknown} id
 * @param {Record<string, unknown>} input
 * @returns {ModelSpec|undefined}
 */
function selectSpec(id, input) {
	const entries = CATALOG.filter((model) => model.id === id);
	if (entries.length === 0) return undefined;
	/** @param {ModelSpec} spec */
	const urlFields = (spec) => spec.fields.filter((field) => field.kind === 'urls');
	return (
		entries.find((spec) => urlFields(spec).some((field) => input[field.key] !== undefined)) ??
		entries.find((spec) => urlFields(spec).length === 0) ??
		entries[0]
	);
}

/** @param {ModelSpec} spec @param {string} key @returns {ModelField|undefined} */
function fieldOf(spec, key) {
	return spec.fields.find((field) => field.key === key);
}

/**
 * The model's typical submit-to-result time in ms: the low end of the catalog's timing.typicalSeconds.
 * @param {ModelSpec} spec
 */
function typicalLatencyMs(spec) {
	return spec.timing.typicalSeconds[0] * 1000;
}

// GPT Image 2's documented values, exported as before (the PNG size table in files.js is keyed by them).
const RATIOS = Object.freeze([...gptImage2.GPT_IMAGE_2_RATIOS]);
const FOURK_RATIOS = Object.freeze([...gptImage2.FOUR_K_RATIOS]);
const UNIT_PRICE_USD = Object.freeze({ ...gptImage2.GPT_IMAGE_2_UNIT_USD });
const RESOLUTIONS = Object.freeze(
	/** @type {ModelSpec} */ (gptImage2.textToImage).fields.flatMap((field) =>
		field.kind === 'choice' && field.key === 'resolution'
			? field.options.map((option) => String(option.value))
			: [],
	),
);

module.exports = {
	MODEL_FAMILIES,
	CATALOG,
	MODELS,
	URL_KEYS,
	familyOf,
	selectSpec,
	fieldOf,
	typicalLatencyMs,
	RATIOS,
	FOURK_RATIOS,
	UNIT_PRICE_USD,
	RESOLUTIONS,
};
