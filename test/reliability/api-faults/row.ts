// A row of the API faults table (api-faults.test.ts): what it runs, which faults it injects, and what
// the node must do: recover, or stop with an error.
import type { Emulator, EmulatorOptions, Fault } from '../../emulator';
import type { RunResult } from '../../harness/engine';

export const WRONG_KEY = 'sk-wrong-0123456789abcdef';
/** The task id a cancel row sends when it makes no task. */
export const UNKNOWN_TASK = '7c1f3e0a-5b2d-4c8e-9f61-2a4b6d8e0c13';

export interface Context {
	result: RunResult;
	emu: Emulator;
	elapsedMs: number;
	taskIds: string[];
}

export interface Row {
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
		| {
				error: RegExp;
				item?: number;
				unseenTasks?: number;
				description?: RegExp;
				check?: (ctx: Context) => void;
		  };
}

/** Time between the n-th and (n+1)-th request to a route, from the emulator's log. */
export function gapMs(emu: Emulator, route: 'submit' | 'query', n = 0): number {
	const requests = emu.requests.filter((r) =>
		route === 'submit'
			? r.path.endsWith('/task/submit')
			: r.path.startsWith('/api/v1/task/') && !r.path.endsWith('/submit'),
	);
	return requests[n + 1].time - requests[n].time;
}
