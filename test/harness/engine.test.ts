// The harness' own tests, against a throwaway compiled package (fixture.ts) and a local API it talks to.
// Longer than 400 lines on purpose: one file sets the package and the API up once for runs, workflow
// files (NodeTestHarness), credential tests and webhooks.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import {
	cleanupHarness,
	loadPackage,
	NodeTestHarness,
	runWebhook,
	runWorkflow,
	startWebhookServer,
	startWorkflow,
	testCredential,
	userFolder,
	type HarnessNode,
	type LoadedPackage,
} from './index';
import { removeFixturePackage, writeFixturePackage } from './fixture';

const NODE = 'n8n-nodes-fixture.fixture';
const TRIGGER = 'n8n-nodes-fixture.fixtureTrigger';
const PNG = Buffer.from(
	'89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
		'1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082',
	'hex',
);

type FixtureEvent = { type: string; afterMs?: number; url?: string };
const fixtureEvents = (): FixtureEvent[] =>
	((globalThis as Record<string, unknown>).__fixtureEvents as FixtureEvent[] | undefined) ?? [];

/** The API the fixture node talks to. */
function startApi(): Promise<{ server: http.Server; url: string }> {
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const json = (status: number, body: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			};
			const auth = req.headers.authorization;
			const token = url.searchParams.get('token');
			if (url.pathname === '/echo') {
				const raw = Buffer.concat(chunks).toString('utf8');
				json(200, {
					authorization: auth ?? null,
					apiVersion: req.headers['x-api-version'] ?? null,
					token,
					received: raw ? JSON.parse(raw) : null,
				});
			} else if (url.pathname === '/image') {
				res.writeHead(200, { 'content-type': 'image/png' });
				res.end(PNG);
			} else if (url.pathname === '/slow') {
				const timer = setTimeout(() => json(200, { late: true }), 10_000);
				res.on('close', () => clearTimeout(timer));
			} else if (url.pathname === '/fail') {
				json(Number(url.searchParams.get('status') ?? 500), { message: 'boom from api' });
			} else if (url.pathname === '/me') {
				if (auth === 'Bearer good' || token === 'good') json(200, { ok: true });
				else if (auth === 'Bearer forbidden') json(403, { message: 'forbidden' });
				else json(401, { message: 'unauthorized' });
			} else {
				json(404, { message: 'not found' });
			}
		});
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
		),
	);
}

/** Plain node:http POST (no keep-alive pool left behind). */
function post(
	url: string,
	body: string,
	headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method: 'POST', headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
			);
		});
		req.on('error', reject);
		req.end(body);
	});
}

const startNode = (items?: IDataObject[]): HarnessNode => ({
	name: 'Start',
	type: 'harness.start',
	parameters: items ? { items } : {},
});
const main = (from: string, to: string) => ({ [from]: { main: [[{ node: to, type: 'main' as const, index: 0 }]] } });

