// Nano Banana (docs: nano-banana/text-to-image, /image-to-image, introduction). Gemini image models;
// the plain one has two ratios and a fixed 1K resolution. No `n` is documented, so none is sent.
// No price is published.
import { imageUrlsField, NOT_PUBLISHED, ratioField, resolutionField } from './fields';
import type { GenerationOperation, ModelFamily, ModelField, ModelSpec } from './types';

const VERSIONS = [
	{
		id: 'nano-banana',
		name: 'Nano Banana',
		ratios: ['16:9', '9:16'],
		resolutions: [],
		seconds: [10, 20],
	},
	{
		id: 'nano-banana-2',
		name: 'Nano Banana 2',
		ratios: ['16:9', '9:16', '1:1', '4:3', '3:4'],
		resolutions: ['1k', '2k', '4k'],
		seconds: [10, 20],
	},
	{
		id: 'nano-banana-pro',
		name: 'Nano Banana Pro',
		ratios: ['16:9', '9:16', '1:1', '4:3', '3:4'],
		resolutions: ['1k', '2k', '4k'],
		seconds: [30, 60],
	},
] as const;

function model(version: (typeof VERSIONS)[number], operation: GenerationOperation): ModelSpec {
	const fields: ModelField[] = [
		...(operation === 'imageToImage' ? [imageUrlsField('Public URLs of the images to edit.')] : []),
		ratioField(version.ratios),
		...(version.resolutions.length > 0 ? [resolutionField(version.resolutions)] : []),
	];
	return {
		id: version.id,
		name: version.name,
		operation,
		media: 'image',
		fields,
		price: NOT_PUBLISHED,
		timing: {
			typicalSeconds: version.seconds,
			source: `documented: about ${version.seconds[0]}–${version.seconds[1]} s`,
			timeoutSeconds: 600,
			maxPollIntervalSeconds: 10,
		},
	};
}

export const nanoBanana: ModelFamily = {
	name: 'Nano Banana',
	docs: ['nano-banana/text-to-image', 'nano-banana/image-to-image', 'introduction'],
	models: (['textToImage', 'imageToImage'] as const).flatMap((operation) =>
		VERSIONS.map((version) => model(version, operation)),
	),
};
