// What every generation operation (text/image to image/video) does with an item: pick the catalog
// model, check and build its `input`, and make the submit job. The operations differ only in which
// models they offer, which the catalog says.
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { InvalidParameter } from '../../shared/invalidParameter';
import {
	DEFAULT_MODEL,
	findModel,
	modelsFor,
	type GenerationOperation,
	type ModelSpec,
} from '../../shared/models';
import { buildModelInput, fieldDefault } from '../../shared/models/input';
import type { MaxApiClient } from '../../shared/transport/client';
import { modelFieldProperties } from '../descriptions/modelFields';
import { jobSettings, optionsCollection, readTaskOptions } from '../descriptions/taskOptions';
import { imageSourceProperties, readImageSource } from '../descriptions/imageSource';
import { waitModeProperties } from '../descriptions/waitMode';
import { readServedFiles, type ServedFiles, type ServedJob } from '../pause/servedFileJobs';
import type { TaskJob } from '../helpers/taskBatch';
import { submitBody } from '../helpers/submitBody';
import { executeTasks } from './executeTasks';

/** The operations that take source files: their files may come from URLs or binary data (Image Source). */
const TAKES_SOURCE_FILES: readonly GenerationOperation[] = ['imageToImage', 'imageToVideo'];

const RESULT_WORDS: Record<GenerationOperation, string> = {
	textToImage: 'images',
	imageToImage: 'images',
	textToVideo: 'video',
	imageToVideo: 'video',
};

/** Every field of a generation operation, shown for `resource` and `operation`. */
export function generationProperties(
	resource: 'image' | 'video',
	operation: GenerationOperation,
): INodeProperties[] {
	const waitForCompletion: INodeProperties = {
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description: `Whether to wait until the ${RESULT_WORDS[operation]} are ready and output them. Off: output the task ID at once (use Get Task or a Max API Trigger later).`,
	};
	return updateDisplayOptions({ show: { resource: [resource], operation: [operation] } }, [
		// Before the URL fields, whose display depends on it.
		...(TAKES_SOURCE_FILES.includes(operation) ? imageSourceProperties : []),
		...modelFieldProperties(operation),
		waitForCompletion,
		...waitModeProperties,
		optionsCollection(true),
	]);
}

/** The item's model: the chosen (or expression-given) id, which must be one of the operation's. */
export function readModel(
	ctx: IExecuteFunctions,
	itemIndex: number,
	operation: GenerationOperation,
): ModelSpec {
	const id = ctx.getNodeParameter('model', itemIndex, DEFAULT_MODEL[operation]);
	const model = findModel(id, operation);
	if (!model) {
		const known = modelsFor(operation).map((candidate) => candidate.id);
		throw new InvalidParameter(
			'Model',
			`"${String(id).slice(0, 100)}" is not a model of this operation`,
			`Use one of ${known.join(', ')}; for any other Max API model id, use the Task resource's Create operation.`,
		);
	}
	return model;
}

/** Reads and validates one item's parameters into a submit job; throws InvalidParameter. */
function readGenerationJob(
	ctx: IExecuteFunctions,
	itemIndex: number,
	operation: GenerationOperation,
	client: MaxApiClient,
): TaskJob {
	const model = readModel(ctx, itemIndex, operation);
	const options = readTaskOptions(ctx, itemIndex);
	const fromBinary =
		TAKES_SOURCE_FILES.includes(operation) && readImageSource(ctx, itemIndex) === 'binary';
	let servedFiles: ServedFiles | undefined;
	// A field hidden from the panel reads as its start value, which is the same for every model.
	const input = buildModelInput(model, ctx.getNodeParameter('prompt', itemIndex), (field) => {
		if (fromBinary && field.kind === 'urls') {
			const { urls, served } = readServedFiles(ctx, itemIndex, model, field);
			servedFiles = served;
			return urls;
		}
		return ctx.getNodeParameter(field.key, itemIndex, fieldDefault(field));
	});
	const submit = submitBody(model.id, input, options, client);
	const settings = jobSettings(ctx, itemIndex, options, model.timing);
	if (servedFiles && !settings.wait) {
		// The files are served only while the execution waits for the task.
		throw new InvalidParameter(
			'Wait for Completion',
			'Image Source "Binary Data" needs Wait for Completion: this n8n serves the files to Max API while the run waits for its task',
			'Turn on Wait for Completion, or set Image Source to URLs.',
			model.name,
		);
	}
	const job: ServedJob = {
		itemIndex,
		submit,
		...settings,
		...(servedFiles ? { servedFiles } : {}),
	};
	return job;
}

export async function executeGeneration(
	ctx: IExecuteFunctions,
	operation: GenerationOperation,
): Promise<INodeExecutionData[]> {
	return await executeTasks(ctx, (itemIndex, client) =>
		readGenerationJob(ctx, itemIndex, operation, client),
	);
}
