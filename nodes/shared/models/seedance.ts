// Seedance (docs: seedance-video/text-to-video, /image-to-video, /moderation-and-penalty, query-task).
// Image-to-video takes `mediaUrls`: images, and for 2.0 also video and audio references. Tasks take
// "2 minutes to 4 hours". No price is published; a task refused by moderation after submission is
// refunded minus a surcharge, so even a failed task's cost is not known here.
import { durationField, NOT_PUBLISHED, ratioField, resolutionField } from './fields';
import type {
	CrossFieldRule,
	GenerationOperation,
	ModelFamily,
	ModelField,
	ModelInput,
	ModelSpec,
} from './types';

const VERSIONS = [
	{
		id: 'seedance-2.0',
		name: 'Seedance 2.0',
		durations: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
		maxMedia: 12,
		imagesOnly: false,
	},
	{
		id: 'seedance-2.0-fast',
		name: 'Seedance 2.0 Fast',
		durations: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
		maxMedia: 12,
		imagesOnly: false,
	},
	// "only supports up to 2 images (first/last frame mode)"
	{
		id: 'seedance-1.5-pro',
		name: 'Seedance 1.5 Pro',
		durations: [5, 10],
		maxMedia: 2,
		imagesOnly: true,
	},
] as const;

type Version = (typeof VERSIONS)[number];

/** The accepted file types, by extension, as the docs list them. */
export const SEEDANCE_MEDIA_EXTENSIONS = {
	image: ['jpg', 'jpeg', 'png', 'webp', 'gif', 'bmp'],
	video: ['mp4', 'mov', 'm4v'],
	audio: ['mp3', 'wav'],
} as const;

export const SEEDANCE_MAX_IMAGES = 9;

/** image, video or audio by the URL's file extension; undefined when it has none the docs list. */
export function seedanceMediaKind(url: string): keyof typeof SEEDANCE_MEDIA_EXTENSIONS | undefined {
	let pathname: string;
	try {
		pathname = new URL(url).pathname;
	} catch {
		return undefined;
	}
	const extension = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase() ?? '';
	const kinds = Object.keys(SEEDANCE_MEDIA_EXTENSIONS) as Array<
		keyof typeof SEEDANCE_MEDIA_EXTENSIONS
	>;
	return kinds.find((kind) =>
		(SEEDANCE_MEDIA_EXTENSIONS[kind] as readonly string[]).includes(extension),
	);
}

function urls(input: ModelInput): string[] {
	return Array.isArray(input.mediaUrls) ? input.mediaUrls : [];
}

const atMostNineImages: CrossFieldRule = {
	field: 'mediaUrls',
	check: (input) => {
		const images = urls(input).filter((url) => seedanceMediaKind(url) === 'image').length;
		return images > SEEDANCE_MAX_IMAGES
			? `Seedance takes at most ${SEEDANCE_MAX_IMAGES} images, not ${images}`
			: undefined;
	},
	hint: `Give at most ${SEEDANCE_MAX_IMAGES} image URLs (videos and audio files come on top, 12 files in all).`,
};

const imagesOnly: CrossFieldRule = {
	field: 'mediaUrls',
	check: (input) => {
		const other = urls(input).find((url) =>
			['video', 'audio'].includes(seedanceMediaKind(url) ?? ''),
		);
		return other
			? `Seedance 1.5 Pro takes images only, not the ${seedanceMediaKind(other)} file ${other.slice(0, 100)}`
			: undefined;
	},
	hint: 'Give one or two images (first and last frame), or choose Seedance 2.0 for video and audio references.',
};

function model(version: Version, operation: GenerationOperation): ModelSpec {
	const fields: ModelField[] = [
		...(operation === 'imageToVideo'
			? [
					{
						kind: 'urls',
						key: 'mediaUrls',
						displayName: 'Media URLs',
						min: 1,
						max: version.maxMedia,
						placeholder: 'https://example.com/first-frame.png',
						fileTypes: version.imagesOnly
							? { image: SEEDANCE_MEDIA_EXTENSIONS.image }
							: SEEDANCE_MEDIA_EXTENSIONS,
						description: version.imagesOnly
							? 'Public URLs of one or two images (first frame, or first and last frame). One per line or separated by commas, or an expression that returns an array.'
							: 'Public URLs of up to 12 files: images (.jpg .png .webp .gif .bmp, at most 9), videos (.mp4 .mov .m4v, 15 s in all) and audio (.mp3 .wav, 15 s in all). Refer to them in the prompt as @1, @2… One per line or separated by commas, or an expression that returns an array.',
					} as const,
				]
			: []),
		ratioField(['1:1', '4:3', '3:4', '16:9', '9:16']),
		resolutionField(['480p', '720p', '1080p']),
		durationField(version.durations),
		{
			kind: 'flag',
			key: 'fallback',
			displayName: 'Fallback',
			description:
				'Sent as fallback: true when on, not sent when off. The docs show it but their explanation is cut off; it is understood to let Max API fall back to another Seedance model on failure.',
		},
	];
	return {
		id: version.id,
		name: version.name,
		operation,
		media: 'video',
		fields,
		rules:
			operation === 'imageToVideo' ? (version.imagesOnly ? [imagesOnly] : [atMostNineImages]) : [],
		price: NOT_PUBLISHED,
		timing: {
			typicalSeconds: [120, 14_400],
			source: 'documented: "anywhere from 2 minutes to 4 hours"',
			timeoutSeconds: 16_200,
			maxPollIntervalSeconds: 120,
		},
	};
}

export const seedance: ModelFamily = {
	name: 'Seedance',
	docs: [
		'seedance-video/text-to-video',
		'seedance-video/image-to-video',
		'seedance-video/moderation-and-penalty',
		'query-task',
	],
	models: (['textToVideo', 'imageToVideo'] as const).flatMap((operation) =>
		VERSIONS.map((version) => model(version, operation)),
	),
};
