// Reliability table 2: Max API faults at submit, while polling, and at download. Each row runs the Max
// API node inside n8n's engine against its own emulator with the row's faults injected, and states
// whether the node recovers or stops with an error (naming the API code, the item and what to do). The
// four invariants (invariants.ts) are checked on every row: one submit per item at most, every created
// task id reported, no secret anywhere, actionable errors. Rows run concurrently (jest's default of 5
// at a time), one emulator each, so that the real poll and retry delays fit the time budget.
//
//   npx jest test/reliability/api-faults.test.ts
import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator, type EmulatorOptions, type Fault } from '../emulator';
import type { RunResult } from '../harness/engine';
import { runMaxApi } from '../support/maxApi';
import { API_KEY, checkNodeRun, expectRowsDocumented, useReliabilityBed } from './invariants';

const bed = useReliabilityBed({ latencyMs: 150 });

/**
 * The node's request timeout is 60 s by default. Every row sets the node's Request Timeout option to
 * 1.5 s, so that the rows about a hung request do not wait a minute. The emulator answers every other
 * request in milliseconds.
 */
const REQUEST_TIMEOUT_SECONDS = 1.5;
const WRONG_KEY = 'sk-wrong-0123456789abcdef';

interface Context {
	result: RunResult;
	emu: Emulator;
	elapsedMs: number;
	taskIds: string[];
}

interface Row {
	name: string;
	/** Prompt directives of each item (one string per item; default one item, no directive). */
	items?: string[];
	operation?: 'textToImage' | 'imageToImage' | 'get' | 'cancel';
	/** Cancel rows: makes the task to cancel at the emulator and returns its id (default: an id it does not know). */
	task?: (emu: Emulator) => string;
	/** Options of the row's emulator. */
	emulator?: EmulatorOptions;
	/** Extra node parameters / options. */
	parameters?: Record<string, unknown>;
	options?: Record<string, unknown>;
	faults?: Fault[];
	credentials?: (emu: Emulator) => { apiKey: string; baseUrl: string };
	continueOnFail?: boolean;
	expect:
		| { recovery: string; check?: (ctx: Context) => void }
		| { error: RegExp; item?: number; unseenTasks?: number; description?: RegExp; check?: (ctx: Context) => void };
}

/** Time between the n-th and (n+1)-th request to a route, from the emulator's log. */
function gapMs(emu: Emulator, route: 'submit' | 'query', n = 0): number {
	const requests = emu.requests.filter((r) => (route === 'submit' ? r.path.endsWith('/task/submit') : r.path.startsWith('/api/v1/task/') && !r.path.endsWith('/submit')));
	return requests[n + 1].time - requests[n].time;
}

