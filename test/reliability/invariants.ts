// The four invariants every reliability row is checked against (docs/RELIABILITY.md):
//   1. at most one submit per input item (the emulator's counts; every item has its own prompt);
//   2. every task Max API created has its id in the output or in the error (nothing lost);
//   3. the API key and the trigger's secret appear in no output item, error, or log line;
//   4. an error names the field or the API code, the item, and what the user can do.
// Plus a guard that nothing leaves 127.0.0.1 (DNS lookups of other names are refused and reported).
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';

import type { RunResult } from '../harness/engine';
import { useTestbed, type MaxApiTestbed } from '../support/maxApi';
import type { Emulator, EmulatorOptions } from '../emulator';

/** A key no other string in a run could contain by chance. */
export const API_KEY = `sk-rel-${randomBytes(12).toString('hex')}`;
/** The trigger's secret token. */
export const TRIGGER_SECRET = `tok-rel-${randomBytes(12).toString('hex')}`;

/** An advice sentence: what the user can do (imperative verbs used by the package's messages). */
export const ADVICE =
	/\b(Check|Open|Use|Fix|Change|Run|Shorten|Describe|Give|Enter|Recharge|Look|Try|try again|Set|Raise|Turn off|Copy|Paste|Choose|Wait|Contact|Query|Lower)\b/;

// ---------------------------------------------------------------------------------------------
// n8n's log output
// ---------------------------------------------------------------------------------------------

const n8nCoreDir = path.dirname(require.resolve('n8n-core/package.json'));
function requireFromN8nCore<T>(id: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(require.resolve(id, { paths: [n8nCoreDir] })) as T;
}

interface N8nLogger {
	setInternalLogger(logger: unknown): void;
	getInternalLogger(): unknown;
	jsonConsoleFormat(): unknown;
}

/**
 * Everything n8n logs, as the lines it would write: n8n-core's DI Logger (the one `this.logger` of a
 * node, n8n-workflow's LoggerProxy, the ErrorReporter and WorkflowExecute use) gets a winston logger
 * at level debug with n8n's own JSON line format (what N8N_LOG_FORMAT=json or the log file holds,
 * metadata included) writing into `lines`; console.* and process.stdout/stderr writes are recorded too.
 * Lines accumulate over the whole test file (rows may run concurrently): each row's secret check
 * scans every line logged so far.
 */
export interface LogCapture {
	readonly lines: string[];
	clear(): void;
}

function installLogCapture(): { capture: LogCapture; uninstall: () => void } {
	const lines: string[] = [];
	const { Container } = requireFromN8nCore<typeof import('@n8n/di')>('@n8n/di');
	const { Logger } = requireFromN8nCore<{ Logger: new (...args: never[]) => N8nLogger }>(
		'@n8n/backend-common',
	);
	const backendCommonDir = path.dirname(
		require.resolve('@n8n/backend-common/package.json', { paths: [n8nCoreDir] }),
	);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const winston = require(
		require.resolve('winston', { paths: [backendCommonDir] }),
	) as typeof import('winston');

	const logger = Container.get(Logger as never) as N8nLogger;
	const previous = logger.getInternalLogger();
	const sink = new Writable({
		write(chunk: Buffer, _encoding, done) {
			lines.push(chunk.toString('utf8'));
			done();
		},
	});
	logger.setInternalLogger(
		winston.createLogger({
			level: 'debug',
			format: logger.jsonConsoleFormat() as never,
			transports: [new winston.transports.Stream({ stream: sink })],
		}),
	);

	const restores: Array<() => void> = [() => logger.setInternalLogger(previous)];
	for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		const original = console[method];
		console[method] = (...args: unknown[]) => {
			lines.push(args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '));
			original.apply(console, args);
		};
		restores.push(() => (console[method] = original));
	}
	for (const stream of [process.stdout, process.stderr]) {
		const original = stream.write;
		stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
			lines.push(
				typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
			);
			return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
		} as typeof stream.write;
		restores.push(() => (stream.write = original));
	}
	return {
		capture: { lines, clear: () => (lines.length = 0) },
		uninstall: () => restores.reverse().forEach((restore) => restore()),
	};
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value);
	} catch {
		return String(value);
	}
}

// ---------------------------------------------------------------------------------------------
// Loopback only
// ---------------------------------------------------------------------------------------------

/** Names something tried to resolve that are not loopback: each was refused with ENOTFOUND. */
export const blockedLookups: string[] = [];

