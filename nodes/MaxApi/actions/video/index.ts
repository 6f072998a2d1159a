import type { INodeProperties } from 'n8n-workflow';

import { operationProperty } from '../operations';
import * as imageToVideo from './imageToVideo.operation';
import * as textToVideo from './textToVideo.operation';

export { imageToVideo, textToVideo };

export const operations = {
	textToVideo: {
		name: 'Text to Video',
		action: 'Generate a video from text',
		description: 'Generate a video from a prompt with Veo 3.1, Seedance or Grok Imagine',
	},
	imageToVideo: {
		name: 'Image to Video',
		action: 'Generate a video from images',
		description:
			'Generate a video from images (first frame, last frame, references) with Veo 3.1 or Seedance',
	},
} as const;

export const description: INodeProperties[] = [
	operationProperty('video', operations, 'textToVideo'),
	...textToVideo.description,
	...imageToVideo.description,
];
