// What this n8n process has learnt about the tasks of its paused runs, so that a callback need not
// ask Max API again about tasks it already knows have ended.
//
// n8n saves nothing a waiting node's webhook writes (it answers and leaves the execution as it was),
// so across callbacks a node can only remember in memory. That memory is a cache, never the truth:
// an ended task stays ended, so what is in it is always right, and a process without it (another
// queue-mode process, or n8n after a restart) asks Max API as if it had never existed.
//
// The process that paused a run also holds the run's "owner" entry. In regular mode every callback of
// the run comes to that process, so a callback there only verifies its own task: one query per task.
// A task whose callback never came (n8n refused it before the execution was saved as waiting, or it
// was lost on the way) is found by a sweep this process asks for when the callbacks stop coming.
import type { TaskData } from '../../shared/api';

/** A sweep waits at least this long after the last callback that left the run waiting. */
export const MIN_SWEEP_DELAY_MS = 10_000;
/** ...and at least this share of the time the run has waited so far. */
export const SWEEP_DELAY_SHARE = 0.5;

export interface LedgerOwner {
	pausedAt: number;
	/** Asks the paused run to query its tasks (the deadline check, early). */
	sweep: () => Promise<void>;
}

export interface Ledger {
	executionId: string;
	/** Tasks verified with Max API as ended (a final status never changes). */
	ended: Map<string, TaskData>;
	/** Set only in the process that paused the run. */
	owner?: LedgerOwner;
	/** The sweep most recently asked for; an older one that wakes up does nothing. */
	sweepGeneration: number;
	/** After the run's last deadline (and n8n's own margin) nobody asks any more. */
	expiresAt: number;
}

const ledgers = new Map<string, Ledger>();

function dropExpired(now: number): void {
	for (const [executionId, ledger] of ledgers) {
		if (ledger.expiresAt <= now) ledgers.delete(executionId);
	}
}

/**
 * The ledger of a waiting execution in this process, made empty (without owner) on first use. Without
 * an execution id there is nothing to share it under: the caller gets one of its own.
 */
export function ledgerOf(executionId: string | undefined, expiresAt: number): Ledger {
	dropExpired(Date.now());
	const fresh = (): Ledger => ({
		executionId: executionId ?? '',
		ended: new Map(),
		sweepGeneration: 0,
		expiresAt,
	});
	if (!executionId) return fresh();
	let ledger = ledgers.get(executionId);
	if (!ledger) {
		ledger = fresh();
		ledgers.set(executionId, ledger);
	}
	return ledger;
}

/** Called by the process that paused the run, right after it put the execution to wait. */
export function ownLedger(executionId: string, expiresAt: number, owner: LedgerOwner): void {
	ledgerOf(executionId, expiresAt).owner = owner;
}

/** The run resumed (or can never resume): nothing more to remember. */
export function closeLedger(executionId: string): void {
	ledgers.delete(executionId);
}

/**
 * The owner asks for a sweep once the callbacks have stopped for half as long as the run has waited
 * so far (at least MIN_SWEEP_DELAY_MS): a late task costs a query at growing intervals, not one per
 * callback, and a lost callback delays the run by about half its task's time, not to the deadline.
 * (n8n busy with a burst of callbacks can leave some unanswered: measured in BENCHMARKS.md, pause.)
 */
export function armSweep(
	ledger: Ledger,
	sleep: (ms: number) => Promise<void>,
	now = Date.now(),
): void {
	const { owner } = ledger;
	if (!owner) return;
	const generation = ++ledger.sweepGeneration;
	const delayMs = Math.max(MIN_SWEEP_DELAY_MS, SWEEP_DELAY_SHARE * (now - owner.pausedAt));
	void sleep(delayMs).then(async () => {
		if (ledger.sweepGeneration !== generation || ledgers.get(ledger.executionId) !== ledger) return;
		await owner.sweep();
	});
}

/** For tests: how many executions this process remembers. */
export function ledgerCount(): number {
	return ledgers.size;
}
