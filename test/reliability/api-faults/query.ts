// API faults table, query rows: faults while the node polls its tasks, and Task → Get.
import { gapMs, type Row } from './row';

export const queryRows: Row[] = [
	{
		name: 'query: Get of a task id Max API does not know (404)',
		operation: 'get',
		parameters: { taskId: '0d9e1c55-7a3b-4f0e-9d52-6b1f1c2a9e77', waitForCompletion: false },
		expect: {
			error: /no task 0d9e1c55-7a3b-4f0e-9d52-6b1f1c2a9e77 \(code 404\)/,
			description: /Check the task id/,
		},
	},
	{
		name: 'query: 404 while waiting for a task just submitted',
		faults: [{ on: 'query', kind: 'http', status: 404 }],
		expect: { error: /code 404/, description: /Check the task id/ },
	},
	{
		name: 'query: 401 while waiting (key revoked mid-run)',
		faults: [{ on: 'query', kind: 'http', status: 401 }],
		expect: {
			error: /code 401/,
			description: /Open the Max API credential.*This query cost nothing.*billed if they succeed/s,
		},
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
		expect: {
			recovery: 'retried after Retry-After',
			check: ({ emu }) => expect(gapMs(emu, 'query')).toBeGreaterThanOrEqual(950),
		},
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
		expect: {
			error: /did not finish within 1 seconds/,
			description: /Get Task.*The last query failed: .*code 503/,
		},
	},
	{
		name: 'query: a task that never ends (timeout 1 s)',
		items: ['#never'],
		options: { timeout: 1 },
		expect: {
			error: /did not finish within 1 seconds \(last status: SUBMITTED\)/,
			description: /Get Task.*raise the Timeout option/,
		},
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
				error: new RegExp(
					`ended with FAILURE \\(${reason === 'null' ? 'transient error' : reason}\\)`,
				),
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
		expect: {
			error: /ended with SUCCESS but returned no image URLs/,
			description: /Run Get Task.*contact Max API support/,
		},
	},
	{
		name: 'query: one of 3 tasks fails (every task id in the error)',
		items: ['', '#fail:CONTENT_MODERATION', ''],
		expect: {
			error: /FAILURE \(CONTENT_MODERATION\)/,
			item: 1,
			description: /Tasks this run created.*item 0: .*item 1: .*item 2: /s,
		},
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
