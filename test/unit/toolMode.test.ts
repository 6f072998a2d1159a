// The node as an AI Agent tool, without n8n running: the fields the model fills by default (read the
// way n8n reads them: its own parameter resolution with the tool's type name, its own $fromAI parser),
// and what the tool hands the model. The real Agent runs in test/e2e/agent.e2e.test.ts.
import {
	extractFromAICalls,
	NodeHelpers,
	type INodeParameters,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { fromAi, isToolMode, toolResultJson } from '../../nodes/MaxApi/helpers/toolMode';
import { MaxApi } from '../../nodes/MaxApi/MaxApi.node';

const base = new MaxApi().description;

/** The node's parameters with their defaults, as n8n resolves them for the node or its tool variant. */
function parameters(tool: boolean, set: INodeParameters): INodeParameters {
	// n8n names the tool variant `<package>.<name>Tool`; `@tool` conditions read that name.
	const description: INodeTypeDescription = {
		...base,
		name: `n8n-nodes-maxapi.maxApi${tool ? 'Tool' : ''}`,
	};
	const node = {
		id: '1',
		name: 'Max API',
		type: description.name,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: set,
	};
	return NodeHelpers.getNodeParameters(
		description.properties,
		set,
		true,
		false,
		node,
		description,
	)!;
}

/** The $fromAI calls among the parameters, as n8n finds them to build the tool's schema. */
function fromAiCalls(values: INodeParameters) {
	return Object.values(values)
		.filter((value): value is string => typeof value === 'string')
		.flatMap((value) => extractFromAICalls(value))
		.map(({ key, type, defaultValue }) => ({ key, type, defaultValue }));
}

const OPERATIONS: INodeParameters[] = [
	{ resource: 'image', operation: 'textToImage' },
	{ resource: 'image', operation: 'imageToImage' },
	{ resource: 'image', operation: 'imageToImage', model: 'nano-banana' },
	{ resource: 'video', operation: 'textToVideo' },
	{ resource: 'video', operation: 'textToVideo', model: 'veo3_fast' },
	{ resource: 'video', operation: 'imageToVideo', model: 'seedance-2.0' },
	{ resource: 'task', operation: 'get' },
	{ resource: 'task', operation: 'cancel' },
	{ resource: 'task', operation: 'create' },
];

describe('fields the model fills by default', () => {
	it.each(OPERATIONS)('outside the tool nothing changes: no $fromAI default in %o', (set) => {
		expect(fromAiCalls(parameters(false, set))).toEqual([]);
	});

	it('Text to Image: the prompt (required) and the ratio (auto when the model says nothing); resolution and n stay fixed', () => {
		const values = parameters(true, OPERATIONS[0]);
		expect(fromAiCalls(values)).toEqual([
			{ key: 'prompt', type: 'string', defaultValue: undefined },
			{ key: 'ratio', type: 'string', defaultValue: 'auto' },
		]);
		// Resolution stays at the panel's Default, which sends GPT Image 2's documented 1k.
		expect(values).toMatchObject({
			model: 'gpt-image-2/text-to-image',
			resolution: 'auto',
			n: 1,
			waitForCompletion: true,
		});
		// The same parameter names as outside the tool, but Wait Mode: a tool call cannot pause the agent's
		// execution, so the tool always polls.
		const outside = Object.keys(parameters(false, { ...OPERATIONS[0], waitForCompletion: true }));
		expect(outside).toContain('waitMode');
		expect(Object.keys(values).sort()).toEqual(
			outside.filter((name) => name !== 'waitMode').sort(),
		);
	});

	it('Image to Image and Image to Video: the source URLs too', () => {
		expect(fromAiCalls(parameters(true, OPERATIONS[2])).map((call) => call.key)).toEqual([
			'prompt',
			'imageUrls',
			'ratio',
		]);
		expect(fromAiCalls(parameters(true, OPERATIONS[5])).map((call) => call.key)).toEqual([
			'prompt',
			'mediaUrls',
			'ratio',
		]);
	});

	it("Veo's ratio falls back to its documented 16:9; its duration and resolution stay fixed", () => {
		const values = parameters(true, OPERATIONS[4]);
		expect(fromAiCalls(values)).toEqual([
			{ key: 'prompt', type: 'string', defaultValue: undefined },
			{ key: 'ratio', type: 'string', defaultValue: '16:9' },
		]);
		// Duration stays at the panel's Default, which sends Veo's documented 8 s.
		expect(values).toMatchObject({ duration: 'auto', resolution: 'auto' });
	});

	it('Get and Cancel: the task id; Create (any model) stays as the user writes it', () => {
		expect(fromAiCalls(parameters(true, OPERATIONS[6]))).toEqual([
			{ key: 'taskId', type: 'string', defaultValue: undefined },
		]);
		expect(fromAiCalls(parameters(true, OPERATIONS[7]))).toEqual([
			{ key: 'taskId', type: 'string', defaultValue: undefined },
		]);
		expect(fromAiCalls(parameters(true, OPERATIONS[8]))).toEqual([]);
	});

	it('no notice about a ratio value shows in the tool, where the ratio is an expression', () => {
		for (const set of OPERATIONS)
			expect(Object.keys(parameters(true, set)).filter((name) => /Notice\d/.test(name))).toEqual(
				[],
			);
		// outside the tool they work as before: Nano Banana takes 16:9 and 9:16 only
		expect(Object.keys(parameters(false, { ...OPERATIONS[2], ratio: '1:1' }))).toContainEqual(
			expect.stringMatching(/^ratioNotice\d+$/),
		);
	});

	it('a model chosen by expression does not bring other operations’ $fromAI fields into the tool', () => {
		const keys = fromAiCalls(
			parameters(true, { ...OPERATIONS[0], model: '={{ $json.model }}' }),
		).map((call) => call.key);
		expect(keys).not.toContain('imageUrls');
		expect(keys).not.toContain('mediaUrls');
		expect(keys).toContain('prompt');
	});

	it('fromAi writes what n8n parses back, quotes and backticks included', () => {
		const [call] = extractFromAICalls(
			fromAi('prompt', 'Say `hi` and "bye", it\'s fine', 'string', "it's"),
		);
		expect(call).toEqual({
			key: 'prompt',
			description: 'Say `hi` and "bye", it\'s fine',
			type: 'string',
			defaultValue: "it's",
		});
	});
});

describe('what the tool hands the model', () => {
	const success = {
		taskId: 't1',
		status: 'SUCCESS',
		model: 'gpt-image-2/text-to-image',
		mediaType: 'image',
		urls: ['https://cdn.example/t1/image-0.png'],
		failureReason: null,
		prompt: 'a very long prompt …',
		ratio: '16:9',
		resolution: '1k',
		n: 1,
		costUsd: 0.02,
		createdAt: '2026-01-01T00:00:00Z',
		updatedAt: '2026-01-01T00:00:10Z',
	};

	it('a finished task: id, status, model, media type, URLs and cost only', () => {
		expect(toolResultJson(success)).toEqual({
			taskId: 't1',
			status: 'SUCCESS',
			model: 'gpt-image-2/text-to-image',
			mediaType: 'image',
			urls: ['https://cdn.example/t1/image-0.png'],
			costUsd: 0.02,
		});
	});

	it('a task that ended without results: the reason and what to do', () => {
		const json = toolResultJson({
			...success,
			status: 'FAILURE',
			urls: [],
			costUsd: 0,
			failureReason: 'INSUFFICIENT_POINTS',
			explanation: 'Your Max API balance is too low. Recharge your account, then run again.',
			error: 'Max API task t1 ended with FAILURE (INSUFFICIENT_POINTS)',
			errorDescription: '…',
		});
		expect(json).toEqual({
			taskId: 't1',
			status: 'FAILURE',
			model: 'gpt-image-2/text-to-image',
			mediaType: 'image',
			urls: [],
			costUsd: 0,
			failureReason: 'INSUFFICIENT_POINTS',
			error: 'Your Max API balance is too low. Recharge your account, then run again.',
		});
	});

	it('a task still running: no cost yet, and how to follow it', () => {
		const json = toolResultJson({ ...success, status: 'PENDING', urls: [], costUsd: 0 });
		expect(json).not.toHaveProperty('costUsd');
		expect(json.note).toMatch(/Get the task again later by its taskId/);
	});

	it('SUCCESS without URLs: the error and its explanation', () => {
		const json = toolResultJson({
			...success,
			urls: [],
			error: 'no image URLs',
			errorDescription: 'Run Get Task later.',
		});
		expect(json.error).toBe('no image URLs. Run Get Task later.');
	});

	it('tool mode is told by the node type n8n generates', () => {
		expect(isToolMode({ getNode: () => ({ type: 'n8n-nodes-maxapi.maxApiTool' }) } as never)).toBe(
			true,
		);
		expect(isToolMode({ getNode: () => ({ type: 'n8n-nodes-maxapi.maxApi' }) } as never)).toBe(
			false,
		);
	});
});
