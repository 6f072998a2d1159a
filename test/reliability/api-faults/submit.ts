// API faults table, submit rows: faults when the node creates its tasks.
import { gapMs, WRONG_KEY, type Row } from './row';

export const submitRows: Row[] = [
	{
		name: 'submit: 401 wrong API key',
		credentials: (emu) => ({ apiKey: WRONG_KEY, baseUrl: emu.url }),
		expect: { error: /code 401/, description: /Open the Max API credential.*No task was created/ },
	},
	{
		name: 'submit: 400 validation (17 image URLs; the API allows 16)',
		operation: 'imageToImage',
		parameters: {
			imageUrls: Array.from({ length: 17 }, (_, i) => `https://images.example.com/${i}.png`).join(
				'\n',
			),
		},
		expect: {
			error: /code 400: input\.imageUrls/,
			description: /Fix the parameters.*No task was created/,
		},
	},
	{
		name: 'submit: 400 moderation, with the flagged categories',
		items: ['MODERATION_REJECT'],
		expect: {
			error: /moderation.*code 400/,
			description: /Flagged categories: violence\. Change the prompt/,
		},
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
		expect: {
			error: /code 500/,
			description: /may or may not have been created.*NOT submitted again.*dashboard/,
		},
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
		expect: {
			error: /not its JSON envelope \(HTTP 200\)/,
			description: /may have created the task.*NOT submitted again/,
		},
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
