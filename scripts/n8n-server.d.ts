// Types for scripts/n8n-server.js (plain CommonJS).
import type { N8nRuntime } from './n8n-install';

/**
 * JSON as n8n answers it (REST and public API bodies, workflows, execution items), unchecked: callers read
 * the fields they expect and their assertions check them. Typing n8n's whole API here would only move
 * the casts into every test.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one untyped type of n8n's answers, see above
export type N8nJson = any;

export interface StartN8nOptions {
	/**
	 * 'regular' (default): one `n8n start` on SQLite. 'queue': n8n's queue mode, as users scale out:
	 * Redis and PostgreSQL (Debian's packages, apt-get installed when missing) as local processes with
	 * their data in a temp folder, a main `n8n start` (editor, REST, public API, test webhooks), `workers`
	 * `n8n worker --concurrency=<workerConcurrency>` processes running every execution (manual ones too),
	 * and one `n8n webhook` process serving production webhooks and waiting-execution resume URLs
	 * (/webhook-waiting/...). Binary data is kept in the database. Each phase's time is printed.
	 */
	mode?: 'regular' | 'queue';
	/** Queue mode: how many `n8n worker` processes (default 1). */
	workers?: number;
	/** Queue mode: how many executions each worker runs at once (`--concurrency`, default 1). */
	workerConcurrency?: number;
	/** N8N_USER_FOLDER; default a new temp folder that stop() deletes. */
	userFolder?: string;
	/** Default: a free port on 127.0.0.1. An explicit port must be free. */
	port?: number;
	/** `npm pack` tarball to install into $N8N_USER_FOLDER/.n8n/nodes/node_modules/<name>. */
	packageTgz?: string;
	/** Or a package folder, packed with `npm pack --ignore-scripts` first. */
	packageDir?: string;
	/** Extra or overriding environment for n8n. */
	env?: Record<string, string>;
	owner?: { email?: string; password?: string; firstName?: string; lastName?: string };
	/** Node types that must be loaded, e.g. ['n8n-nodes-maxapi.maxApi']; start fails otherwise. */
	expectNodeTypes?: string[];
	/** Credential types that must be loaded, e.g. ['maxApi']. */
	expectCredentialTypes?: string[];
	onLog?: (line: string) => void;
	logFile?: string;
	readyTimeoutMs?: number;
	keepUserFolder?: boolean;
	/** Extra arguments for the Node running n8n. */
	nodeArgs?: string[];
	runtime?: N8nRuntime;
}

/** An execution as the public API returns it (GET /api/v1/executions/:id?includeData=true). */
export interface N8nExecution {
	id: string;
	finished: boolean;
	mode: string;
	status: 'new' | 'running' | 'success' | 'error' | 'canceled' | 'crashed' | 'waiting' | string;
	startedAt: string;
	stoppedAt: string | null;
	workflowId: string;
	waitTill: string | null;
	data?: {
		resultData: {
			runData: Record<
				string,
				Array<{
					executionStatus?: string;
					error?: { message?: string; [k: string]: unknown };
					data?: {
						main: Array<Array<{
							json: Record<string, N8nJson>;
							binary?: Record<string, N8nJson>;
							pairedItem?: unknown;
						}> | null>;
					};
					[k: string]: unknown;
				}>
			>;
			error?: { message?: string; [k: string]: unknown };
			lastNodeExecuted?: string;
		};
		[k: string]: unknown;
	};
	[k: string]: unknown;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export interface LoadedTypes {
	nodes: string[];
	credentials: string[];
	/** Node types whose name starts with `<package name>.` */
	packageNodes: string[];
	/** Credential types whose icon lives in the package. */
	packageCredentials: string[];
}

export interface N8nInstance {
	/** http://127.0.0.1:<port> */
	url: string;
	port: number;
	brokerPort: number;
	/** Main n8n's pid when it started (processes() has the current ones). */
	pid: number;
	mode: 'regular' | 'queue';
	/** Pids of the running n8n processes by name: main; in queue mode also worker1..N and webhook. */
	processes(): Record<string, number>;
	/** Queue mode: where Redis and PostgreSQL listen (127.0.0.1); null in regular mode. */
	services: { redis: { port: number }; postgres: { port: number; database: string } } | null;
	userFolder: string;
	encryptionKey: string;
	owner: { email: string; password: string };
	/** Public API key (header X-N8N-API-KEY), all scopes of the owner. */
	apiKey: string;
	/** `n8n-auth=...` cookie of the logged-in owner, for /rest. */
	cookie: string;
	/** n8n's stdout+stderr lines so far. */
	logs: string[];
	logTail(lines?: number): string;
	package: { name: string; version: string; nodes: string[]; credentials: string[] } | null;
	runtime: N8nRuntime;
	timings: {
		/** Queue mode: Redis and PostgreSQL started (with an apt-get install when they were missing). */
		servicesMs?: number;
		spawnedAtMs: number;
		/** Main's time from spawn to ready. */
		readyMs?: number;
		/** Each n8n process's time from spawn to ready, at the first start. */
		processesReadyMs?: Record<string, number>;
		totalMs?: number;
	};
	/** Stops every n8n process, then Redis and PostgreSQL, and waits; deletes temp folders. Nothing is left running. */
	stop(): Promise<{ code: number | null; signal: string | null } | null>;
	/**
	 * Stops the n8n processes (main, workers, webhook) but keeps the database (SQLite in the user folder,
	 * or Redis and PostgreSQL) and the user folder: what a restart of n8n does to a waiting execution.
	 */
	stopN8nProcesses(): Promise<void>;
	/** Starts the n8n processes again on the same database and ports; the cookie and API key stay valid. */
	startN8nProcesses(): Promise<void>;
	/** The first exit among the n8n processes: main's, or another's with `process` naming it. */
	exited(): { code: number | null; signal: string | null; process?: string } | null;

