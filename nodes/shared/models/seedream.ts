// Seedream (docs: seedream-image/text-to-image, /image-to-image). One id per version serves both
// operations: sending imageUrls turns a task into image-to-image. No price is published;
// `seedream-4.6` is listed by one version of the docs only and stays out (Create Task reaches it).
import {
	imageCountField,
	imageUrlsField,
	NOT_PUBLISHED,
	ratioField,
	resolutionField,
} from './fields';
import type { GenerationOperation, ModelFamily, ModelSpec } from './types';

const VERSIONS = [
	{ id: 'seedream-5-lite', name: 'Seedream 5 Lite', maxImages: 4 },
	{ id: 'seedream-4.5', name: 'Seedream 4.5', maxImages: 15 },
	{ id: 'seedream-4', name: 'Seedream 4', maxImages: 15 },
] as const;

const RATIOS = ['1:1', '4:3', '3:4', '16:9', '9:16', '3:2', '2:3', '21:9'];

function model(version: (typeof VERSIONS)[number], operation: GenerationOperation): ModelSpec {
	return {
		id: version.id,
		name: version.name,
		operation,
		media: 'image',
		fields: [
			...(operation === 'imageToImage'
				? [imageUrlsField('Public URLs of the images to edit or combine.')]
				: []),
			ratioField(RATIOS),
			resolutionField(['1k', '2k', '4k']),
			imageCountField(1, version.maxImages),
		],
		price: NOT_PUBLISHED,
		timing: {
			typicalSeconds: [10, 60],
			source: 'not documented (the docs example took about 18 s): our estimate',
			timeoutSeconds: 600,
			maxPollIntervalSeconds: 10,
		},
	};
}

export const seedream: ModelFamily = {
	name: 'Seedream',
	docs: ['seedream-image/text-to-image', 'seedream-image/image-to-image'],
	models: (['textToImage', 'imageToImage'] as const).flatMap((operation) =>
		VERSIONS.map((version) => model(version, operation)),
	),
};
