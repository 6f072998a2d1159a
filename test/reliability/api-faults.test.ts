// Reliability table 2: Max API faults at submit, while polling, and at download. Each row runs the Max
// API node inside n8n's engine against its own emulator with the row's faults injected, and states
// whether the node recovers or stops with an error (naming the API code, the item and what to do). The
// four invariants (invariants.ts) are checked on every row: one submit per item at most, every created
// task id reported, no secret anywhere, actionable errors. Rows run concurrently (jest's default of 5
// at a time), one emulator each, so that the real poll and retry delays fit the time budget.
//
//   npx jest test/reliability/api-faults.test.ts
//
// The rows: api-faults/submit.ts, query.ts, download.ts, cancel.ts (one file a phase of a task), each a
// Row of api-faults/row.ts; this file runs them.
import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import { runMaxApi } from '../support/maxApi';
import { cancelRows } from './api-faults/cancel';
import { downloadRows } from './api-faults/download';
import { queryRows } from './api-faults/query';
import { UNKNOWN_TASK, WRONG_KEY, type Context, type Row } from './api-faults/row';
import { submitRows } from './api-faults/submit';
import { API_KEY, checkNodeRun, expectRowsDocumented, useReliabilityBed } from './invariants';

const bed = useReliabilityBed({ latencyMs: 150 });

/**
 * The node's request timeout is 60 s by default. Every row sets the node's Request Timeout option to
 * 1.5 s, so that the rows about a hung request do not wait a minute. The emulator answers every other
 * request in milliseconds.
 */
const REQUEST_TIMEOUT_SECONDS = 1.5;

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
		const prompts = directives.map((directive, index) =>
			`${row.name} [item ${index}] ${directive}`.trim(),
		);
		const operation = row.operation ?? 'textToImage';
		// The task a cancel row cancels: made at the emulator, not by the node.
		const existing = operation === 'cancel' && row.task ? [row.task(emu)] : [];
		const parameters =
			operation === 'get'
				? {
						resource: 'task',
						operation: 'get',
						options: { requestTimeout: REQUEST_TIMEOUT_SECONDS, ...row.options },
						...row.parameters,
					}
				: operation === 'cancel'
					? { resource: 'task', operation: 'cancel', taskId: existing[0] ?? UNKNOWN_TASK }
					: {
							resource: 'image',
							operation,
							prompt: '={{ $json.prompt }}',
							...(operation === 'imageToImage'
								? { imageUrls: 'https://images.example.com/a.png' }
								: {}),
							...row.parameters,
							options: {
								downloadImages: false,
								requestTimeout: REQUEST_TIMEOUT_SECONDS,
								...row.options,
							},
						};
		if (row.faults) emu.inject(row.faults);

		const started = Date.now();
		const result = await runMaxApi(rowBed, {
			parameters: parameters as INodeParameters,
			items: prompts.map((prompt) => ({ prompt })),
			continueOnFail: row.continueOnFail,
			credentials: row.credentials ? { maxApi: row.credentials(emu) } : undefined,
		});
		const context: Context = {
			result,
			emu,
			elapsedMs: Date.now() - started,
			taskIds: [...emu.tasks.keys()],
		};
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
		parameters: {
			resource: 'image',
			operation: 'textToImage',
			prompt: 'key check',
			options: { downloadImages: false },
		},
	});
	expect(result.error).toBeUndefined();
	expect(bed.emu.stats().tasksCreated).toBe(1);
	expect(API_KEY).toBe(bed.emu.apiKey);
	expect(bed.logs.lines.length).toBeGreaterThan(0);
});

it('docs/RELIABILITY.md lists exactly the rows of this table', () => {
	expectRowsDocumented(
		'API faults',
		rows.map((row) => row.name),
	);
});