const submitRows: Row[] = [
	{
		name: 'submit: 401 wrong API key',
		credentials: (emu) => ({ apiKey: WRONG_KEY, baseUrl: emu.url }),
		expect: { error: /code 401/, description: /Open the Max API credential.*No task was created/ },
	},
	{
		name: 'submit: 400 validation (17 image URLs; the API allows 16)',
		operation: 'imageToImage',
		parameters: { imageUrls: Array.from({ length: 17 }, (_, i) => `https://images.example.com/${i}.png`).join('\n') },
		expect: { error: /code 400: input\.imageUrls/, description: /Fix the parameters.*No task was created/ },
	},
	{
		name: 'submit: 400 moderation, with the flagged categories',
		items: ['MODERATION_REJECT'],
		expect: { error: /moderation.*code 400/, description: /Flagged categories: violence\. Change the prompt/ },
	},
	{
		name: 'submit: code 400 on HTTP 200',
		faults: [{ on: 'submit', kind: 'code', status: 400 }],
		expect: { error: /code 400/, description: /No task was created/ },
	},
	{
		name: 'submit: code 500 on HTTP 200 (outcome unknown: not re-sent)',
		faults: [{ on: 'submit', kind: 'code', status: 500 }],
		expect: { error: /code 500/, description: /NOT submitted again/ },
	},
	{
		name: 'submit: 429 with Retry-After 1, then success',
		faults: [{ on: 'submit', kind: 'http', status: 429, retryAfter: 1 }],
		expect: {
			recovery: 'resent after Retry-After (429 = nothing created); one task',
			check: ({ emu }) => {
				expect(emu.stats()).toMatchObject({ submits: 2, tasksCreated: 1 });
				expect(gapMs(emu, 'submit')).toBeGreaterThanOrEqual(950);
			},
		},
	},
	{
		name: 'submit: 429 without Retry-After, then success',
		faults: [{ on: 'submit', kind: 'http', status: 429 }],
		expect: {
			recovery: 'resent after a backoff; one task',
			check: ({ emu }) => expect(emu.stats()).toMatchObject({ submits: 2, tasksCreated: 1 }),
		},
	},
	{
		name: 'submit: 429 on every attempt',
		faults: [{ on: 'submit', kind: 'http', status: 429, retryAfter: 0, times: 10 }],
		expect: {
			error: /code 429/,
			description: /Run fewer items at once.*No task was created/,
			check: ({ emu }) => expect(emu.stats()).toMatchObject({ submits: 4, tasksCreated: 0 }),
		},
	},
	{
		name: 'submit: HTTP 500 (outcome unknown: not re-sent)',
		faults: [{ on: 'submit', kind: 'http', status: 500 }],
		expect: { error: /code 500/, description: /may or may not have been created.*NOT submitted again.*dashboard/ },
	},
	{
		name: 'submit: connection reset before the answer (nothing created)',
		faults: [{ on: 'submit', kind: 'reset' }],
		expect: { error: /ECONNRESET/, description: /NOT submitted again/ },
	},
	{
		name: 'submit: connection reset after the request was processed (task created, id never seen)',
		faults: [{ on: 'submit', kind: 'resetAfterProcess' }],
		expect: {
			error: /ECONNRESET/,
			unseenTasks: 1,
			description: /may have created the task.*NOT submitted again.*dashboard/,
			check: ({ emu }) => expect(emu.stats()).toMatchObject({ submits: 1, tasksCreated: 1 }),
		},
	},
	{
		name: 'submit: hangs past the request timeout (lowered to 1.5 s)',
		faults: [{ on: 'submit', kind: 'hang' }],
		expect: {
			error: /\((ETIMEDOUT|ECONNABORTED)\)/,
			description: /NOT submitted again/,
			check: ({ emu, elapsedMs }) => {
				expect(emu.stats().submits).toBe(1);
				expect(elapsedMs).toBeLessThan(5000);
			},
		},
	},
	{
		name: 'submit: malformed JSON answer (outcome unknown: not re-sent)',
		faults: [{ on: 'submit', kind: 'malformed' }],
		expect: { error: /not its JSON envelope \(HTTP 200\)/, description: /may have created the task.*NOT submitted again/ },
	},
	{
		name: 'submit: success envelope without a task id (task created, id never seen)',
		faults: [{ on: 'submit', kind: 'noTaskId' }],
		expect: { error: /no task id/, unseenTasks: 1, description: /NOT submitted again.*dashboard/ },
	},
	{
		name: 'submit: the 2nd of 3 items gets a 500 (the 1st task id is in the error, the 3rd is never sent)',
		items: ['', '', ''],
		options: { maxParallelRequests: 1 },
		faults: [
			{ on: 'submit', kind: 'delay', delayMs: 0 },
			{ on: 'submit', kind: 'http', status: 500 },
		],
		expect: {
			error: /code 500/,
			item: 1,
			description: /Tasks this run created.*item 0: /s,
			check: ({ emu }) => expect(emu.stats()).toMatchObject({ submits: 2, tasksCreated: 1 }),
		},
	},
];

