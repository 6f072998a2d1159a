// The model catalog: every Max API model the node offers, one family file each. Adding a model is a
// new family file (or an entry in one) and a line here; everything else reads the catalog.
import { gptImage2 } from './gptImage2';
import { grokImagine } from './grokImagine';
import { nanoBanana } from './nanoBanana';
import { seedance } from './seedance';
import { seedream } from './seedream';
import type { GenerationOperation, ModelFamily, ModelSpec } from './types';
import { veo } from './veo';

export const MODEL_FAMILIES: readonly ModelFamily[] = [
	gptImage2,
	seedream,
	nanoBanana,
	grokImagine,
	veo,
	seedance,
];

export const CATALOG: readonly ModelSpec[] = MODEL_FAMILIES.flatMap((family) => family.models);

export const GENERATION_OPERATIONS: readonly GenerationOperation[] = [
	'textToImage',
	'imageToImage',
	'textToVideo',
	'imageToVideo',
];

/**
 * The model each operation starts with. The image operations start with GPT Image 2, which was the
 * only model before the catalog: workflows saved then have no `model` and must run as they did.
 */
export const DEFAULT_MODEL: Record<GenerationOperation, string> = {
	textToImage: 'gpt-image-2/text-to-image',
	imageToImage: 'gpt-image-2/image-to-image',
	textToVideo: 'veo3_fast',
	imageToVideo: 'veo3_fast',
};

export function modelsFor(operation: GenerationOperation): ModelSpec[] {
	return CATALOG.filter((model) => model.operation === operation);
}

/** The catalog entry of a model id for an operation; without an operation, the id's first entry. */
export function findModel(id: unknown, operation?: GenerationOperation): ModelSpec | undefined {
	return CATALOG.find(
		(model) => model.id === id && (operation === undefined || model.operation === operation),
	);
}

/** Every model id in the catalog, once. */
export const MODEL_IDS: readonly string[] = [...new Set(CATALOG.map((model) => model.id))];

export * from './types';
