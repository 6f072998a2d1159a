// The Image Source field of the operations that take source files (Image to Image, Image to Video):
// URLs the user gives (as before: the default, so saved workflows keep working), or the item's binary
// data, which the waiting execution serves to Max API itself (see pause/serveInputFile.ts).
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InvalidParameter } from '../../shared/invalidParameter';
import { INPUT_BINARY_FIELDS } from '../helpers/binarySources';
import { NOT_AS_TOOL } from '../helpers/toolMode';

export const IMAGE_SOURCES = ['url', 'binary'] as const;
export type ImageSource = (typeof IMAGE_SOURCES)[number];

/** The two fields; the operation's file sets where they show (updateDisplayOptions). */
export const imageSourceProperties: INodeProperties[] = [
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		// An AI Agent tool gives URLs: a tool call cannot pause, and serving files needs a pause.
		displayOptions: NOT_AS_TOOL,
		options: [
			{
				name: 'URLs',
				value: 'url',
				description: 'Public URLs of the files, which Max API downloads',
			},
			{
				name: 'Binary Data',
				value: 'binary',
				description:
					'Files of the input item (a form upload, a download, Read Files…). This n8n serves them to Max API from the paused execution, at signed links that die with it: no storage service needed. The run pauses until Max API calls back, so n8n must be reachable from Max API (WEBHOOK_URL).',
			},
		],
		default: 'url',
		description: 'Where the source files come from',
	},
	{
		displayName: INPUT_BINARY_FIELDS,
		name: 'inputBinaryFields',
		type: 'string',
		default: 'data',
		placeholder: 'data, data_1',
		displayOptions: { show: { imageSource: ['binary'] } },
		description:
			'Names of the binary fields holding the files, separated by commas, in order (e.g. the first and last frame for Veo)',
	},
];

export function readImageSource(ctx: IExecuteFunctions, itemIndex: number): ImageSource {
	const value = ctx.getNodeParameter('imageSource', itemIndex, 'url');
	if (value === 'url' || value === 'binary') return value;
	throw new InvalidParameter(
		'Image Source',
		`Image Source must be url or binary, not ${JSON.stringify(value)}`,
		'Choose URLs or Binary Data.',
	);
}