const queryRows: Row[] = [
	{
		name: 'query: Get of a task id Max API does not know (404)',
		operation: 'get',
		parameters: { taskId: '0d9e1c55-7a3b-4f0e-9d52-6b1f1c2a9e77', waitForCompletion: false },
		expect: { error: /no task 0d9e1c55-7a3b-4f0e-9d52-6b1f1c2a9e77 \(code 404\)/, description: /Check the task id/ },
	},
	{
		name: 'query: 404 while waiting for a task just submitted',
		faults: [{ on: 'query', kind: 'http', status: 404 }],
		expect: { error: /code 404/, description: /Check the task id/ },
	},
	{
		name: 'query: 401 while waiting (key revoked mid-run)',
		faults: [{ on: 'query', kind: 'http', status: 401 }],
		expect: { error: /code 401/, description: /Open the Max API credential.*This query cost nothing.*billed if they succeed/s },
	},
	{
		name: 'query: 503 three times, then success',
		faults: [{ on: 'query', kind: 'http', status: 503, times: 3 }],
		expect: { recovery: 'retried; one submit' },
	},
	{
		name: 'query: code 500 on HTTP 200 twice, then success',
		faults: [{ on: 'query', kind: 'code', status: 500, times: 2 }],
		expect: { recovery: 'retried like a 5xx' },
	},
	{
		name: 'query: 429 with Retry-After 1, then success',
		faults: [{ on: 'query', kind: 'http', status: 429, retryAfter: 1 }],
		expect: { recovery: 'retried after Retry-After', check: ({ emu }) => expect(gapMs(emu, 'query')).toBeGreaterThanOrEqual(950) },
	},
	{
		name: 'query: 429 without Retry-After, then success',
		faults: [{ on: 'query', kind: 'http', status: 429, times: 2 }],
		expect: { recovery: 'retried after a backoff' },
	},
	{
		name: 'query: connection resets, then success',
		faults: [{ on: 'query', kind: 'reset', times: 3 }],
		expect: { recovery: 'retried' },
	},
	{
		name: 'query: malformed JSON, then success',
		faults: [{ on: 'query', kind: 'malformed', times: 2 }],
		expect: { recovery: 'retried' },
	},
	{
		name: 'query: hangs past the request timeout (lowered to 1.5 s), then success',
		faults: [{ on: 'query', kind: 'hang' }],
		expect: { recovery: 'the hung query times out and is retried' },
	},
	{
		name: 'query: 503 on every attempt until the timeout',
		options: { timeout: 1 },
		faults: [{ on: 'query', kind: 'http', status: 503, times: 1000 }],
		expect: { error: /did not finish within 1 seconds/, description: /Get Task.*The last query failed: .*code 503/ },
	},
	{
		name: 'query: a task that never ends (timeout 1 s)',
		items: ['#never'],
		options: { timeout: 1 },
		expect: { error: /did not finish within 1 seconds \(last status: SUBMITTED\)/, description: /Get Task.*raise the Timeout option/ },
	},
	...(
		[
			['CONTENT_MODERATION', /Change the prompt or image/],
			['INVALID_PARAMETERS', /Fix the parameters/],
			['INSUFFICIENT_POINTS', /Recharge your account/],
			['null', /transient error.*Run it again/],
			['GPU_MELTED', /failed \(GPU_MELTED\)/],
		] as const
	).map(
		([reason, advice]): Row => ({
			name: `query: task ends FAILURE with reason ${reason}`,
			items: [`#fail:${reason}`],
			expect: {
				error: new RegExp(`ended with FAILURE \\(${reason === 'null' ? 'transient error' : reason}\\)`),
				description: new RegExp(`${advice.source}.*not charged`, 's'),
			},
		}),
	),
	{
		name: 'query: task ends TIMEOUT',
		items: ['#status:TIMEOUT'],
		expect: { error: /ended with TIMEOUT/, description: /timed out at Max API.*Run/ },
	},
	{
		name: 'query: task ends CANCELLED',
		items: ['#status:CANCELLED'],
		expect: { error: /ended with CANCELLED/, description: /cancelled at Max API.*not charged/ },
	},
	{
		name: 'query: SUCCESS with no URLs',
		items: ['#nourls'],
		expect: { error: /ended with SUCCESS but returned no image URLs/, description: /Run Get Task.*contact Max API support/ },
	},
	{
		name: 'query: one of 3 tasks fails (every task id in the error)',
		items: ['', '#fail:CONTENT_MODERATION', ''],
		expect: { error: /FAILURE \(CONTENT_MODERATION\)/, item: 1, description: /Tasks this run created.*item 0: .*item 1: .*item 2: /s },
	},
	{
		name: 'query: one of 3 tasks fails, Continue On Fail (the others output normally)',
		items: ['', '#fail:INSUFFICIENT_POINTS', ''],
		continueOnFail: true,
		expect: {
			recovery: 'item 1 carries its error and task id; items 0 and 2 succeed',
			check: ({ result }) => {
				const output = result.outputOf('Max API');
				expect(output.map((item) => item.json.status)).toEqual(['SUCCESS', 'FAILURE', 'SUCCESS']);
				expect(output[1].json.error).toContain(output[1].json.taskId as string);
				expect(output[1].json.errorDescription).toMatch(/Recharge/);
			},
		},
	},
];

