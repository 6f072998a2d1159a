// Reliability table 3: attacks on the Max API Trigger's callback URL. Each row starts the trigger's
// production webhook (n8n's WebhookContext inside the harness' HTTP server, see test/harness), makes a
// real task at the emulator when it needs one, sends the row's request, and checks the answer, how many
// workflow runs started (none, except where the table says a run is the documented outcome), that no
// secret appears in answers, runs or n8n's log output, and that nothing was ever submitted.
//
//   npx jest test/reliability/callback-attacks.test.ts
import axios, { type AxiosResponse } from 'axios';

import type { Emulator } from '../emulator';
import { startWebhookServer, type RunResult, type WebhookServer } from '../harness/engine';
import {
	API_KEY,
	TRIGGER_SECRET,
	blockedLookups,
	expectRowsDocumented,
	useReliabilityBed,
} from './invariants';

const bed = useReliabilityBed({ latencyMs: 300 });
const TRIGGER = 'Max API Trigger';

let server: WebhookServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

const withToken = (url: string, token: string = TRIGGER_SECRET) =>
	`${url}?token=${encodeURIComponent(token)}`;
const envelope = (data: Record<string, unknown>) => ({ code: 0, msg: 'ok', data });

/** Sends without throwing on 4xx/5xx; `body` strings are sent as they are. */
async function send(
	method: 'POST' | 'GET',
	url: string,
	body?: unknown,
	headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<AxiosResponse> {
	return await axios.request({
		method,
		url,
		data: body,
		headers,
		validateStatus: () => true,
		transformRequest: typeof body === 'string' ? [(data: unknown) => data] : undefined,
		transformResponse: [(data: unknown) => data], // keep the raw text: it is checked for secrets
	});
}

interface Ctx {
	url: string;
	taskId: string;
	emu: Emulator;
}

interface Row {
	name: string;
	/** The real task at the emulator the request is about (default: pinned SUCCESS). */
	task?: { status?: 'SUCCESS' | 'FAILURE' | 'PROCESSING' | 'PENDING'; failureReason?: string };
	before?: (ctx: Ctx) => void;
	request: (ctx: Ctx) => Promise<AxiosResponse>;
	/** Who answers: the node's own checks, or n8n before the node runs. */
	expect:
		| { status: number; reason: RegExp; answeredBy: 'node' | 'n8n'; queries?: number }
		| {
				status: 200;
				runs: number;
				check: (runs: RunResult[], ctx: Ctx) => void;
				documented: string;
		  };
}

export const rows: Row[] = [
	{
		name: 'missing secret',
		request: ({ url, taskId }) => send('POST', url, envelope({ taskId, status: 'SUCCESS' })),
		expect: { status: 401, reason: /missing token/, answeredBy: 'node', queries: 0 },
	},
	{
		name: 'empty secret (?token=)',
		request: ({ url, taskId }) =>
			send('POST', `${url}?token=`, envelope({ taskId, status: 'SUCCESS' })),
		expect: { status: 401, reason: /missing token/, answeredBy: 'node', queries: 0 },
	},
	{
		name: 'wrong secret',
		request: ({ url, taskId }) =>
			send('POST', withToken(url, 'guess'), envelope({ taskId, status: 'SUCCESS' })),
		expect: { status: 403, reason: /wrong token/, answeredBy: 'node', queries: 0 },
	},
	{
		name: 'wrong secret of the same length, differing in the last character (constant-time compare)',
		request: ({ url, taskId }) =>
			send(
				'POST',
				withToken(url, `${TRIGGER_SECRET.slice(0, -1)}${TRIGGER_SECRET.endsWith('0') ? '1' : '0'}`),
				envelope({ taskId, status: 'SUCCESS' }),
			),
		expect: { status: 403, reason: /wrong token/, answeredBy: 'node', queries: 0 },
	},
	{
		name: 'the secret as a prefix of a longer token',
		request: ({ url, taskId }) =>
			send('POST', withToken(url, `${TRIGGER_SECRET}x`), envelope({ taskId, status: 'SUCCESS' })),
		expect: { status: 403, reason: /wrong token/, answeredBy: 'node', queries: 0 },
	},
	{
		name: 'wrong secret in the X-MaxApi-Token header',
		request: ({ url, taskId }) =>
			send('POST', url, envelope({ taskId, status: 'SUCCESS' }), {
				'content-type': 'application/json',
				'x-maxapi-token': 'guess',
			}),
		expect: { status: 403, reason: /wrong token/, answeredBy: 'node', queries: 0 },
	},
	{
		name: 'a forged task id (well-formed, unknown to Max API)',
		request: ({ url }) =>
			send(
				'POST',
				withToken(url),
				envelope({ taskId: '99999999-9999-4999-8999-999999999999', status: 'SUCCESS' }),
			),
		expect: { status: 403, reason: /knows no such task/, answeredBy: 'node', queries: 1 },
	},
	{
		name: 'a task id with path characters (never sent to Max API)',
		request: ({ url }) =>
			send('POST', withToken(url), envelope({ taskId: '../admin', status: 'SUCCESS' })),
		expect: { status: 400, reason: /no valid data\.taskId/, answeredBy: 'node', queries: 0 },
	},
	{
		name: 'a real task id whose task is not finished',
		task: { status: 'PROCESSING' },
		request: ({ url, taskId }) =>
			send('POST', withToken(url), envelope({ taskId, status: 'SUCCESS' })),
		expect: {
			status: 409,
			reason: /PROCESSING at Max API, not finished/,
			answeredBy: 'node',
			queries: 1,
		},
	},
	{
		name: "the body's status contradicts the API's (body FAILURE, API SUCCESS)",
		request: ({ url, taskId }) =>
			send(
				'POST',
				withToken(url),
				envelope({ taskId, status: 'FAILURE', failure_reason: 'CONTENT_MODERATION' }),
			),
		expect: {
			status: 409,
			reason: /callback says FAILURE but Max API says SUCCESS/,
			answeredBy: 'node',
			queries: 1,
		},
	},
	{
		name: "the body's status contradicts the API's (body SUCCESS, API FAILURE)",
		task: { status: 'FAILURE', failureReason: 'CONTENT_MODERATION' },
		request: ({ url, taskId }) =>
			send(
				'POST',
				withToken(url),
				envelope({
					taskId,
					status: 'SUCCESS',
					result: { type: 'image', urls: ['https://evil.example/x.png'] },
				}),
			),
		expect: {
			status: 409,
			reason: /callback says SUCCESS but Max API says FAILURE/,
			answeredBy: 'node',
			queries: 1,
		},
	},
	{
		name: 'a body that is not JSON (text/plain)',
		request: ({ url, taskId }) =>
			send('POST', withToken(url), `taskId=${taskId}&status=SUCCESS`, {
				'content-type': 'text/plain',
			}),
		expect: { status: 415, reason: /not JSON/, answeredBy: 'node', queries: 0 },
	},
	{
		name: 'a JSON body with the wrong content type (text/plain)',
		request: ({ url, taskId }) =>
			send('POST', withToken(url), JSON.stringify(envelope({ taskId, status: 'SUCCESS' })), {
				'content-type': 'text/plain',
			}),
		expect: {
			status: 415,
			reason: /Content-Type must be application\/json/,
			answeredBy: 'node',
			queries: 0,
		},
	},
	{
		name: 'a form-encoded body',
		request: ({ url, taskId }) =>
			send('POST', withToken(url), `code=0&data[taskId]=${taskId}&data[status]=SUCCESS`, {
				'content-type': 'application/x-www-form-urlencoded',
			}),
		expect: { status: 415, reason: /not JSON/, answeredBy: 'node', queries: 0 },
	},
	{
		name: 'malformed JSON with a JSON content type',
		request: ({ url, taskId }) =>
			send('POST', withToken(url), `{"code":0,"data":{"taskId":"${taskId}"`),
		expect: { status: 422, reason: /Failed to parse request body/, answeredBy: 'n8n', queries: 0 },
	},
	{
		name: 'a body with no task (envelope without data)',
		request: ({ url }) => send('POST', withToken(url), { code: 0, msg: 'ok' }),
		expect: { status: 400, reason: /not a Max API task envelope/, answeredBy: 'node', queries: 0 },
	},
	{
		name: 'an oversized body (300 KB; limit 256 KB)',
		request: ({ url, taskId }) =>
			send(
				'POST',
				withToken(url),
				envelope({ taskId, status: 'SUCCESS', padding: 'x'.repeat(300_000) }),
			),
		expect: { status: 413, reason: /larger than 262144 bytes/, answeredBy: 'node', queries: 0 },
	},
	{
		name: 'a GET instead of a POST',
		request: ({ url, taskId }) => send('GET', `${withToken(url)}&taskId=${taskId}`, undefined, {}),
		expect: { status: 404, reason: /not registered for GET/, answeredBy: 'n8n', queries: 0 },
	},
	{
		name: 'Max API rejects the credential while verifying (401)',
		before: ({ emu }) => emu.inject({ on: 'query', kind: 'http', status: 401 }),
		request: ({ url, taskId }) =>
			send('POST', withToken(url), envelope({ taskId, status: 'SUCCESS' })),
		expect: {
			status: 503,
			reason: /could not verify the task with Max API.*code 401/,
			answeredBy: 'node',
			queries: 1,
		},
	},
	{
		name: 'Max API down while verifying (500 on every attempt)',
		before: ({ emu }) => emu.inject({ on: 'query', kind: 'http', status: 500, times: 10 }),
		request: ({ url, taskId }) =>
			send('POST', withToken(url), envelope({ taskId, status: 'SUCCESS' })),
		expect: {
			status: 503,
			reason: /could not verify the task with Max API.*code 500/,
			answeredBy: 'node',
			queries: 4,
		},
	},
	{
		name: 'a body whose result URLs point elsewhere (real finished task)',
		request: ({ url, taskId }) =>
			send(
				'POST',
				withToken(url),
				envelope({
					taskId,
					status: 'SUCCESS',
					result: { type: 'image', urls: ['https://evil.example/steal.png'] },
				}),
			),
		expect: {
			status: 200,
			runs: 1,
			documented:
				"one run, with the API's URLs and images; the body's URLs are never emitted nor fetched",
			check: ([run], { emu, taskId }) => {
				const [item] = run.outputOf(TRIGGER);
				expect(item.json.taskId).toBe(taskId);
				expect(item.json.urls).toEqual([`${emu.url}/files/${taskId}/image-0.png`]);
				expect(JSON.stringify(run.runData)).not.toContain('evil.example');
				expect(item.binary?.data).toBeDefined();
				expect(emu.stats().byTask[taskId].downloads).toBe(1);
			},
		},
	},
	{
		name: 'a replay of an old genuine callback',
		request: async ({ url, taskId, emu }) => {
			// The genuine callback, then the same body again later (captured and replayed).
			expect(await emu.sendCallback(taskId, { url: withToken(url) })).toBe(200);
			await new Promise((resolve) => setTimeout(resolve, 200));
			return await send('POST', withToken(url), emu.callbacks[0].body);
		},
		expect: {
			status: 200,
			runs: 2,
			documented:
				'a second run with the same taskId and the API’s data (README "Duplicates": de-duplicate on taskId with n8n’s Remove Duplicates node; no in-memory de-duplication, which would not hold in queue mode)',
			check: (runs, { taskId }) => {
				expect(runs.map((run) => run.outputOf(TRIGGER)[0].json.taskId)).toEqual([taskId, taskId]);
				expect(runs.map((run) => run.outputOf(TRIGGER)[0].json.status)).toEqual([
					'SUCCESS',
					'SUCCESS',
				]);
			},
		},
	},
];

describe('callback attacks on the Max API Trigger', () => {
	it.each(rows)('$name', async (row) => {
		server = await startWebhookServer({
			pkg: bed.pkg,
			credentials: { maxApi: { ...bed.credentials.maxApi, callbackToken: TRIGGER_SECRET } },
			nodeName: TRIGGER,
			nodes: [
				{
					name: TRIGGER,
					type: 'n8n-nodes-maxapi.maxApiTrigger',
					parameters: {},
					credentials: { maxApi: { id: '1', name: 'Max API account' } },
				},
			],
		});
		const taskId = bed.emu.createTask({
			prompt: `a real task for: ${row.name}`,
			status: row.task?.status ?? 'SUCCESS',
			...(row.task?.failureReason ? { failureReason: row.task.failureReason } : {}),
		});
		const ctx: Ctx = { url: server.url, taskId, emu: bed.emu };
		row.before?.(ctx);
		const logsBefore = bed.logs.lines.length;

		const answer = await row.request(ctx);
		const text = typeof answer.data === 'string' ? answer.data : JSON.stringify(answer.data);
		expect({ status: answer.status, body: text }).toMatchObject({ status: row.expect.status });

		let runs: RunResult[] = [];
		if ('runs' in row.expect) {
			runs = await server.waitForRuns(row.expect.runs, 10_000);
			await new Promise((resolve) => setTimeout(resolve, 150)); // no extra run shows up
			expect(server.runs).toHaveLength(row.expect.runs);
			row.expect.check(server.runs, ctx);
		} else {
			expect(text).toMatch(row.expect.reason);
			if (row.expect.answeredBy === 'node')
				expect(JSON.parse(text)).toMatchObject({ received: false });
			await new Promise((resolve) => setTimeout(resolve, 150));
			expect(server.runs).toHaveLength(0);
			expect(server.requests.every((request) => request.executionId === undefined)).toBe(true);
			if (row.expect.queries !== undefined)
				expect(bed.emu.stats().queries).toBe(row.expect.queries);
			if (row.expect.answeredBy === 'node') {
				// The node logged the rejection (so the log capture below is not vacuous), without the secret.
				const rejected = bed.logs.lines
					.slice(logsBefore)
					.filter((line) => line.includes('callback rejected'));
				expect(rejected.length).toBeGreaterThan(0);
			}
		}

		// Invariants: nothing submitted; no secret in the answer, the runs or any log line; loopback only.
		expect(bed.emu.stats().submits).toBe(0);
		const everything = [
			text,
			JSON.stringify(runs.map((run) => run.runData)),
			...bed.logs.lines,
		].join('\n');
		for (const secret of [TRIGGER_SECRET, API_KEY]) expect(everything.includes(secret)).toBe(false);
		expect(blockedLookups).toEqual([]);
	});
});

it('docs/RELIABILITY.md lists exactly the rows of this table', () => {
	expectRowsDocumented(
		'Callback attacks',
		rows.map((row) => row.name),
	);
});
