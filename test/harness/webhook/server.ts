/**
 * A real HTTP server on 127.0.0.1 serving one trigger node's webhooks (n8n CLI: WebhookServer +
 * LiveWebhooks/TestWebhooks), collecting the runs the requests start.
 */
import { initN8nCore } from '../core';

import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { deepCopy } from 'n8n-workflow';
import type { IDataObject, IRunExecutionData, Workflow } from 'n8n-workflow';

import { buildAdditionalData } from '../context';
import { createCredentialsHelper } from '../credentials';
import { resolvePackage } from '../package';
import type { RunResult } from '../result';
import { executePrepared, type RunHandle } from '../run';
import { createWorkflow, normalizeNodes, type WorkflowSpec } from '../workflow';
import { handleWebhookRequest, type WebhookEndpoint, type WebhookRequestRecord } from './execute';
import { expressifyResponse, sendJsonError } from './http';
import { registerNodeWebhooks, runWebhookMethods } from './registration';

export interface WebhookServerOptions extends WorkflowSpec {
	/** Name of the trigger node whose webhooks are served. */
	nodeName: string;
	/** Webhook description whose URL `url` returns (default 'default'). */
	webhookName?: string;
	/**
	 * 'webhook' (default): production webhook, URL `<base>/webhook/<webhookId>/<path>`, runs in
	 * execution mode 'webhook'. 'manual': test webhook, URL `<base>/webhook-test/...`, mode 'manual'.
	 */
	mode?: 'webhook' | 'manual';
	/** Per-run safety timeout (default 30000 ms). */
	runTimeoutMs?: number;
	/** Run the node's webhookMethods (checkExists/create on start, delete on close) like n8n's activation. */
	runWebhookMethods?: boolean;
}

export interface WebhookServer {
	/** Full URL of the `webhookName` webhook, as `this.getNodeWebhookUrl(name)` returns it to the node. */
	url: string;
	/** URL of every webhook of the node, by webhook name. */
	urls: Record<string, string>;
	/** Base URL of the harness instance (used for all of additionalData's URLs). */
	baseUrl: string;
	/** Completed workflow runs started by requests, in completion order. */
	runs: RunResult[];
	/** Runs that did not complete (e.g. hit runTimeoutMs); waitForRuns rejects with the first. */
	failures: Error[];
	/** One record per received request. */
	requests: WebhookRequestRecord[];
	/** Resolves when at least `n` runs completed (rejects after timeoutMs, default 10000). */
	waitForRuns(n: number, timeoutMs?: number): Promise<RunResult[]>;
	/** Cancels unfinished runs, runs webhookMethods.delete (if enabled), closes the server. */
	close(): Promise<void>;
}

/** The runs requests started: completed, failed, in flight, and who waits for them. */
class RunTracker {
	readonly runs: RunResult[] = [];
	readonly failures: Error[] = [];
	readonly active = new Set<RunHandle>();
	private waiters: Array<() => void> = [];

	track(handle: RunHandle): Promise<RunResult> {
		this.active.add(handle);
		const done = handle.promise.then(
			(result) => {
				this.runs.push(result);
				this.notify();
				return result;
			},
			(error: Error) => {
				this.failures.push(error);
				this.notify();
				throw error;
			},
		);
		void done.catch(() => {}).finally(() => this.active.delete(handle));
		return done;
	}

	private notify(): void {
		this.waiters.splice(0).forEach((fn) => fn());
	}

	waitFor(n: number, timeoutMs = 10_000): Promise<RunResult[]> {
		return new Promise((resolve, reject) => {
			const check = () => {
				if (this.runs.length >= n) {
					clearTimeout(timer);
					resolve(this.runs.slice());
					return true;
				}
				if (this.failures.length > 0) {
					clearTimeout(timer);
					reject(this.failures[0]);
					return true;
				}
				return false;
			};
			const timer = setTimeout(() => {
				reject(
					new Error(
						`Only ${this.runs.length} of ${n} webhook runs completed within ${timeoutMs} ms`,
					),
				);
			}, timeoutMs);
			const wait = () => {
				if (!check()) this.waiters.push(wait);
			};
			wait();
		});
	}

	/** Cancels what still runs and waits for it to end. */
	async cancelAll(): Promise<void> {
		for (const handle of this.active) handle.cancel();
		await Promise.allSettled([...this.active].map((h) => h.promise));
	}
}

async function listen(server: http.Server): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return `http://127.0.0.1:${port}/`;
}