const downloadRows: Row[] = [
	{
		name: 'download: 404 (expired URL)',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'http', status: 404 }],
		expect: { error: /HTTP 404: the file is gone/, description: /Run Get Task with Task ID .* or turn off Download Results/ },
	},
	{
		name: 'download: 403 (expired signed URL)',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'http', status: 403 }],
		expect: { error: /HTTP 403: the file is gone/, description: /Run Get Task/ },
	},
	{
		name: 'download: a body that is not an image (HTML)',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'notImage' }],
		expect: { error: /is not an image file/, description: /Run Get Task with Task ID/ },
	},
	{
		name: 'download: truncated once, then whole',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'truncated' }],
		expect: {
			recovery: 'the download is retried; the image arrives whole',
			check: ({ result }) => expect(result.outputOf('Max API')[0].binary?.data).toBeDefined(),
		},
	},
	{
		name: 'download: truncated on every attempt',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'truncated', times: 3 }],
		expect: { error: /connection broke \((ECONNRESET|aborted)\)|cut short/, description: /Run Get Task/ },
	},
	{
		name: 'download: 502 twice, then whole',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'http', status: 502, times: 2 }],
		expect: { recovery: 'retried', check: ({ result }) => expect(result.outputOf('Max API')[0].binary?.data).toBeDefined() },
	},
	{
		name: 'download: huge body, 128 MiB announced (limit 64 MiB)',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'huge' }],
		expect: { error: /larger than 64 MB/, description: /Run Get Task/ },
	},
	{
		name: 'download: huge body, size not announced (chunked, limit 64 MiB)',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'huge', contentLength: false, bytes: 80 * 1024 * 1024 }],
		expect: { error: /larger than 64 MB/, description: /Run Get Task/ },
	},
];

const UNKNOWN_TASK = '7c1f3e0a-5b2d-4c8e-9f61-2a4b6d8e0c13';
/** A task still running when the row cancels it (it would take a minute). */
const running = (emu: Emulator) => emu.createTask({ prompt: 'a task to cancel', model: 'veo3_fast', latencyMs: 60_000 });
/** The cancel requests a row's emulator received. */
const cancels = (emu: Emulator) => emu.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/cancel'));
const cancelled = ({ result, emu }: Context) => {
	const [item] = result.outputOf('Max API');
	expect(item.json).toMatchObject({ status: 'CANCELLED', model: 'veo3_fast', mediaType: 'video' });
	expect(emu.stats().byTask[item.json.taskId as string].status).toBe('CANCELLED');
};

