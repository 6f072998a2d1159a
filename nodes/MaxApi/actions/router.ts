import {
	NodeApiError,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { errorForModel, isToolMode, toolResultItems } from '../helpers/toolMode';

import * as image from './image';
import * as task from './task';
import * as video from './video';

type Execute = (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;

/** Every operation of every resource, typed by the operation tables: a missing executor does not compile. */
const executors: {
	image: Record<keyof typeof image.operations, Execute>;
	video: Record<keyof typeof video.operations, Execute>;
	task: Record<keyof typeof task.operations, Execute>;
} = {
	image: { textToImage: image.textToImage.execute, imageToImage: image.imageToImage.execute },
	video: { textToVideo: video.textToVideo.execute, imageToVideo: video.imageToVideo.execute },
	task: { get: task.get.execute, cancel: task.cancel.execute, create: task.create.execute },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = (executors as Record<string, Record<string, Execute | undefined> | undefined>)[
		resource
	]?.[operation];
	if (!execute) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	if (!isToolMode(this)) return [await execute.call(this)];
	// As an AI Agent tool: the model gets a compact result per task, and errors it can act on.
	try {
		return [toolResultItems(await execute.call(this))];
	} catch (error) {
		throw error instanceof NodeApiError || error instanceof NodeOperationError
			? errorForModel(error)
			: error;
	}
}
