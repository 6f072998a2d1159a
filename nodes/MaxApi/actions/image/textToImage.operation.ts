import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { MODELS } from '../../../shared/api';
import { executeGeneration, generationFields } from './generate';

export const description: INodeProperties[] = generationFields(
	'textToImage',
	'What to draw, in words',
	'Let the model choose',
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await executeGeneration(this, MODELS.textToImage);
}
