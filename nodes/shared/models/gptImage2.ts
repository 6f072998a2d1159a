// GPT Image 2 (docs: gpt-image-2/text-to-image, gpt-image-2/image-to-image). The one family whose two
// operations are two model ids. Prices per image and resolution are published.
import {
	imageCountField,
	imageUrlsField,
	inputNumber,
	ratioField,
	resolutionField,
	usdTimes,
} from './fields';
import type {
	CrossFieldRule,
	ModelFamily,
	ModelField,
	ModelSpec,
	PriceRule,
	TimingHints,
} from './types';

export const GPT_IMAGE_2_RATIOS = [
	'1:1',
	'3:2',
	'2:3',
	'4:3',
	'3:4',
	'5:4',
	'4:5',
	'16:9',
	'9:16',
	'2:1',
	'1:2',
	'21:9',
	'9:21',
] as const;

/** 4k exceeds the pixel budget with any other ratio, and the API rejects it. */
export const FOUR_K_RATIOS: readonly string[] = ['16:9', '9:16', '2:1', '1:2', '21:9', '9:21'];

/** USD per image; a task costs n times this. */
export const GPT_IMAGE_2_UNIT_USD: Record<string, number> = { '1k': 0.02, '2k': 0.04, '4k': 0.06 };

const resolution = resolutionField(['1k', '2k', '4k'], {
	default: '1k',
	options: [
		{ value: '1k', name: '1K ($0.02 per Image)' },
		{ value: '2k', name: '2K ($0.04 per Image)' },
		{
			value: '4k',
			name: '4K ($0.06 per Image)',
			description: `Only with ratios ${FOUR_K_RATIOS.join(', ')}`,
		},
	],
});

const fourKNeedsWideRatio: CrossFieldRule = {
	field: 'resolution',
	check: (input) =>
		input.resolution === '4k' && !FOUR_K_RATIOS.includes(String(input.ratio))
			? `GPT Image 2 has no 4k with aspect ratio ${String(input.ratio ?? 'auto')}`
			: undefined,
	hint: `Choose one of the aspect ratios ${FOUR_K_RATIOS.join(', ')} for 4k (the others exceed the pixel budget), or choose 2k.`,
	panelNotice: {
		when: {
			resolution: ['4k'],
			ratio: ['auto', ...GPT_IMAGE_2_RATIOS.filter((ratio) => !FOUR_K_RATIOS.includes(ratio))],
		},
		text: `GPT Image 2 makes 4k only with aspect ratio ${FOUR_K_RATIOS.join(', ')}: choose one of them, or 2k.`,
	},
};

const price: PriceRule = {
	published: true,
	summary: '$0.02 (1K), $0.04 (2K), $0.06 (4K) per image',
	costUsd: (input) =>
		usdTimes(
			GPT_IMAGE_2_UNIT_USD[String(input.resolution ?? '1k')] ?? GPT_IMAGE_2_UNIT_USD['1k'],
			inputNumber(input, 'n') ?? 1,
		),
};

const timing: TimingHints = {
	typicalSeconds: [15, 60],
	source: 'not documented ("synchronous upstream"): our estimate',
	timeoutSeconds: 600,
	maxPollIntervalSeconds: 10,
};

function fields(autoRatio: string, sources: ModelField[]): ModelField[] {
	return [
		...sources,
		ratioField(GPT_IMAGE_2_RATIOS, { notSentName: 'Auto', notSentDescription: autoRatio }),
		resolution,
		imageCountField(1, 10),
	];
}

const common = {
	media: 'image',
	maxPromptLength: 32_000,
	rules: [fourKNeedsWideRatio],
	price,
	timing,
} as const;

export const textToImage: ModelSpec = {
	id: 'gpt-image-2/text-to-image',
	name: 'GPT Image 2',
	operation: 'textToImage',
	fields: fields('Let the model choose', []),
	...common,
};

export const imageToImage: ModelSpec = {
	id: 'gpt-image-2/image-to-image',
	name: 'GPT Image 2',
	operation: 'imageToImage',
	fields: fields('Follow the input image', [imageUrlsField('Public URLs of the images to edit.')]),
	...common,
};

export const gptImage2: ModelFamily = {
	name: 'GPT Image 2',
	docs: ['gpt-image-2/text-to-image', 'gpt-image-2/image-to-image'],
	models: [textToImage, imageToImage],
};