function installLoopbackGuard(): () => void {
	// The module object itself (an `import * as` namespace would be a frozen copy of its bindings).
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const dns = require('node:dns') as typeof import('node:dns');
	const isLoopbackName = (host: string) =>
		/^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/i.test(host);
	const originalLookup = dns.lookup;
	const originalPromiseLookup = dns.promises.lookup;
	const refuse = (host: string) => {
		blockedLookups.push(host);
		return Object.assign(
			new Error(`getaddrinfo ENOTFOUND ${host} (reliability tests stay on 127.0.0.1)`),
			{
				code: 'ENOTFOUND',
				hostname: host,
			},
		);
	};
	(dns as { lookup: unknown }).lookup = function (host: string, ...rest: unknown[]) {
		if (isLoopbackName(host))
			return (originalLookup as (...a: unknown[]) => unknown)(host, ...rest);
		const callback = rest[rest.length - 1] as (error: Error) => void;
		process.nextTick(() => callback(refuse(host)));
		return undefined;
	};
	(dns.promises as { lookup: unknown }).lookup = async (host: string, ...rest: unknown[]) => {
		if (isLoopbackName(host))
			return await (originalPromiseLookup as (...a: unknown[]) => Promise<unknown>)(host, ...rest);
		throw refuse(host);
	};
	return () => {
		(dns as { lookup: unknown }).lookup = originalLookup;
		(dns.promises as { lookup: unknown }).lookup = originalPromiseLookup;
	};
}

// ---------------------------------------------------------------------------------------------
// Test bed
// ---------------------------------------------------------------------------------------------

export interface ReliabilityBed extends MaxApiTestbed {
	logs: LogCapture;
}

/**
 * useTestbed (compiled package + emulator, reset after each test) with the reliability API key,
 * n8n's log output captured, and the loopback guard. Call at the top of a test file.
 */
export function useReliabilityBed(options: EmulatorOptions = {}): ReliabilityBed {
	const bed = useTestbed({ apiKey: API_KEY, ...options }) as ReliabilityBed;
	let uninstall: (() => void) | undefined;
	let unguard: (() => void) | undefined;
	beforeAll(() => {
		const installed = installLogCapture();
		bed.logs = installed.capture;
		uninstall = installed.uninstall;
		unguard = installLoopbackGuard();
	});
	afterAll(() => {
		uninstall?.();
		unguard?.();
	});
	return bed;
}

// ---------------------------------------------------------------------------------------------
// The invariants
// ---------------------------------------------------------------------------------------------

export interface NodeRunCheck {
	result: RunResult;
	/** The prompt of each input item, in item order; all distinct. Empty for Get-only rows. */
	prompts: string[];
	/** Number of input items (default prompts.length, at least 1). */
	items?: number;
	/** Tasks the row made itself with emu.createTask (not submitted by the node: invariant 2 skips them). */
	existingTasks?: string[];
	/** Other secrets of the row that must not leak (e.g. a wrong key it used). */
	secrets?: string[];
	/**
	 * Tasks Max API created whose id the node could never learn (the answer to the submit was lost
	 * or had no id). They must be announced: the error says the task may exist and was not re-sent.
	 */
	unseenTasks?: number;
	/** The error is expected, for this item (default 0) — or run-level (credential: no item). */
	error?: { item: number | 'run'; names: RegExp };
	/** Items expected to carry their own error (continueOnFail), by item index. */
	itemErrors?: Record<number, RegExp>;
	nodeName?: string;
}

export interface ErrorView {
	message: string;
	description: string;
	itemIndex?: number;
}

/** The execution's error, as n8n stores it. */
export function errorOf(result: RunResult): ErrorView | undefined {
	const error = result.error as unknown as
		| { message?: string; description?: string | null; context?: { itemIndex?: number } }
		| undefined;
	if (!error) return undefined;
	return {
		message: String(error.message ?? ''),
		description: String(error.description ?? ''),
		itemIndex: error.context?.itemIndex,
	};
}

function outputItems(result: RunResult, nodeName: string) {
	try {
		return result.outputOf(nodeName);
	} catch {
		return [];
	}
}

