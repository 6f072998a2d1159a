import type { INodeProperties } from 'n8n-workflow';

import { operationProperty } from '../operations';
import * as imageToImage from './imageToImage.operation';
import * as textToImage from './textToImage.operation';

export { imageToImage, textToImage };

export const operations = {
	textToImage: {
		name: 'Text to Image',
		action: 'Generate an image from text',
		description:
			'Generate images from a prompt with GPT Image 2, Seedream, Nano Banana or Grok Imagine',
	},
	imageToImage: {
		name: 'Image to Image',
		action: 'Generate an image from images',
		description:
			'Edit, restyle or combine images from URLs with GPT Image 2, Seedream or Nano Banana',
	},
} as const;

export const description: INodeProperties[] = [
	operationProperty('image', operations, 'textToImage'),
	...textToImage.description,
	...imageToImage.description,
];