	/** /rest call with the owner's cookie; resolves to the answer's `data`. Throws on non-2xx (err.status, err.body). */
	rest<T = N8nJson>(method: string, path: string, body?: unknown): Promise<T>;
	/** /api/v1 call with the API key. Throws on non-2xx. */
	api<T = N8nJson>(method: string, path: string, body?: unknown): Promise<T>;
	getLoadedTypes(refresh?: boolean): Promise<LoadedTypes>;

	createCredential(
		type: string,
		name: string,
		data: Record<string, unknown>,
	): Promise<{ id: string; name: string; type: string }>;
	updateCredential(
		id: string,
		c: { type: string; name: string; data: Record<string, unknown> },
	): Promise<N8nJson>;
	listCredentials(): Promise<Array<{ id: string; name: string; type: string }>>;
	deleteCredential(id: string): Promise<N8nJson>;

	/** Public API create; the JSON may be an editor export (read-only fields are dropped). */
	createWorkflow(
		json: object | string,
	): Promise<{ id: string; name: string; nodes: N8nJson[]; [k: string]: unknown }>;
	updateWorkflow(id: string, json: object | string): Promise<N8nJson>;
	getWorkflow(
		id: string,
	): Promise<{ id: string; name: string; nodes: N8nJson[]; active: boolean; [k: string]: unknown }>;
	listWorkflows(
		query?: Record<string, string>,
	): Promise<Array<{ id: string; name: string; active: boolean; [k: string]: unknown }>>;
	deleteWorkflow(id: string): Promise<N8nJson>;
	activateWorkflow(id: string): Promise<N8nJson>;
	deactivateWorkflow(id: string): Promise<N8nJson>;

	/**
	 * Runs the workflow like the editor's "Execute workflow" button (POST /rest/workflows/:id/run from its
	 * Manual Trigger). Resolves to the finished execution with data, or to { executionId } with wait:false.
	 */
	runWorkflowManually(
		id: string,
		opts?: { triggerName?: string; wait?: true; timeoutMs?: number },
	): Promise<N8nExecution>;
	runWorkflowManually(
		id: string,
		opts: { triggerName?: string; wait: false },
	): Promise<{ executionId: string }>;
	/** `n8n execute --id` in a separate process (slower; for comparison). */
	runWorkflowWithCli(
		id: string,
		opts?: { timeoutMs?: number },
	): Promise<{ code: number | null; signal: string | null; run: N8nJson; output: string }>;
	getExecution(id: string, opts?: { includeData?: boolean }): Promise<N8nExecution>;
	getExecutions(
		workflowId: string,
		opts?: { includeData?: boolean; status?: string; limit?: number },
	): Promise<N8nExecution[]>;
	waitForExecution(id: string, timeoutMs?: number): Promise<N8nExecution>;
	/** Resolves when >= count executions of the workflow have finished (oldest first, with data). */
	waitForExecutions(
		workflowId: string,
		count?: number,
		timeoutMs?: number,
		opts?: { includeData?: boolean },
	): Promise<N8nExecution[]>;
	/** n8n's own credential test (POST /rest/credentials/test). With an id, `data` replaces the stored data. */
	testCredential(
		type: string,
		data: Record<string, unknown>,
		opts?: { id?: string; name?: string },
	): Promise<CredentialTestResult>;
	testCredential(c: {
		type: string;
		data: Record<string, unknown>;
		id?: string;
		name?: string;
	}): Promise<CredentialTestResult>;
	/** Where production webhooks and resume URLs (/webhook-waiting/...) are served: url, or in queue mode the webhook process's. */
	webhookBaseUrl: string;
	/** Production webhook URL: <webhookBaseUrl>/webhook/<path>. */
	webhookUrl(path: string): string;
}

export function startN8n(options?: StartN8nOptions): Promise<N8nInstance>;
export function freePort(): Promise<number>;
export function toPublicWorkflow(json: object | string): object;
export function installPackageTgz(
	userFolder: string,
	tgz: string,
): { name: string; version: string; dir: string; manifest: N8nJson };
