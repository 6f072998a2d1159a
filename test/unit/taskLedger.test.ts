// The per-process memory of paused runs (taskLedger.ts): what a callback may skip asking Max API, and
// when the process that paused a run asks for a sweep. The one-query-per-task outcome is measured in
// a real n8n (test/e2e/pause.e2e.test.ts).
import type { TaskData } from '../../nodes/shared/api';
import {
	armSweep,
	closeLedger,
	ledgerCount,
	ledgerOf,
	MIN_SWEEP_DELAY_MS,
	ownLedger,
} from '../../nodes/MaxApi/pause/taskLedger';

const HOUR = 3_600_000;
const task = (taskId: string): TaskData => ({
	taskId,
	status: 'SUCCESS',
	input: null,
	result: null,
	failure_reason: null,
});

/** A sleep that only wakes when the test says so, recording how long it was asked to sleep. */
function manualSleep() {
	const naps: Array<{ ms: number; wake: () => void }> = [];
	const sleep = async (ms: number) =>
		await new Promise<void>((resolve) => naps.push({ ms, wake: resolve }));
	return { naps, sleep };
}
const flush = async () => await new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
	for (const id of ['e1', 'e2', 'e3']) closeLedger(id);
});

describe('taskLedger', () => {
	test('one ledger per execution: what one callback learnt, the next one reads', () => {
		ledgerOf('e1', Date.now() + HOUR).ended.set('t1', task('t1'));
		expect(ledgerOf('e1', Date.now() + HOUR).ended.get('t1')?.status).toBe('SUCCESS');
		expect(ledgerOf('e2', Date.now() + HOUR).ended.size).toBe(0);
	});

	test('without an execution id a caller gets a ledger nobody else sees', () => {
		const before = ledgerCount();
		ledgerOf(undefined, Date.now() + HOUR).ended.set('t1', task('t1'));
		expect(ledgerOf(undefined, Date.now() + HOUR).ended.size).toBe(0);
		expect(ledgerCount()).toBe(before);
	});

	test('a ledger is forgotten once its run can no longer be waiting, and when the run resumes', () => {
		ledgerOf('e1', Date.now() - 1).ended.set('t1', task('t1'));
		ledgerOf('e2', Date.now() + HOUR).ended.set('t2', task('t2'));
		expect(ledgerOf('e1', Date.now() + HOUR).ended.size).toBe(0);
		closeLedger('e2');
		expect(ledgerOf('e2', Date.now() + HOUR).ended.size).toBe(0);
	});

	test('only the process that paused the run sweeps; after the callbacks stop for half as long as the run has waited', async () => {
		const { naps, sleep } = manualSleep();
		const notOwned = ledgerOf('e1', Date.now() + HOUR);
		armSweep(notOwned, sleep);
		expect(naps).toHaveLength(0);

		const sweeps: string[] = [];
		const pausedAt = Date.now();
		ownLedger('e2', pausedAt + HOUR, { pausedAt, sweep: async () => void sweeps.push('e2') });
		const owned = ledgerOf('e2', pausedAt + HOUR);
		armSweep(owned, sleep, pausedAt + 5_000);
		armSweep(owned, sleep, pausedAt + 200_000);
		expect(naps.map((nap) => nap.ms)).toEqual([MIN_SWEEP_DELAY_MS, 100_000]);
		// The first sweep was overtaken by a later callback's: it does nothing when it wakes.
		naps[0].wake();
		await flush();
		expect(sweeps).toEqual([]);
		naps[1].wake();
		await flush();
		expect(sweeps).toEqual(['e2']);
	});

	test('a sweep that wakes after the run resumed does nothing', async () => {
		const { naps, sleep } = manualSleep();
		const sweeps: string[] = [];
		const pausedAt = Date.now();
		ownLedger('e3', pausedAt + HOUR, { pausedAt, sweep: async () => void sweeps.push('e3') });
		armSweep(ledgerOf('e3', pausedAt + HOUR), sleep);
		closeLedger('e3');
		naps[0].wake();
		await flush();
		expect(sweeps).toEqual([]);
	});
});
