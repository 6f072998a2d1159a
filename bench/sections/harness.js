'use strict';
// The in-process n8n engine (test/harness/engine.ts, transpiled on the fly) with the compiled package.
const path = require('path');
const { REPO } = require('../lib/ts-require');
const { register } = require('../lib/cleanup');

let loaded;

async function loadHarness(ctx) {
	if (loaded) return loaded;
	const harness = require(path.join(REPO, 'test', 'harness', 'engine.ts'));
	register('harness temp folder', async () => harness.cleanupHarness());
	const pkg = await harness.loadPackage(ctx.packageDir);
	loaded = { harness, pkg };
	return loaded;
}

const NODE_TYPE = 'n8n-nodes-maxapi.maxApi';
const TRIGGER_TYPE = 'n8n-nodes-maxapi.maxApiTrigger';
const CREDENTIAL_REF = { maxApi: { id: '1', name: 'Max API account' } };

/**
 * Start → Max API (Text to Image, GPT Image 2 by default) workflow spec for the harness.
 * `expectedSeconds` sets the node's Expected Duration option: how long the user tells the node its tasks
 * take. Left out, the node waits by the catalog's usual time of the model (GPT Image 2: 15 s).
 */
function maxApiWorkflow({
	pkg,
	emu,
	prompts,
	parameters = {},
	options = {},
	expectedSeconds,
	timeoutMs,
}) {
	if (expectedSeconds !== undefined) options = { ...options, expectedDuration: expectedSeconds };
	return {
		pkg,
		credentials: { maxApi: { apiKey: emu.apiKey, baseUrl: emu.url } },
		items: prompts.map((prompt) => ({ prompt })),
		timeoutMs,
		nodes: [
			{ name: 'Start', type: 'harness.start' },
			{
				name: 'Max API',
				type: NODE_TYPE,
				parameters: {
					resource: 'image',
					operation: 'textToImage',
					prompt: '={{ $json.prompt }}',
					ratio: '1:1',
					...parameters,
					options,
				},
				credentials: CREDENTIAL_REF,
			},
		],
		connections: { Start: { main: [[{ node: 'Max API', type: 'main', index: 0 }]] } },
	};
}

module.exports = { loadHarness, maxApiWorkflow, NODE_TYPE, TRIGGER_TYPE, CREDENTIAL_REF };
