/**
 * A trigger node's webhooks as n8n registers them (n8n CLI: WebhookService.getNodeWebhooks) and its
 * `webhookMethods` as n8n's activation runs them (checkExists/create, delete).
 */
import '../core'; // before n8n-core, like every harness module (see core.ts)

import { HookContext } from 'n8n-core';
import { NodeHelpers } from 'n8n-workflow';
import type {
	IHttpRequestMethods,
	IWebhookData,
	IWebhookDescription,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';

export interface RegisteredWebhook {
	webhookData: IWebhookData;
	description: IWebhookDescription;
	methods: string[];
	/** Path after the webhook prefix, e.g. `<webhookId>/maxapi`. */
	path: string;
	url: string;
}

/** The node's webhooks (restart webhooks left out), with their paths, HTTP methods and URLs. */
export function registerNodeWebhooks(
	workflow: Workflow,
	nodeName: string,
	additionalData: IWorkflowExecuteAdditionalData,
	mode: 'webhook' | 'manual',
): RegisteredWebhook[] {
	const workflowId = workflow.id;
	const node = workflow.getNode(nodeName)!;
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.description.webhooks?.length || !nodeType.webhook) {
		throw new Error(`Node "${node.name}" (${node.type}) has no webhooks`);
	}
	const webhookBaseUrl =
		mode === 'manual' ? additionalData.webhookTestBaseUrl : additionalData.webhookBaseUrl;
	const evaluate = <T>(value: unknown, fallback?: T): T =>
		workflow.expression.getSimpleParameterValue(
			node,
			value as string,
			'internal',
			{},
			undefined,
			fallback as never,
		) as T;
	const registered: RegisteredWebhook[] = [];
	for (const description of nodeType.description.webhooks) {
		if (description.restartWebhook === true) continue;
		const nodePath = String(evaluate(description.path) ?? '')
			.replace(/^\//, '')
			.replace(/\/$/, '');
		const isFullPath = evaluate<boolean>(description.isFullPath, false);
		const restartWebhook = evaluate<boolean>(description.restartWebhook, false);
		const webhookPath = NodeHelpers.getNodeWebhookPath(
			workflowId,
			node,
			nodePath,
			isFullPath,
			restartWebhook,
		);
		const methods = String(evaluate(description.httpMethod, 'GET'))
			.split(',')
			.map((m) => m.trim().toUpperCase())
			.filter(Boolean);
		registered.push({
			webhookData: {
				httpMethod: methods[0] as IHttpRequestMethods,
				node: node.name,
				path: webhookPath,
				webhookDescription: description,
				workflowId,
				workflowExecuteAdditionalData: additionalData,
				webhookId: node.webhookId,
			},
			description,
			methods,
			path: webhookPath,
			url: NodeHelpers.getNodeWebhookUrl(webhookBaseUrl, workflowId, node, nodePath, isFullPath),
		});
	}
	return registered;
}

/** Runs the node's webhookMethods for each registered webhook: activation or deactivation. */
export async function runWebhookMethods(
	workflow: Workflow,
	nodeName: string,
	registered: RegisteredWebhook[],
	which: 'checkExists+create' | 'delete',
	newAdditionalData: () => IWorkflowExecuteAdditionalData,
): Promise<void> {
	const node = workflow.getNode(nodeName)!;
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	for (const { webhookData, description } of registered) {
		const methods = nodeType.webhookMethods?.[description.name];
		if (!methods) continue;
		const additionalData = newAdditionalData();
		const data = { ...webhookData, workflowExecuteAdditionalData: additionalData };
		const context = () =>
			new HookContext(workflow, node, additionalData, 'trigger', 'activate', data);
		if (which === 'delete') {
			await methods.delete?.call(context());
		} else {
			const exists = await methods.checkExists?.call(context());
			if (!exists) await methods.create?.call(context());
		}
	}
}
