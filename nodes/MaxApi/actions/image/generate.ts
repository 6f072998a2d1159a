// What Text to Image and Image to Image share: the generation fields and how an item becomes a
// submit request. The two operations differ only in the model and the source images.
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { MAX_IMAGES, MIN_IMAGES, RATIOS, type Model, type SubmitBody } from '../../../shared/api';
import { withCallbackToken } from '../../../shared/callback';
import type { MaxApiClient } from '../../../shared/transport';
import { jobSettings, optionsCollection, readTaskOptions } from '../../descriptions/taskOptions';
import type { TaskJob } from '../../helpers/taskBatch';
import { executeTasks } from '../executeTasks';
import {
	validateCallbackUrl,
	validateImageCount,
	validatePrompt,
	validateRatio,
	validateResolution,
} from '../../helpers/validation';

const RATIO_LABELS: Record<string, string> = {
	'1:1': 'Square',
	'16:9': 'Landscape',
	'9:16': 'Portrait',
	'21:9': 'Ultra-Wide',
	'9:21': 'Ultra-Tall',
};

/**
 * Generation fields, shown for `operation`: the prompt (`promptDescription` says what it means there),
 * `sourceFields` right after it, then ratio, resolution, count, waiting and options.
 */
export function generationFields(
	operation: string,
	promptDescription: string,
	autoRatioMeaning: string,
	sourceFields: INodeProperties[] = [],
): INodeProperties[] {
	const show = { displayOptions: { show: { resource: ['image'], operation: [operation] } } };
	return [
		{
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			typeOptions: { rows: 4 },
			required: true,
			default: '',
			placeholder: 'e.g. A crow running down a neon-lit street',
			description: promptDescription,
			...show,
		},
		...sourceFields.map((field) => ({ ...field, ...show })),
		{
			displayName: 'Aspect Ratio',
			name: 'ratio',
			type: 'options',
			default: 'auto',
			options: [
				{ name: 'Auto', value: 'auto', description: autoRatioMeaning },
				...RATIOS.map((ratio) => ({
					name: RATIO_LABELS[ratio] ? `${ratio} (${RATIO_LABELS[ratio]})` : ratio,
					value: ratio,
				})),
			],
			...show,
		},
		{
			displayName: 'Resolution',
			name: 'resolution',
			type: 'options',
			default: '1k',
			options: [
				{ name: '1K ($0.02 per Image)', value: '1k' },
				{ name: '2K ($0.04 per Image)', value: '2k' },
				{ name: '4K ($0.06 per Image)', value: '4k', description: 'Only with ratios 16:9, 9:16, 2:1, 1:2, 21:9 or 9:21' },
			],
			...show,
		},
		{
			displayName: 'Number of Images',
			name: 'n',
			type: 'number',
			typeOptions: { minValue: MIN_IMAGES, maxValue: MAX_IMAGES, numberPrecision: 0 },
			default: 1,
			description: 'How many images the task makes; the task costs this many times the price per image',
			...show,
		},
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait until the images are ready and output them. Off: output the task ID at once (use Get Task or a Max API Trigger later).',
			...show,
		},
		optionsCollection(true, [operation]),
	];
}

/** Reads and validates one item's generation parameters into a job; throws InvalidParameter. */
function readGenerationJob(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: Model,
	client: MaxApiClient,
	readImageUrls?: (itemIndex: number) => string[],
): TaskJob {
	const options = readTaskOptions(ctx, itemIndex);
	const prompt = validatePrompt(ctx.getNodeParameter('prompt', itemIndex));
	const imageUrls = readImageUrls?.(itemIndex);
	const ratio = validateRatio(ctx.getNodeParameter('ratio', itemIndex));
	const resolution = validateResolution(ctx.getNodeParameter('resolution', itemIndex), ratio);
	const n = validateImageCount(ctx.getNodeParameter('n', itemIndex));
	const callbackUrl = validateCallbackUrl(options.callbackUrl, client.isPublicApi);
	const callBackUrl = callbackUrl && withCallbackToken(callbackUrl, client.callbackToken);
	const settings = jobSettings(ctx, itemIndex, options);

	const submit: SubmitBody = {
		model,
		...(callBackUrl ? { callBackUrl } : {}),
		...(options.userId ? { user_id: String(options.userId) } : {}),
		input: { prompt, ...(imageUrls ? { imageUrls } : {}), ...(ratio ? { ratio } : {}), resolution, n },
	};
	return { itemIndex, submit, ...settings };
}

export async function executeGeneration(
	ctx: IExecuteFunctions,
	model: Model,
	readImageUrls?: (itemIndex: number) => string[],
): Promise<INodeExecutionData[]> {
	return await executeTasks(ctx, (itemIndex, client) => readGenerationJob(ctx, itemIndex, model, client, readImageUrls));
}
