// Shared set-up for the Max API node tests: the compiled package loaded the way n8n loads it, the
// emulator as Max API, and a one-node workflow (start → Max API) run inside n8n's engine.
import * as path from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator';
import { startApiProxy, type ApiProxy } from './apiProxy';
import {
	cleanupHarness,
	loadPackage,
	runWorkflow,
	startWorkflow,
	type HarnessInputItem,
	type LoadedPackage,
	type RunHandle,
	type RunResult,
} from '../harness/engine';

export const PACKAGE_DIR = path.resolve(__dirname, '..', '..');
export const NODE_TYPE = 'n8n-nodes-maxapi.maxApi';
export const NODE_NAME = 'Max API';

export interface MaxApiTestbed {
	emu: Emulator;
	pkg: LoadedPackage;
	credentials: { maxApi: { apiKey: string; baseUrl: string } };
}

/** Starts the emulator and loads the package once per test file; stops everything afterwards. */
export function useTestbed(options: EmulatorOptions = {}): MaxApiTestbed {
	const bed = {} as MaxApiTestbed;
	beforeAll(async () => {
		bed.pkg = await loadPackage(PACKAGE_DIR);
		bed.emu = await startEmulator({ latencyMs: 300, ...options });
		bed.credentials = { maxApi: { apiKey: bed.emu.apiKey, baseUrl: bed.emu.url } };
	});
	afterEach(() => bed.emu.reset());
	afterAll(async () => {
		await bed.emu?.close();
		cleanupHarness();
	});
	return bed;
}

/**
 * A recording proxy (apiProxy.ts) in front of the testbed's emulator for the whole test file, its
 * recorded submits emptied before each test. Call after useTestbed: the emulator starts first.
 */
export function useApiProxy(bed: MaxApiTestbed): ApiProxy {
	const proxy = {} as ApiProxy;
	beforeAll(async () => {
		Object.assign(proxy, await startApiProxy(bed.emu.url));
	});
	beforeEach(() => proxy.submits.splice(0));
	afterAll(async () => await proxy.close?.());
	return proxy;
}

export interface MaxApiRun {
	parameters: INodeParameters;
	items?: HarnessInputItem[];
	continueOnFail?: boolean;
	credentials?: MaxApiTestbed['credentials'];
	timeoutMs?: number;
}

function spec(bed: MaxApiTestbed, run: MaxApiRun) {
	return {
		pkg: bed.pkg,
		credentials: run.credentials ?? bed.credentials,
		items: run.items ?? [{}],
		timeoutMs: run.timeoutMs ?? 30_000,
		nodes: [
			{ name: 'Start', type: 'harness.start' },
			{
				name: NODE_NAME,
				type: NODE_TYPE,
				// In-process runs poll unless a test asks otherwise: a paused execution is resumed by n8n's
				// server (its waiting webhooks), which these runs do not have (test/e2e/pause.e2e.test.ts).
				parameters: { waitMode: 'poll', ...run.parameters },
				credentials: { maxApi: { id: '1', name: 'Max API account' } },
				...(run.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			},
		],
		connections: { Start: { main: [[{ node: NODE_NAME, type: 'main' as const, index: 0 }]] } },
	};
}

/** Runs start → Max API with these parameters and input items; resolves when n8n's engine is done. */
export async function runMaxApi(bed: MaxApiTestbed, run: MaxApiRun): Promise<RunResult> {
	return await runWorkflow(spec(bed, run));
}

export async function startMaxApi(bed: MaxApiTestbed, run: MaxApiRun): Promise<RunHandle> {
	return await startWorkflow(spec(bed, run));
}

/** The PNG's width and height, read from its IHDR chunk. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
	expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Everything a user or a log could see of a run, as one string (to look for leaked secrets). */
export function visibleText(result: RunResult): string {
	return JSON.stringify({ data: result.runData, error: result.error });
}
