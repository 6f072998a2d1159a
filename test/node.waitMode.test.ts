// Wait Mode inside n8n's engine: which runs pause and what a paused run leaves behind. Resuming needs
// n8n's server (its waiting webhooks): that part runs in test/e2e/pause.e2e.test.ts.
import { NodeHelpers, type INodeParameters } from 'n8n-workflow';

import { MaxApi } from '../nodes/MaxApi/MaxApi.node';
import { NODE_NAME, runMaxApi, useApiProxy, useTestbed } from './support/maxApi';

const bed = useTestbed({ latencyMs: 200 });
const proxy = useApiProxy(bed);

const VIDEO = {
	resource: 'video',
	operation: 'textToVideo',
	model: 'veo3_fast',
	prompt: 'waves',
	options: { expectedDuration: 0.2 },
};
const IMAGE = {
	resource: 'image',
	operation: 'textToImage',
	prompt: 'a fox',
	options: { expectedDuration: 0.2 },
};

const run = async (parameters: INodeParameters, items = 1) =>
	await runMaxApi(bed, {
		credentials: { maxApi: { apiKey: bed.emu.apiKey, baseUrl: proxy.url } },
		parameters,
		items: Array.from({ length: items }, () => ({})),
	});

describe('Wait Mode', () => {
	it('starts at Poll in node version 1 (saved workflows keep polling) and at Auto in 1.1', () => {
		const description = new MaxApi().description;
		const defaults = (typeVersion: number) => {
			const node = {
				id: '1',
				name: NODE_NAME,
				type: 'n8n-nodes-maxapi.maxApi',
				typeVersion,
				position: [0, 0] as [number, number],
				parameters: {},
			};
			return NodeHelpers.getNodeParameters(
				description.properties,
				VIDEO as INodeParameters,
				true,
				false,
				node,
				description,
			)!;
		};
		expect(defaults(1).waitMode).toBe('poll');
		expect(defaults(1.1).waitMode).toBe('auto');
	});

	it('Auto pauses a video batch when the API can call back: each task gets the resume URL, the execution waits', async () => {
		// A short Timeout: the paused run's own deadline check (a timer in this process) is then soon over.
		const result = await run(
			{ ...VIDEO, waitMode: 'auto', options: { ...VIDEO.options, timeout: 1 } },
			2,
		);
		expect(result.status).toBe('waiting');
		expect(proxy.submits).toHaveLength(2);
		for (const submit of proxy.submits as Array<{ callBackUrl?: string }>) {
			expect(submit.callBackUrl).toMatch(
				new RegExp(`/webhook-waiting/${result.executionId}\\?signature=`),
			);
		}
		// While it waits, each item reads as its task's timeout: the id, and what to do.
		const items = result.outputOf(NODE_NAME);
		expect(items.map((item) => item.json.status)).toEqual(['UNKNOWN', 'UNKNOWN']);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of items)
			expect(item.json.errorDescription).toContain(`Task ID ${String(item.json.taskId)}`);
	});

	it('Auto polls images, and Poll polls video', async () => {
		for (const parameters of [
			{ ...IMAGE, waitMode: 'auto' },
			{ ...VIDEO, waitMode: 'poll' },
		]) {
			proxy.submits.splice(0);
			const result = await run(parameters);
			expect(result.status).toBe('success');
			expect(result.outputOf(NODE_NAME)[0].json.status).toBe('SUCCESS');
			expect(proxy.submits[0]).not.toHaveProperty('callBackUrl');
		}
	});

	it('Pause with a Callback URL option is an error naming Wait Mode, before anything is submitted', async () => {
		const result = await run({
			...IMAGE,
			waitMode: 'pause',
			options: { callbackUrl: 'https://example.com/hook' },
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/Invalid "Wait Mode" in item 0: Pause Until Callback and the Callback URL option/,
		);
		expect(result.error?.description).toMatch(/Nothing was sent to Max API/);
		expect(proxy.submits).toHaveLength(0);
	});
});
