/**
 * One webhook request, handled like n8n 2.41.1's webhook-helpers.executeWebhook: route to the node's
 * webhook, parse the body, call the node's `webhook()`, start the rest of the workflow with what it
 * returns, and answer in the webhook's response mode (`onReceived` or `lastNode`; the other modes are
 * not supported).
 */
import { notSupported } from '../core';

import type * as http from 'node:http';

import { WebhookContext } from 'n8n-core';
import { createRunExecutionData, isNodeClassInstance } from 'n8n-workflow';
import type {
	ExecutionError,
	IHttpRequestMethods,
	INode,
	IRunExecutionData,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import type { RunResult } from '../result';
import { nextExecutionId } from '../workflow';
import {
	expressifyRequest,
	isParsableContentType,
	parseBody,
	sendBody,
	sendJsonError,
	type HarnessWebhookResponse,
} from './http';
import type { RegisteredWebhook } from './registration';

export interface WebhookRequestRecord {
	method: string;
	path: string;
	statusCode?: number;
	/** Execution started for this request, if any. */
	executionId?: string;
	/** Error thrown by the node's webhook() method, if any. */
	webhookError?: Error;
}

/** What every request to one trigger node shares (set up by the webhook server). */
export interface WebhookEndpoint {
	nodeName: string;
	mode: WorkflowExecuteMode;
	/** `webhook` or `webhook-test`. */
	prefix: string;
	baseUrl: string;
	registered: RegisteredWebhook[];
	newWorkflow(): Workflow;
	newAdditionalData(): IWorkflowExecuteAdditionalData;
	/** Runs the workflow from the trigger; resolves with the completed run, rejects if it did not complete. */
	startRun(
		workflow: Workflow,
		runExecutionData: IRunExecutionData,
		executionId: string,
	): Promise<RunResult>;
}

/** Response modes n8n 2.41 knows; the harness answers the first two, refuses the others. */
const RESPONSE_MODES = [
	'onReceived',
	'lastNode',
	'responseNode',
	'formPage',
	'streaming',
	'hostedChat',
];

/** The registered webhook for this method and path, or a 404 like n8n's. */
function findWebhook(
	endpoint: WebhookEndpoint,
	method: string,
	requestedPath: string,
	res: HarnessWebhookResponse,
): RegisteredWebhook | undefined {
	const atPath = endpoint.registered.filter(
		(w) => `${endpoint.prefix}/${w.path}` === requestedPath,
	);
	const hook = atPath.find((w) => w.methods.includes(method));
	if (hook) return hook;
	if (atPath.length > 0) {
		sendJsonError(
			res,
			404,
			`This webhook is not registered for ${method} requests. Did you mean to make a POST request?`,
		);
	} else {
		sendJsonError(
			res,
			404,
			`The requested webhook "${method} ${requestedPath.replace(/^webhook(-test)?\//, '')}" is not registered.`,
		);
	}
	return undefined;
}

interface WebhookOutcome {
	result: IWebhookResponseData;
	/** The response is already sent (by the node itself, or the 500 after webhook() threw). */
	responded: boolean;
	/** Set when webhook() threw: the failed run n8n records. */
	failedRun?: Partial<IRunExecutionData>;
}

/** Calls the node's webhook() with n8n-core's WebhookContext; a throw is answered 500 like n8n does. */
async function callNodeWebhook(
	workflow: Workflow,
	node: INode,
	additionalData: IWorkflowExecuteAdditionalData,
	mode: WorkflowExecuteMode,
	webhookData: IWebhookData,
	res: HarnessWebhookResponse,
	record: WebhookRequestRecord,
): Promise<WebhookOutcome> {
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	try {
		const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
		const result = isNodeClassInstance(nodeType)
			? await nodeType.webhook!(context)
			: await nodeType.webhook!.call(context);
		return { result, responded: result.noWebhookResponse === true }; // noWebhookResponse: the node answered
	} catch (error) {
		const err = error as Error;
		record.webhookError = err;
		sendJsonError(res, 500, 'Workflow Webhook Error: Workflow could not be started!');
		return {
			result: { workflowData: [[{ json: {} }]] },
			responded: true,
			failedRun: {
				resultData: {
					runData: {},
					lastNodeExecuted: node.name,
					error: { ...err, message: err.message, stack: err.stack } as ExecutionError,
				},
			},
		};
	}
}

/** One request's view of the workflow, for evaluating the webhook description and answering. */
interface RequestScope {
	workflow: Workflow;
	node: INode;
	description: IWebhookDescription;
	mode: WorkflowExecuteMode;
	additionalData: IWorkflowExecuteAdditionalData;
	additionalKeys: IWorkflowDataProxyAdditionalKeys;
	responseCode: number;
	res: HarnessWebhookResponse;
}

/** The description's `responseData`, evaluated with n8n's default 'firstEntryJson'. */
function evaluateResponseData(scope: RequestScope): unknown {
	const { workflow, node, description, mode, additionalKeys } = scope;
	return workflow.expression.getComplexParameterValue(
		node,
		description.responseData as never,
		mode,
		additionalKeys,
		undefined,
		'firstEntryJson',
	);
}

/**
 * `onReceived`: answers at once. n8n 2.41 evaluates the description's responseData with the default
 * 'firstEntryJson' here, so a description WITHOUT `responseData` answers with that literal string.
 */
function respondOnReceived(
	scope: RequestScope,
	executionId: string,
	webhookResponse: unknown,
): void {
	const { additionalData, additionalKeys, mode } = scope;
	additionalKeys.$executionId = executionId;
	additionalKeys.$execution = {
		id: executionId,
		mode: mode === 'manual' ? 'test' : 'production',
		resumeUrl: `${additionalData.webhookWaitingBaseUrl}/${executionId}`,
		resumeFormUrl: `${additionalData.formWaitingBaseUrl}/${executionId}`,
	};
	const responseData = evaluateResponseData(scope);
	let body: unknown;
	if (responseData === 'noData') body = undefined;
	else if (responseData) body = responseData;
	else if (webhookResponse !== undefined) body = webhookResponse;
	else body = { message: 'Workflow was started' };
	sendBody(scope.res, scope.responseCode, body);
}

/** `lastNode`: answers once the run is over, with the last node's first item, all items, or nothing. */
async function respondWithLastNode(
	scope: RequestScope,
	run: Promise<RunResult | undefined>,
): Promise<void> {
	const { res, responseCode } = scope;
	const result = await run;
	if (res.headersSent || res.writableEnded) return;
	if (!result || result.error) {
		sendBody(res, 500, { message: 'Error in workflow' });
		return;
	}
	const last = result.lastNodeExecuted;
	const lastItems = last ? result.outputOf(last) : [];
	const responseData = evaluateResponseData(scope);
	if (responseData === 'firstEntryBinary')
		notSupported("A lastNode webhook answering with 'firstEntryBinary'");
	if (responseData === 'allEntries')
		sendBody(
			res,
			responseCode,
			lastItems.map((i) => i.json),
		);
	else if (responseData === 'noData') sendBody(res, responseCode, undefined);
	else
		sendBody(
			res,
			responseCode,
			lastItems[0]?.json ?? {
				message: 'Workflow executed successfully but the last node did not return any data',
			},
		);
}

/** Handles one HTTP request to the webhook server. */
export async function handleWebhookRequest(
	endpoint: WebhookEndpoint,
	rawReq: http.IncomingMessage,
	res: HarnessWebhookResponse,
	record: WebhookRequestRecord,
): Promise<void> {
	const url = new URL(rawReq.url ?? '/', endpoint.baseUrl);
	const method = record.method;
	const hook = findWebhook(endpoint, method, url.pathname.replace(/^\/+/, ''), res);
	if (!hook) return;

	const { mode } = endpoint;
	const req = expressifyRequest(rawReq, url);
	const workflow = endpoint.newWorkflow();
	const node = workflow.getNode(endpoint.nodeName)!;
	const additionalKeys: IWorkflowDataProxyAdditionalKeys = { $executionId: undefined };
	const additionalData = endpoint.newAdditionalData();
	additionalData.httpRequest = req as never;
	additionalData.httpResponse = res as never;
	const webhookData: IWebhookData = {
		...hook.webhookData,
		httpMethod: method as IHttpRequestMethods,
		workflowExecuteAdditionalData: additionalData,
	};

	const evaluate = <T>(value: unknown, fallback?: T): T =>
		workflow.expression.getSimpleParameterValue(
			node,
			value as string,
			mode,
			additionalKeys,
			undefined,
			fallback as never,
		) as T;
	const { description } = hook;
	const responseMode = evaluate<string>(description.responseMode, 'onReceived');
	const responseCode = evaluate<number>(description.responseCode, 200);
	if (!RESPONSE_MODES.includes(responseMode)) {
		sendJsonError(res, 500, `The response mode '${responseMode}' is not valid!`);
		return;
	}
	if (responseMode !== 'onReceived' && responseMode !== 'lastNode') {
		notSupported(`The webhook response mode '${responseMode}'`);
	}

	// n8n: version-1 nodes always get their body parsed; later versions only for parsable types
	if (node.typeVersion === 1 || isParsableContentType(req.contentType)) {
		try {
			await parseBody(req);
		} catch (error) {
			sendJsonError(res, 422, (error as Error).message);
			return;
		}
	}

	const outcome = await callNodeWebhook(
		workflow,
		node,
		additionalData,
		mode,
		webhookData,
		res,
		record,
	);
	const { result } = outcome;
	if (result.workflowData === undefined) {
		if (!outcome.responded) {
			const body =
				result.webhookResponse !== undefined
					? result.webhookResponse
					: { message: 'Webhook call received' };
			sendBody(res, responseCode, body);
		}
		return;
	}

	const executionId = nextExecutionId();
	record.executionId = executionId;
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node, data: { main: result.workflowData }, source: null }],
		},
	});
	Object.assign(runExecutionData, outcome.failedRun ?? {});
	const run = endpoint.startRun(workflow, runExecutionData, executionId);

	if (outcome.responded) return;
	const scope: RequestScope = {
		workflow,
		node,
		description,
		mode,
		additionalData,
		additionalKeys,
		responseCode,
		res,
	};
	if (responseMode === 'onReceived') respondOnReceived(scope, executionId, result.webhookResponse);
	else
		await respondWithLastNode(
			scope,
			run.catch(() => undefined),
		);
}