describe('n8n in-process harness', () => {
	let api: { server: http.Server; url: string };
	let fixtureDir: string;
	let pkg: LoadedPackage;

	beforeAll(async () => {
		api = await startApi();
		fixtureDir = writeFixturePackage(api.url);
		pkg = await loadPackage(fixtureDir);
	});

	afterAll(async () => {
		await new Promise((resolve) => api.server.close(resolve));
		removeFixturePackage(fixtureDir);
		cleanupHarness();
	});

	it('loads the compiled package with n8n names and one shared n8n-workflow', () => {
		expect(pkg.packageName).toBe('n8n-nodes-fixture');
		expect(pkg.nodeTypes.packageNodeTypeNames.sort()).toEqual(
			[NODE, TRIGGER, 'n8n-nodes-fixture.fixtureBareTrigger'].sort(),
		);
		expect(pkg.credentialTypes.names.sort()).toEqual(['fixtureApi', 'fixtureFnApi']);
		expect(pkg.credentialTypes.getSupportedNodes('fixtureApi')).toEqual([NODE]);
		// the fixture's n8n-workflow is the very module instance n8n-core uses
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		expect(require(path.join(fixtureDir, 'node_modules', 'n8n-workflow'))).toBe(require('n8n-workflow'));
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
				{ name: 'Fixture', type: NODE, parameters: { operation: 'echo', authentication: 'fixtureFnApi' } },
			],
			connections: main('Start', 'Fixture'),
			credentials: { fixtureFnApi: { token: 't-1' } },
			items: [{ x: 'y' }],
		});
		expect(result.outputOf('Fixture')[0].json).toMatchObject({ token: 't-1', received: { x: 'y' } });
	});

	it('stores binary data in filesystem mode and reads it back', async () => {
		const input = Buffer.from('input bytes');
		const result = await runWorkflow({
			nodes: [startNode(), { name: 'Fixture', type: NODE, parameters: { operation: 'binary' } }],
			connections: main('Start', 'Fixture'),
			credentials: { fixtureApi: { apiKey: 'k' } },
			items: [{ json: { n: 1 }, binary: { data: { data: input, mimeType: 'text/plain', fileName: 'in.txt' } } }],
		});
		expect(result.status).toBe('success');
		const item = result.outputOf('Fixture')[0];
		expect(item.json).toEqual({ size: PNG.length });
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'image.png', data: 'filesystem-v2' });
		expect(item.binary?.data.id).toMatch(/^filesystem-v2:/);
		expect((await result.binaryBuffer('Fixture', 0, 'data')).equals(PNG)).toBe(true);
		expect((await result.binaryBuffer('Start', 0)).equals(input)).toBe(true);
	});

	it('cancel() stops a sleeping node within 1 s through its cancel signal', async () => {
		const handle = await startWorkflow({
			nodes: [startNode(), { name: 'Fixture', type: NODE, parameters: { operation: 'sleep', sleepMs: 20000 } }],
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
			nodes: [startNode(), { name: 'Fixture', type: NODE, parameters: { operation: 'slowRequest' } }],
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
			nodes: [startNode(), { name: 'Fixture', type: NODE, parameters: { operation: 'sleep', sleepMs: 20000 } }],
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
			new RegExp(`^http://localhost:5678/webhook-waiting/${result.executionId}/[0-9a-f-]{36}\\?signature=`),
		);
	});

	it('surfaces a NodeApiError in RunResult.error as n8n stores it', async () => {
		const result = await runWorkflow({
			nodes: [startNode(), { name: 'Fixture', type: NODE, parameters: { operation: 'fail', failStatus: 500 } }],
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
			const unreachable = await testCredential('fixtureApi', { apiKey: 'good', baseUrl: 'http://127.0.0.1:1' });
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

	describe('webhooks', () => {
		it('receives a POST, answers like n8n and runs the rest of the workflow', async () => {
			const server = await startWebhookServer({
				nodes: [
					{ name: 'Trigger', type: TRIGGER, parameters: {} },
					{ name: 'Fixture', type: NODE, parameters: { operation: 'echo' } },
				],
				connections: main('Trigger', 'Fixture'),
				credentials: { fixtureApi: { apiKey: 'k-hook' } },
				nodeName: 'Trigger',
			});
			try {
				expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook\/[0-9a-f-]{36}\/fixture$/);
				expect(fixtureEvents().filter((e) => e.type === 'checkExists').pop()?.url).toBe(server.url);
				const response = await post(`${server.url}?q=1`, JSON.stringify({ taskId: 't1', ok: true }));
				expect(response.status).toBe(200);
				expect(JSON.parse(response.text)).toEqual({ message: 'Workflow was started' });
				const [run] = await server.waitForRuns(1);
				expect(run.status).toBe('success');
				expect(run.outputOf('Trigger')[0].json).toEqual({
					body: { taskId: 't1', ok: true },
					query: { q: '1' },
					rawBody: '{"taskId":"t1","ok":true}',
					contentType: 'application/json',
					webhookUrl: server.url,
				});
				expect(run.outputOf('Fixture')[0].json).toMatchObject({
					authorization: 'Bearer k-hook',
					received: { body: { taskId: 't1', ok: true } },
				});
			} finally {
				await server.close();
			}
			expect(fixtureEvents().some((e) => e.type === 'delete')).toBe(true);
		});

		it("lets the node answer itself (noWebhookResponse) and doesn't start a run", async () => {
			const server = await startWebhookServer({
				nodes: [{ name: 'Trigger', type: TRIGGER, parameters: { secret: 's3cret' } }],
				nodeName: 'Trigger',
			});
			try {
				const denied = await post(server.url, '{}');
				expect(denied.status).toBe(401);
				expect(JSON.parse(denied.text)).toEqual({ error: 'bad secret' });
				const allowed = await post(server.url, '{"a":1}', {
					'content-type': 'application/json',
					'x-fixture-secret': 's3cret',
				});
				expect(allowed.status).toBe(200);
				await server.waitForRuns(1);
				expect(server.runs).toHaveLength(1);
				expect(server.requests.map((r) => r.statusCode)).toEqual([401, 200]);
			} finally {
				await server.close();
			}
		});

		it('answers webhookResponse without a run, and 500 + failed run when webhook() throws', async () => {
			const ignoring = await startWebhookServer({
				nodes: [{ name: 'Trigger', type: TRIGGER, parameters: { behaviour: 'ignore' } }],
				nodeName: 'Trigger',
			});
			try {
				const response = await post(ignoring.url, '{}');
				expect(response.status).toBe(200);
				expect(JSON.parse(response.text)).toEqual({ ignored: true });
				expect(ignoring.runs).toHaveLength(0);
			} finally {
				await ignoring.close();
			}

			const throwing = await startWebhookServer({
				nodes: [{ name: 'Trigger', type: TRIGGER, parameters: { behaviour: 'throw' } }],
				nodeName: 'Trigger',
			});
			try {
				const response = await post(throwing.url, '{}');
				expect(response.status).toBe(500);
				expect(JSON.parse(response.text)).toMatchObject({
					message: 'Workflow Webhook Error: Workflow could not be started!',
				});
				const [run] = await throwing.waitForRuns(1);
				expect(run.status).toBe('error');
				expect(run.error).toMatchObject({ name: 'NodeOperationError', message: 'Trigger refused the call' });
			} finally {
				await throwing.close();
			}
		});

		it('reproduces n8n 2.41: without responseData in the description, onReceived answers "firstEntryJson"', async () => {
			const server = await startWebhookServer({
				nodes: [{ name: 'Bare', type: 'n8n-nodes-fixture.fixtureBareTrigger', parameters: {} }],
				nodeName: 'Bare',
			});
			try {
				const response = await post(server.url, '{"x":1}');
				expect(response.status).toBe(200);
				expect(response.text).toBe('firstEntryJson');
				const [run] = await server.waitForRuns(1);
				expect(run.outputOf('Bare')[0].json).toEqual({ body: { x: 1 } });
			} finally {
				await server.close();
			}
		});

		it('answers with the last node\'s first item in lastNode mode; serves test URLs in manual mode', async () => {
			const server = await startWebhookServer({
				nodes: [
					{ name: 'Trigger', type: TRIGGER, parameters: { responseMode: 'lastNode' } },
					{ name: 'Fixture', type: NODE, parameters: { operation: 'echo' } },
				],
				connections: main('Trigger', 'Fixture'),
				credentials: { fixtureApi: { apiKey: 'k-last' } },
				nodeName: 'Trigger',
				mode: 'manual',
			});
			try {
				expect(server.url).toContain('/webhook-test/');
				const response = await post(server.url, '{"n":1}');
				expect(response.status).toBe(200);
				expect(JSON.parse(response.text)).toMatchObject({ authorization: 'Bearer k-last' });
				const [run] = await server.waitForRuns(1);
				expect(run.run.mode).toBe('manual');
			} finally {
				await server.close();
			}
		});

		it('runWebhook() does one real request and returns the response and the run', async () => {
			const call = await runWebhook({
				nodes: [{ name: 'Trigger', type: TRIGGER, parameters: {} }],
				nodeName: 'Trigger',
				request: { body: 'a=1&b=two', headers: { 'content-type': 'application/x-www-form-urlencoded' }, query: { z: '9' } },
			});
			expect(call.statusCode).toBe(200);
			expect(call.json).toEqual({ message: 'Workflow was started' });
			expect(call.run?.outputOf('Trigger')[0].json).toMatchObject({
				body: { a: '1', b: 'two' },
				query: { z: '9' },
				rawBody: 'a=1&b=two',
			});
		});

		it('refuses response modes it does not re-create, saying so', async () => {
			const server = await startWebhookServer({
				nodes: [{ name: 'Trigger', type: TRIGGER, parameters: { responseMode: 'responseNode' } }],
				nodeName: 'Trigger',
			});
			try {
				const response = await post(server.url, '{}');
				expect(response.status).toBe(500);
				expect(JSON.parse(response.text)).toMatchObject({
					message: "The webhook response mode 'responseNode' is not supported by the test harness",
				});
				expect(server.runs).toHaveLength(0);
			} finally {
				await server.close();
			}
		});

		it('answers 404 for unknown paths', async () => {
			const server = await startWebhookServer({
				nodes: [{ name: 'Trigger', type: TRIGGER, parameters: {} }],
				nodeName: 'Trigger',
			});
			try {
				const response = await post(`${server.baseUrl}webhook/nope`, '{}');
				expect(response.status).toBe(404);
			} finally {
				await server.close();
			}
		});
	});
});