// Task → Cancel. A cancel changes nothing when repeated, so the node resends it like a query.
const cancelRows: Row[] = [
	{
		name: 'cancel: a task id Max API does not know (404)',
		operation: 'cancel',
		expect: { error: new RegExp(`no task ${UNKNOWN_TASK} \\(code 404\\)`), description: /Check the task id/ },
	},
	{
		name: 'cancel: a task that has ended (refused with 400)',
		operation: 'cancel',
		task: (emu) => emu.createTask({ prompt: 'already done', status: 'SUCCESS' }),
		expect: {
			error: /code 400: task cannot be cancelled in status SUCCESS/,
			description: /only be cancelled before it has finished.*Look it up with Get Task.*cost nothing.*Task ID: /s,
			check: ({ emu }) => expect(cancels(emu)).toHaveLength(1),
		},
	},
	{
		name: 'cancel: a PROCESSING task when Max API cancels PENDING tasks only (cancel page v-A)',
		operation: 'cancel',
		emulator: { cancellableStatuses: ['PENDING'] },
		task: (emu) => emu.createTask({ prompt: 'busy', status: 'PROCESSING' }),
		expect: {
			error: /code 400: task cannot be cancelled in status PROCESSING/,
			description: /only while it is queued.*Task ID: /s,
			check: ({ emu, taskIds }) => expect(emu.stats().byTask[taskIds[0]]).toMatchObject({ status: 'PROCESSING', cancelledAt: null }),
		},
	},
	{
		name: 'cancel: 429 with Retry-After 1, then success',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'http', status: 429, retryAfter: 1 }],
		expect: {
			recovery: 'resent after Retry-After; the task is CANCELLED',
			check: (ctx) => {
				cancelled(ctx);
				const [first, second] = cancels(ctx.emu);
				expect(second.time - first.time).toBeGreaterThanOrEqual(950);
			},
		},
	},
	{
		name: 'cancel: 429 on every attempt',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'http', status: 429, retryAfter: 0, times: 10 }],
		expect: {
			error: /code 429/,
			description: /try again later.*cost nothing.*Task ID: /s,
			check: ({ emu, taskIds }) => {
				expect(cancels(emu)).toHaveLength(4);
				expect(emu.stats().byTask[taskIds[0]].status).not.toBe('CANCELLED');
			},
		},
	},
	{
		name: 'cancel: HTTP 503 twice, then success',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'http', status: 503, times: 2 }],
		expect: { recovery: 'resent; the task is CANCELLED', check: cancelled },
	},
	{
		name: 'cancel: code 500 on HTTP 200, then success',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'code', status: 500 }],
		expect: { recovery: 'resent like a 5xx; the task is CANCELLED', check: cancelled },
	},
	{
		name: 'cancel: HTTP 500 on every attempt',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'http', status: 500, times: 10 }],
		expect: {
			error: /code 500/,
			description: /Nothing was billed by this cancel request; try again later.*Task ID: /s,
			check: ({ emu }) => expect(cancels(emu)).toHaveLength(4),
		},
	},
	{
		name: 'cancel: connection reset before Max API read the request, then success',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'reset' }],
		expect: { recovery: 'resent; the task is CANCELLED', check: cancelled },
	},
	{
		name: 'cancel: connection reset on every attempt',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'reset', times: 10 }],
		expect: { error: /ECONNRESET/, description: /Nothing was billed by this cancel request; try again later.*Task ID: /s },
	},
	{
		name: 'cancel: connection reset after Max API cancelled the task (the answer lost)',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'cancel', kind: 'resetAfterProcess' }],
		expect: { recovery: 'the task is CANCELLED, and the output says so', check: cancelled },
	},
	{
		name: 'cancel: the query after the cancel gets 503, then success',
		operation: 'cancel',
		task: running,
		faults: [{ on: 'query', kind: 'http', status: 503 }],
		expect: { recovery: 'the query is retried; the task is CANCELLED', check: cancelled },
	},
];

export const rows: Row[] = [...submitRows, ...queryRows, ...downloadRows, ...cancelRows];

