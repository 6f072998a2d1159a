// Grok Imagine (docs: grok-imagine/text-to-image, grok-imagine/text-to-video). Text only: no
// image-to-image or image-to-video page exists. Prices are published: per image, and per second of video.
// Lite takes no ratio or resolution (the model infers the shape from the prompt); whether Standard and
// Pro take them is cut off in the docs, so they are not offered (Create Task can send them).
import {
	durationField,
	imageCountField,
	inputNumber,
	modeField,
	ratioField,
	resolutionField,
	usdTimes,
} from './fields';
import type { ModelFamily, ModelSpec } from './types';

const IMAGE_TIERS = [
	{ id: 'grok-imagine/text-to-image-lite', name: 'Grok Imagine Lite', usd: 0.001, maxImages: 4 },
	{
		id: 'grok-imagine/text-to-image-standard',
		name: 'Grok Imagine Standard',
		usd: 0.0012,
		maxImages: 10,
	},
	{ id: 'grok-imagine/text-to-image-pro', name: 'Grok Imagine Pro', usd: 0.0015, maxImages: 10 },
] as const;

const images: ModelSpec[] = IMAGE_TIERS.map((tier) => ({
	id: tier.id,
	name: tier.name,
	operation: 'textToImage',
	media: 'image',
	fields: [imageCountField(1, tier.maxImages)],
	price: {
		published: true,
		summary: `$${tier.usd} per image`,
		costUsd: (input) => usdTimes(tier.usd, inputNumber(input, 'n') ?? 1),
	},
	timing: {
		typicalSeconds: [5, 60],
		source: 'not documented: our estimate',
		timeoutSeconds: 600,
		maxPollIntervalSeconds: 10,
	},
}));

export const GROK_VIDEO_USD_PER_SECOND = 0.007;

const video: ModelSpec = {
	id: 'grok-imagine/text-to-video',
	name: 'Grok Imagine Video',
	operation: 'textToVideo',
	media: 'video',
	fields: [
		durationField([6, 10, 12, 16, 20], {
			description: `Billed per second of video ($${GROK_VIDEO_USD_PER_SECOND})`,
		}),
		ratioField(['1:1', '16:9', '9:16']),
		resolutionField(['480p', '720p']),
		modeField([
			{ value: 'fun', name: 'Fun' },
			{ value: 'normal', name: 'Normal' },
			{ value: 'spicy', name: 'Spicy' },
			{ value: 'custom', name: 'Custom', description: 'What Custom needs is not documented' },
		]),
	],
	price: {
		published: true,
		summary: `$${GROK_VIDEO_USD_PER_SECOND} per second of video`,
		// Without a duration (left to the model's default) the length, and so the price, is unknown.
		costUsd: (input) => {
			const seconds = inputNumber(input, 'duration');
			return seconds === undefined ? null : usdTimes(GROK_VIDEO_USD_PER_SECOND, seconds);
		},
	},
	timing: {
		typicalSeconds: [30, 300],
		source: 'documented: "under 5 minutes" (the low end is our estimate)',
		timeoutSeconds: 900,
		maxPollIntervalSeconds: 15,
	},
};

export const grokImagine: ModelFamily = {
	name: 'Grok Imagine',
	docs: ['grok-imagine/text-to-image', 'grok-imagine/text-to-video'],
	models: [...images, video],
};
