// Veo 3.1 (docs: veo-video/text-to-video, veo-video/image-to-video, introduction). Three tiers; in
// image-to-video the number of images picks the mode (1 first frame, 2 first and last, 3 references)
// unless Mode overrides it. No price is published ("see pricing page", which is not in the docs copy).
import {
	durationField,
	imageUrlsField,
	modeField,
	NOT_PUBLISHED,
	ratioField,
	resolutionField,
} from './fields';
import type {
	ChoiceField,
	CrossFieldRule,
	GenerationOperation,
	ModelFamily,
	ModelField,
	ModelSpec,
} from './types';

const TIERS = [
	{ id: 'veo3', name: 'Veo 3.1 Quality' },
	{ id: 'veo3_fast', name: 'Veo 3.1 Fast' },
	{ id: 'veo3_lite', name: 'Veo 3.1 Lite' },
] as const;

type Tier = (typeof TIERS)[number];

const MODES = [
	{
		value: 'i2v',
		name: 'First Frame (I2v)',
		description: 'The image is the first frame (one image)',
	},
	{
		value: 'i2v-fl',
		name: 'First and Last Frame (I2v-Fl)',
		description: 'Two images: the first and the last frame',
	},
	{
		value: 'r2v',
		name: 'Reference (R2v)',
		description: 'One to three images as style or content reference; 8 s only',
	},
] as const;

function veoModeField(tier: Tier): ChoiceField {
	// Lite has no reference mode (introduction: "no R2V").
	return modeField(tier.id === 'veo3_lite' ? MODES.filter((mode) => mode.value !== 'r2v') : MODES, {
		notSentName: 'Auto',
		notSentDescription:
			'Not sent: 1 image is the first frame, 2 are first and last frame, 3 are references',
	});
}

/** The mode the task will run in: the override, else the one the image count selects. */
function effectiveMode(input: { mode?: unknown; imageUrls?: unknown }): string | undefined {
	if (typeof input.mode === 'string' && input.mode !== 'auto') return input.mode;
	const count = Array.isArray(input.imageUrls) ? input.imageUrls.length : 0;
	return ['i2v', 'i2v-fl', 'r2v'][count - 1];
}

const qualityFirstFrameIsEightSeconds: CrossFieldRule = {
	field: 'duration',
	check: (input) =>
		effectiveMode(input) === 'i2v' && input.duration !== undefined && input.duration !== 8
			? `Veo 3.1 Quality makes first-frame videos (one image) of 8 s only, not ${String(input.duration)} s`
			: undefined,
	hint: 'Choose 8 s, give two images (first and last frame, which allows 4 or 6 s), or choose Veo 3.1 Fast.',
	panelNotice: {
		when: { mode: ['i2v'], duration: [4, 6] },
		text: 'Veo 3.1 Quality makes first-frame videos of 8 s only: choose 8 s, the first and last frame mode, or Veo 3.1 Fast.',
	},
};

function model(tier: Tier, operation: GenerationOperation): ModelSpec {
	const toVideo = operation === 'imageToVideo';
	const fields: ModelField[] = [
		...(toVideo
			? [
					imageUrlsField('Public URLs of 1 to 3 images; their number selects the mode.', 3),
					veoModeField(tier),
				]
			: []),
		ratioField(['16:9', '9:16'], { default: '16:9' }),
		// Lite is 720p only.
		...(tier.id === 'veo3_lite'
			? []
			: [
					resolutionField(['1080p', '4k'], {
						notSentName: 'Standard',
						notSentDescription: 'Not sent: standard resolution, no upscaling',
						description: toVideo ? 'Ignored in first-frame mode (one image)' : undefined,
					}),
				]),
		durationField([4, 6, 8], {
			default: 8,
			description: 'Billing scales with the length (4 s costs half of 8 s)',
		}),
	];
	return {
		id: tier.id,
		name: tier.name,
		operation,
		media: 'video',
		fields,
		rules: toVideo && tier.id === 'veo3' ? [qualityFirstFrameIsEightSeconds] : [],
		price: NOT_PUBLISHED,
		timing: {
			typicalSeconds: [60, 600],
			source: 'not documented (the docs example took about 2.5 min): our estimate',
			timeoutSeconds: 1800,
			maxPollIntervalSeconds: 30,
		},
	};
}

export const veo: ModelFamily = {
	name: 'Veo 3.1',
	docs: ['veo-video/text-to-video', 'veo-video/image-to-video', 'introduction'],
	models: (['textToVideo', 'imageToVideo'] as const).flatMap((operation) =>
		TIERS.map((tier) => model(tier, operation)),
	),
};