async function shutDown(server: http.Server): Promise<void> {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Serves a trigger node's webhooks on 127.0.0.1 (random port) the way n8n's webhook server does
 * (see execute.ts); when the node returns `workflowData`, the rest of the workflow runs in-process
 * from the trigger with that data. Completed runs are collected in `runs`.
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
	await initN8nCore();
	const pkg = resolvePackage(options.pkg);
	const mode: 'webhook' | 'manual' = options.mode === 'manual' ? 'manual' : 'webhook';
	const credentials = options.credentials ?? {};
	const credentialsHelper = await createCredentialsHelper(pkg, credentials);
	const nodes = normalizeNodes(pkg, options.nodes, credentials);
	const triggerSpec = nodes.find((n) => n.name === options.nodeName);
	if (!triggerSpec) throw new Error(`Node "${options.nodeName}" is not in the workflow`);
	triggerSpec.webhookId ??= randomUUID(); // the editor gives every webhook node a UUID
	const workflowId = `harness-wf-${randomUUID().slice(0, 8)}`;
	let staticData: IDataObject = deepCopy(options.staticData ?? {});

	const tracker = new RunTracker();
	const requests: WebhookRequestRecord[] = [];
	const pendingRequests = new Set<Promise<void>>();

	const endpoint: WebhookEndpoint = {
		nodeName: options.nodeName,
		mode,
		prefix: mode === 'manual' ? 'webhook-test' : 'webhook',
		baseUrl: '',
		registered: [],
		newWorkflow: () =>
			createWorkflow(
				pkg,
				{ ...options, staticData: deepCopy(staticData) },
				deepCopy(nodes),
				workflowId,
			),
		newAdditionalData: () =>
			buildAdditionalData({ credentialsHelper, baseUrl: endpoint.baseUrl, workflowId }),
		startRun: (workflow: Workflow, runExecutionData: IRunExecutionData, executionId: string) =>
			tracker.track(
				executePrepared({
					workflow,
					credentialsHelper,
					runExecutionData,
					executionId,
					mode,
					baseUrl: endpoint.baseUrl,
					timeoutMs: options.runTimeoutMs,
					onStaticData: (data) => (staticData = deepCopy(data)),
				}),
			),
	};

	const server = http.createServer((rawReq, rawRes) => {
		const res = expressifyResponse(rawRes);
		const record: WebhookRequestRecord = {
			method: (rawReq.method ?? 'GET').toUpperCase(),
			path: new URL(rawReq.url ?? '/', endpoint.baseUrl).pathname,
		};
		requests.push(record);
		res.on('finish', () => (record.statusCode = res.statusCode));
		const handling = handleWebhookRequest(endpoint, rawReq, res, record).catch((error) => {
			sendJsonError(res, 500, (error as Error).message);
		});
		pendingRequests.add(handling);
		void handling.finally(() => pendingRequests.delete(handling));
	});
	endpoint.baseUrl = await listen(server);

	const activate = options.runWebhookMethods !== false;
	const webhookMethods = (which: 'checkExists+create' | 'delete') =>
		runWebhookMethods(
			endpoint.newWorkflow(),
			options.nodeName,
			endpoint.registered,
			which,
			endpoint.newAdditionalData,
		);
	try {
		endpoint.registered = registerNodeWebhooks(
			endpoint.newWorkflow(),
			options.nodeName,
			endpoint.newAdditionalData(),
			mode,
		);
		if (activate) await webhookMethods('checkExists+create');
	} catch (error) {
		await shutDown(server);
		throw error;
	}

	let closed = false;
	const close = async (): Promise<void> => {
		if (closed) return;
		closed = true;
		await tracker.cancelAll();
		await Promise.allSettled([...pendingRequests]);
		try {
			if (activate) await webhookMethods('delete');
		} finally {
			await shutDown(server);
			endpoint.registered = [];
		}
	};

	const urls = Object.fromEntries(endpoint.registered.map((w) => [w.description.name, w.url]));
	const webhookName = options.webhookName ?? 'default';
	if (!urls[webhookName]) {
		await close();
		throw new Error(
			`Node "${options.nodeName}" has no webhook named "${webhookName}" (has: ${Object.keys(urls).join(', ')})`,
		);
	}
	return {
		url: urls[webhookName],
		urls,
		baseUrl: endpoint.baseUrl,
		runs: tracker.runs,
		failures: tracker.failures,
		requests,
		waitForRuns: (n, timeoutMs) => tracker.waitFor(n, timeoutMs),
		close,
	};
}