describe('Max API faults: recovered, or an error that loses nothing and bills nothing twice', () => {
	it.concurrent.each(rows)('$name', async (row) => {
		const emu = await startEmulator({ apiKey: API_KEY, latencyMs: 150, ...row.emulator });
		try {
			await runRow(row, emu);
		} finally {
			await emu.close();
		}
	});
});

async function runRow(row: Row, emu: Emulator): Promise<void> {
	{
		const rowBed = { ...bed, emu, credentials: { maxApi: { apiKey: API_KEY, baseUrl: emu.url } } };
		const directives = row.items ?? [''];
		const prompts = directives.map((directive, index) => `${row.name} [item ${index}] ${directive}`.trim());
		const operation = row.operation ?? 'textToImage';
		// The task a cancel row cancels: made at the emulator, not by the node.
		const existing = operation === 'cancel' && row.task ? [row.task(emu)] : [];
		const parameters =
			operation === 'get'
				? { resource: 'task', operation: 'get', options: { requestTimeout: REQUEST_TIMEOUT_SECONDS, ...row.options }, ...row.parameters }
				: operation === 'cancel'
					? { resource: 'task', operation: 'cancel', taskId: existing[0] ?? UNKNOWN_TASK }
						: {
							resource: 'image',
							operation,
							prompt: '={{ $json.prompt }}',
							...(operation === 'imageToImage' ? { imageUrls: 'https://images.example.com/a.png' } : {}),
							...row.parameters,
							options: { downloadImages: false, requestTimeout: REQUEST_TIMEOUT_SECONDS, ...row.options },
						};
		if (row.faults) emu.inject(row.faults);

		const started = Date.now();
		const result = await runMaxApi(rowBed, {
			parameters: parameters as INodeParameters,
			items: prompts.map((prompt) => ({ prompt })),
			continueOnFail: row.continueOnFail,
			credentials: row.credentials ? { maxApi: row.credentials(emu) } : undefined,
		});
		const context: Context = { result, emu, elapsedMs: Date.now() - started, taskIds: [...emu.tasks.keys()] };
		const checkPrompts = operation === 'get' || operation === 'cancel' ? [] : prompts;
		const secrets = row.credentials ? [WRONG_KEY] : [];

		if ('error' in row.expect) {
			expect(result.status).toBe('error');
			expect(result.error!.name).toMatch(/^Node(Api|Operation)Error$/);
			if (row.expect.description) expect(result.error!.description).toMatch(row.expect.description);
			checkNodeRun(rowBed, {
				result,
				prompts: checkPrompts,
				existingTasks: existing,
				secrets,
				unseenTasks: row.expect.unseenTasks,
				error: { item: row.expect.item ?? 0, names: row.expect.error },
			});
		} else {
			expect(result.error).toBeUndefined();
			const output = result.outputOf('Max API');
			expect(output).toHaveLength(prompts.length);
			if (!row.continueOnFail && operation !== 'cancel') {
				expect(output.every((item) => item.json.status === 'SUCCESS')).toBe(true);
				expect(emu.stats().tasksCreated).toBe(prompts.length);
			}
			checkNodeRun(rowBed, { result, prompts: checkPrompts, existingTasks: existing, secrets });
		}
		row.expect.check?.(context);
	}
}

it('the API key reaches Max API (so "not in any output" is not vacuous)', async () => {
	const result = await runMaxApi(bed, {
		parameters: { resource: 'image', operation: 'textToImage', prompt: 'key check', options: { downloadImages: false } },
	});
	expect(result.error).toBeUndefined();
	expect(bed.emu.stats().tasksCreated).toBe(1);
	expect(API_KEY).toBe(bed.emu.apiKey);
	expect(bed.logs.lines.length).toBeGreaterThan(0);
});

it('docs/RELIABILITY.md lists exactly the rows of this table', () => {
	expectRowsDocumented('API faults', rows.map((row) => row.name));
});
