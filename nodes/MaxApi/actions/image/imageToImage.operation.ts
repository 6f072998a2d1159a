import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { executeGeneration, generationProperties } from '../generate';

export const description = generationProperties('image', 'imageToImage');

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await executeGeneration(this, 'imageToImage');
}
