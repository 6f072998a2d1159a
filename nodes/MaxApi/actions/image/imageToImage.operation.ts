import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { MODELS } from '../../../shared/api';
import { parseImageUrls } from '../../helpers/validation';
import { executeGeneration, generationFields } from './generate';

const imageUrlsField: INodeProperties = {
	displayName: 'Image URLs',
	name: 'imageUrls',
	type: 'string',
	typeOptions: { rows: 2 },
	required: true,
	default: '',
	placeholder: 'https://example.com/source.jpg',
	description:
		'Public URL of the image to edit. Several: one per line or separated by commas, or an expression that returns an array of URLs.',
};

export const description: INodeProperties[] = generationFields(
	'imageToImage',
	'The edit to make, e.g. "Restyle the subject in cyberpunk aesthetic"',
	'Follow the input image',
	[imageUrlsField],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await executeGeneration(this, MODELS.imageToImage, (itemIndex) =>
		parseImageUrls(this.getNodeParameter('imageUrls', itemIndex)),
	);
}
