// The harness' own tests, against a throwaway compiled package (fixture.ts) and a local API it talks to.
// Runs (the package loaded, items, binary data, cancel, timeouts, waiting, errors, NodeTestHarness's
// workflow files) and credential tests; webhooks are in webhooks.test.ts. The set-up: fixture-testbed.ts.
import * as path from 'node:path';

import { NodeTestHarness, runWorkflow, startWorkflow, testCredential, userFolder } from './index';
import {
	fixtureDir,
	fixtureEvents,
	main,
	NODE,
	pkg,
	PNG,
	startNode,
	TRIGGER,
	useFixturePackage,
} from './fixture-testbed';

describe('n8n in-process harness', () => {
	useFixturePackage();

	it('loads the compiled package with n8n names and one shared n8n-workflow', () => {
		expect(pkg.packageName).toBe('n8n-nodes-fixture');
		expect(pkg.nodeTypes.packageNodeTypeNames.sort()).toEqual(
			[NODE, TRIGGER, 'n8n-nodes-fixture.fixtureBareTrigger'].sort(),
		);
		expect(pkg.credentialTypes.names.sort()).toEqual(['fixtureApi', 'fixtureFnApi']);
		expect(pkg.credentialTypes.getSupportedNodes('fixtureApi')).toEqual([NODE]);
		// the fixture's n8n-workflow is the very module instance n8n-core uses
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const fixtureWorkflow: unknown = require(path.join(fixtureDir, 'node_modules', 'n8n-workflow'));
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		expect(fixtureWorkflow).toBe(require('n8n-workflow'));
		expect(userFolder).toContain('n8n-harness-');
	});

	// Tests as data (node-test-harness.ts): each workflows/*.workflow.json holds a workflow and, as
	// pinData, the output its nodes must give. In the echo test, baseUrl and apiVersion of the
	// credential come from the type's defaults.
	const workflows = new NodeTestHarness({ dir: path.join(__dirname, 'workflows') });
	workflows.setupTests({
		workflowFiles: ['fixture-echo.workflow.json'],
		credentials: { fixtureApi: { apiKey: 'k1' } },
	});

	it('applies a function-style authenticate and takes items from the items option', async () => {
		const result = await runWorkflow({
			nodes: [
				startNode(),
				{
					name: 'Fixture',
					type: NODE,
					parameters: { operation: 'echo', authentication: 'fixtureFnApi' },
				},
			],
			connections: main('Start', 'Fixture'),
			credentials: { fixtureFnApi: { token: 't-1' } },
			items: [{ x: 'y' }],
		});
		expect(result.outputOf('Fixture')[0].json).toMatchObject({
			token: 't-1',
			received: { x: 'y' },
		});
	});

	it('stores binary data in filesystem mode and reads it back', async () => {
		const input = Buffer.from('input bytes');
		const result = await runWorkflow({
			nodes: [startNode(), { name: 'Fixture', type: NODE, parameters: { operation: 'binary' } }],
			connections: main('Start', 'Fixture'),
			credentials: { fixtureApi: { apiKey: 'k' } },
			items: [
				{
					json: { n: 1 },
					binary: { data: { data: input, mimeType: 'text/plain', fileName: 'in.txt' } },
				},
			],
		});
		expect(result.status).toBe('success');
		const item = result.outputOf('Fixture')[0];
		expect(item.json).toEqual({ size: PNG.length });
		expect(item.binary?.data).toMatchObject({
			mimeType: 'image/png',
			fileName: 'image.png',
			data: 'filesystem-v2',
		});
		expect(item.binary?.data.id).toMatch(/^filesystem-v2:/);
		expect((await result.binaryBuffer('Fixture', 0, 'data')).equals(PNG)).toBe(true);
		expect((await result.binaryBuffer('Start', 0)).equals(input)).toBe(true);
	});

	it('cancel() stops a sleeping node within 1 s through its cancel signal', async () => {
		const handle = await startWorkflow({
			nodes: [
				startNode(),
				{ name: 'Fixture', type: NODE, parameters: { operation: 'sleep', sleepMs: 20000 } },
			],
			connections: main('Start', 'Fixture'),
			credentials: { fixtureApi: { apiKey: 'k' } },
		});
		const deadline = Date.now() + 5000;
		while (!fixtureEvents().some((e) => e.type === 'sleep-start') && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 10));
		}
		const t0 = Date.now();
		handle.cancel();
		const result = await handle.promise;
		expect(Date.now() - t0).toBeLessThan(1000);
		expect(result.status).toBe('canceled');
		const aborted = fixtureEvents().find((e) => e.type === 'sleep-aborted');
		expect(aborted).toBeDefined();
	});

	it('cancel() aborts an HTTP request in flight (n8n passes the cancel signal to request helpers)', async () => {
		const handle = await startWorkflow({
			nodes: [
				startNode(),
				{ name: 'Fixture', type: NODE, parameters: { operation: 'slowRequest' } },
			],
			connections: main('Start', 'Fixture'),
			credentials: { fixtureApi: { apiKey: 'k' } },
		});
		const deadline = Date.now() + 5000;
		while (!fixtureEvents().some((e) => e.type === 'slow-start') && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 10));
		}
		await new Promise((r) => setTimeout(r, 50)); // let the request reach the server
		handle.cancel();
		const result = await handle.promise;
		expect(result.status).toBe('canceled');
		expect(fixtureEvents().find((e) => e.type === 'slow-end')?.afterMs).toBeLessThan(1000);
	});

	it('rejects when the safety timeout expires (and cancels the run)', async () => {
		const handle = await startWorkflow({
			nodes: [
				startNode(),
				{ name: 'Fixture', type: NODE, parameters: { operation: 'sleep', sleepMs: 20000 } },
			],
			connections: main('Start', 'Fixture'),
			credentials: { fixtureApi: { apiKey: 'k' } },
			timeoutMs: 300,
		});
		await expect(handle.promise).rejects.toThrow(/did not finish within 300 ms/);
	});

	it('reports an execution put to wait as waiting (resume itself is not simulated)', async () => {
		const result = await runWorkflow({
			nodes: [startNode(), { name: 'Fixture', type: NODE, parameters: { operation: 'wait' } }],
			connections: main('Start', 'Fixture'),
			credentials: { fixtureApi: { apiKey: 'k' } },
		});
		expect(result.status).toBe('waiting');
		expect(result.run.waitTill).toBeInstanceOf(Date);
		const { resumeUrl } = result.outputOf('Fixture')[0].json as { resumeUrl: string };
		expect(resumeUrl).toMatch(
			new RegExp(
				`^http://localhost:5678/webhook-waiting/${result.executionId}/[0-9a-f-]{36}\\?signature=`,
			),
		);
	});

	it('surfaces a NodeApiError in RunResult.error as n8n stores it', async () => {
		const result = await runWorkflow({
			nodes: [
				startNode(),
				{ name: 'Fixture', type: NODE, parameters: { operation: 'fail', failStatus: 500 } },
			],
			connections: main('Start', 'Fixture'),
			credentials: { fixtureApi: { apiKey: 'k' } },
		});
		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'The service was not able to process your request',
			httpCode: '500',
			node: expect.objectContaining({ name: 'Fixture' }),
		});
		expect(result.error?.description).toContain('boom from api');
		expect(result.nodeError('Fixture')).toMatchObject({ name: 'NodeApiError', httpCode: '500' });
		expect(result.lastNodeExecuted).toBe('Fixture');
	});

	workflows.setupTests({
		workflowFiles: ['fixture-continue-on-fail.workflow.json'],
		credentials: { fixtureApi: { apiKey: 'k' } },
	});

	it('NodeTestHarness fails a run whose output differs from the expected items, and checks an expected error', async () => {
		const echo = workflows.readWorkflowJSON('fixture-echo.workflow.json');
		echo.credentials = { fixtureApi: { apiKey: 'another key' } };
		await expect(workflows.runTest(echo)).rejects.toThrow(/Bearer k1/);

		const result = await workflows.runTest({
			description: 'no credential',
			input: { workflowData: echo.input.workflowData },
			output: { error: 'Node does not have any credentials set' },
		});
		expect(result.status).toBe('error');
	});

	it('surfaces a NodeOperationError with its description', async () => {
		const result = await runWorkflow({
			nodes: [startNode(), { name: 'Fixture', type: NODE, parameters: { operation: 'opError' } }],
			connections: main('Start', 'Fixture'),
			credentials: { fixtureApi: { apiKey: 'k' } },
		});
		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Bad input for item 0',
			description: 'The fixture always rejects this operation',
		});
	});

	it('fails like n8n when the node has no credential set', async () => {
		const result = await runWorkflow({
			nodes: [startNode(), { name: 'Fixture', type: NODE, parameters: { operation: 'echo' } }],
			connections: main('Start', 'Fixture'),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Node does not have any credentials set');
	});

	describe('credential test', () => {
		it('runs the declarative test request with authenticate applied (OK / Error / rules)', async () => {
			await expect(testCredential('fixtureApi', { apiKey: 'good' })).resolves.toEqual({
				status: 'OK',
				message: 'Connection successful!',
			});
			const bad = await testCredential('fixtureApi', { apiKey: 'nope' });
			expect(bad.status).toBe('Error');
			expect(bad.message).toMatch(/Unauthorized|401/);
			await expect(testCredential('fixtureApi', { apiKey: 'forbidden' })).resolves.toEqual({
				status: 'Error',
				message: 'Key is not allowed',
			});
			const unreachable = await testCredential('fixtureApi', {
				apiKey: 'good',
				baseUrl: 'http://127.0.0.1:1',
			});
			expect(unreachable).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
		});

		it("runs the node's testedBy method with n8n-core's CredentialTestContext", async () => {
			await expect(testCredential('fixtureFnApi', { token: 'good' })).resolves.toEqual({
				status: 'OK',
				message: 'Token accepted',
			});
			const bad = await testCredential('fixtureFnApi', { token: 'bad' });
			expect(bad.status).toBe('Error');
			expect(bad.message).toMatch(/^Token rejected/);
		});
	});
});
