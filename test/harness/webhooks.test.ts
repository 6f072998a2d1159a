// The harness' own tests of webhooks (startWebhookServer, runWebhook), against the throwaway compiled
// package (fixture.ts) and its local API; the set-up is fixture-testbed.ts.
import * as http from 'node:http';

import { runWebhook, startWebhookServer } from './index';
import { fixtureEvents, main, NODE, TRIGGER, useFixturePackage } from './fixture-testbed';

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
				resolve({
					status: res.statusCode ?? 0,
					text: Buffer.concat(chunks).toString('utf8'),
					headers: res.headers,
				}),
			);
		});
		req.on('error', reject);
		req.end(body);
	});
}

describe('n8n in-process harness', () => {
	useFixturePackage();

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
				expect(
					fixtureEvents()
						.filter((e) => e.type === 'checkExists')
						.pop()?.url,
				).toBe(server.url);
				const response = await post(
					`${server.url}?q=1`,
					JSON.stringify({ taskId: 't1', ok: true }),
				);
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
				expect(run.error).toMatchObject({
					name: 'NodeOperationError',
					message: 'Trigger refused the call',
				});
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

		it("answers with the last node's first item in lastNode mode; serves test URLs in manual mode", async () => {
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
				request: {
					body: 'a=1&b=two',
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					query: { z: '9' },
				},
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
