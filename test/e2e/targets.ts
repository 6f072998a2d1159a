// The n8n targets the real-n8n suites (n8n.e2e, examples.e2e) run against, one describe block each:
//   describe.each(E2E_TARGETS)('... in a real $label', (target) => { ... startN8n({ ...startOptions(target), ... }) })
// A target names the n8n version and the execution mode; its label goes into the test names.
// The other e2e suites run on the default n8n (2.41.1) only: each says why.
import { ensureRuntime, type N8nRuntime } from '../../scripts/n8n-install';
import type { StartN8nOptions } from '../../scripts/n8n-server';

export interface E2eTarget {
	/** Shown in the test names, e.g. 'n8n 2.41.1 queue'. */
	label: string;
	/** The n8n version the target runs (one pinned by scripts/n8n-install.js). */
	version: string;
	/** n8n's execution mode: 'regular' (one process, SQLite) or 'queue' (Redis, PostgreSQL, main, worker, webhook process). */
	mode: 'regular' | 'queue';
}

export const E2E_TARGETS: E2eTarget[] = [
	{ label: 'n8n 2.41.1', version: '2.41.1', mode: 'regular' },
	{ label: 'n8n 2.41.1 queue', version: '2.41.1', mode: 'queue' },
	// the last 1.x, still widely self-hosted (README: Compatibility)
	{ label: 'n8n 1.123.81', version: '1.123.81', mode: 'regular' },
];

/** The installed (or reused) runtime of the target; fails if it is another n8n version. */
export async function runtimeFor(target: E2eTarget): Promise<N8nRuntime> {
	const runtime = await ensureRuntime({ n8nVersion: target.version });
	if (runtime.n8nVersion !== target.version) {
		throw new Error(
			`target ${target.label} wants n8n ${target.version}, the runtime has ${runtime.n8nVersion}`,
		);
	}
	return runtime;
}

/** The startN8n options that make the target's mode: queue mode with one worker running one execution at a time. */
export function startOptions(
	target: E2eTarget,
): Pick<StartN8nOptions, 'mode' | 'workers' | 'workerConcurrency'> {
	return target.mode === 'queue'
		? { mode: 'queue', workers: 1, workerConcurrency: 1 }
		: { mode: 'regular' };
}