/** Checks the four invariants on a run of the Max API node. */
export function checkNodeRun(bed: { emu: Emulator; logs: LogCapture }, check: NodeRunCheck): void {
	const { emu } = bed;
	const nodeName = check.nodeName ?? 'Max API';
	const stats = emu.stats();
	const items = check.items ?? Math.max(check.prompts.length, 1);
	const error = errorOf(check.result);
	const outputs = outputItems(check.result, nodeName);

	// 1. At most one submit per item.
	expect(new Set(check.prompts).size).toBe(check.prompts.length);
	for (const [prompt, count] of Object.entries(stats.submitsByPrompt)) {
		expect({ prompt, known: check.prompts.includes(prompt) }).toEqual({ prompt, known: true });
		expect({ prompt, count }).toEqual({ prompt, count: 1 });
	}
	const tasksPerPrompt = new Map<string, number>();
	for (const task of emu.tasks.values()) {
		if (check.existingTasks?.includes(task.taskId)) continue;
		tasksPerPrompt.set(task.prompt, (tasksPerPrompt.get(task.prompt) ?? 0) + 1);
	}
	for (const [prompt, count] of tasksPerPrompt)
		expect({ prompt, tasks: count }).toEqual({ prompt, tasks: 1 });
	// Submits refused with 429 created nothing (the one case the node re-sends).
	const refused = emu.requests.filter(
		(r) => r.method === 'POST' && r.path.startsWith('/api/v1/task/submit') && r.status === 429,
	).length;
	expect(stats.submits - refused).toBeLessThanOrEqual(items);

	// 2. Nothing lost.
	const visible = [
		JSON.stringify(outputs.map((item) => item.json)),
		error?.message ?? '',
		error?.description ?? '',
	].join('\n');
	const unseen = [...emu.tasks.keys()].filter(
		(taskId) => !check.existingTasks?.includes(taskId) && !visible.includes(taskId),
	);
	expect(unseen).toHaveLength(check.unseenTasks ?? 0);
	if ((check.unseenTasks ?? 0) > 0) {
		expect(error?.description).toMatch(/NOT submitted again/);
		expect(error?.description).toMatch(/dashboard/);
	}

	// 3. No secret anywhere.
	const everything = [
		JSON.stringify({ runData: check.result.runData, error: check.result.error }),
		...bed.logs.lines,
	].join('\n');
	for (const secret of [API_KEY, TRIGGER_SECRET, ...(check.secrets ?? [])]) {
		expect(everything.includes(secret)).toBe(false);
	}
	expect(blockedLookups).toEqual([]);

	// 4. Errors that say what, where, and what to do.
	if (check.error) {
		expect(error).toBeDefined();
		expectActionableError(error!, check.error.item, check.error.names);
	} else {
		expect(error).toBeUndefined();
	}
	for (const [index, names] of Object.entries(check.itemErrors ?? {})) {
		const json = outputs[Number(index)]?.json ?? {};
		expectActionableError(
			{
				message: String(json.error ?? ''),
				description: String(json.errorDescription ?? ''),
				itemIndex: Number(index),
			},
			Number(index),
			names,
		);
	}
}

/** Invariant 4 on one error. */
export function expectActionableError(error: ErrorView, item: number | 'run', names: RegExp): void {
	const text = `${error.message}\n${error.description}`;
	expect(text).toMatch(names);
	if (item !== 'run') {
		const named = error.itemIndex === item || new RegExp(`\\bitem ${item}\\b`).test(text);
		expect({ item, named, message: error.message }).toEqual({
			item,
			named: true,
			message: error.message,
		});
	}
	expect(error.description).toMatch(ADVICE);
	// n8n's generic texts for network errors advise retrying, which would bill a submit twice.
	expect(text).not.toMatch(/Retry on Fail|retry the request immediately/i);
}

// ---------------------------------------------------------------------------------------------
// docs/RELIABILITY.md stays true
// ---------------------------------------------------------------------------------------------

/**
 * The first cells of the table under `## <heading>` in docs/RELIABILITY.md must be exactly these row
 * names (no row missing, none extra), and the summary table's row count for the heading must match.
 */
export function expectRowsDocumented(heading: string, names: string[]): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const fs = require('node:fs') as typeof import('node:fs');
	const doc = fs.readFileSync(
		path.resolve(__dirname, '..', '..', 'docs', 'RELIABILITY.md'),
		'utf8',
	);
	const start = doc.indexOf(`\n## ${heading}\n`);
	expect({ heading, found: start >= 0 }).toEqual({ heading, found: true });
	const rest = doc.slice(start + heading.length + 5);
	const section = rest.slice(0, rest.search(/\n## /) >= 0 ? rest.search(/\n## /) : undefined);
	const cells = section
		.split('\n')
		.filter((line) => line.startsWith('| ') && !/^\| ---/.test(line))
		.map((line) => line.slice(2, line.indexOf(' |', 2)).replace(/\\\|/g, '|'))
		.slice(1); // the header row
	expect(cells).toEqual(names);
	const summary = new RegExp(
		`^\\| ${heading.replace(/[()]/g, '\\$&')} \\| [^|]+ \\| (\\d+) \\|`,
		'm',
	).exec(doc);
	expect({ heading, rows: summary ? Number(summary[1]) : undefined }).toEqual({
		heading,
		rows: names.length,
	});
}
