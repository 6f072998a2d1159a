import type { INodeProperties } from 'n8n-workflow';

import * as imageToImage from './imageToImage.operation';
import * as textToImage from './textToImage.operation';

export { imageToImage, textToImage };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Image to Image',
				value: 'imageToImage',
				action: 'Edit an image',
				description: 'Edit or restyle images from URLs with GPT Image 2',
			},
			{
				name: 'Text to Image',
				value: 'textToImage',
				action: 'Generate an image',
				description: 'Generate images from a prompt with GPT Image 2',
			},
		],
		default: 'textToImage',
	},
	...textToImage.description,
	...imageToImage.description,
];
