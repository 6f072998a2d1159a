// The panel's notices, evaluated the way n8n decides what to show (n8n-workflow's displayParameter).
import { NodeHelpers, type INodeParameters, type INodeProperties } from 'n8n-workflow';

import { MaxApi } from '../../nodes/MaxApi/MaxApi.node';

const properties = new MaxApi().description.properties;

/** The texts of the notices shown for these parameter values. */
function notices(parameters: INodeParameters): string[] {
	return properties
		.filter(
			(property: INodeProperties) =>
				property.type === 'notice' &&
				NodeHelpers.displayParameter(parameters, property, null, null),
		)
		.map((property) => property.displayName);
}

const modelNotice = 'This model does not serve this operation: choose one from the Model list.';

describe('panel notices', () => {
	it("Model still holding another operation's model (n8n keeps it when the Resource changes)", () => {
		expect(
			notices({ resource: 'video', operation: 'textToVideo', model: 'seedream-4.5' }),
		).toContain(modelNotice);
		expect(
			notices({ resource: 'image', operation: 'imageToImage', model: 'gpt-image-2/text-to-image' }),
		).toContain(modelNotice);
		expect(
			notices({ resource: 'video', operation: 'textToVideo', model: 'veo3_fast' }),
		).not.toContain(modelNotice);
		expect(
			notices({ resource: 'image', operation: 'imageToImage', model: 'seedream-4.5' }),
		).not.toContain(modelNotice);
		// From an expression the model is not known in the panel.
		expect(
			notices({ resource: 'video', operation: 'textToVideo', model: '={{ $json.model }}' }),
		).not.toContain(modelNotice);
	});

	it('GPT Image 2 at 4k with a ratio the docs forbid, and a ratio the chosen model lacks', () => {
		const gpt = {
			resource: 'image',
			operation: 'textToImage',
			model: 'gpt-image-2/text-to-image',
			resolution: '4k',
		};
		expect(notices({ ...gpt, ratio: 'auto' }).join('\n')).toContain('GPT Image 2 makes 4k only');
		expect(notices({ ...gpt, ratio: '16:9' }).join('\n')).not.toContain(
			'GPT Image 2 makes 4k only',
		);
		const nano = { resource: 'image', operation: 'textToImage', model: 'nano-banana' };
		expect(notices({ ...nano, ratio: '1:1' }).join('\n')).toContain(
			'Nano Banana takes Aspect Ratio 16:9, 9:16 only',
		);
		expect(notices({ ...nano, ratio: '9:16' }).join('\n')).not.toContain('Nano Banana takes');
	});
});
