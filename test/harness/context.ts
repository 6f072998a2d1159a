/**
 * The run context n8n-core gets as `additionalData` (n8n CLI: WorkflowExecuteAdditionalData.getBase):
 * the instance's URLs, the credential store, the execution's hooks. Sub-workflows and the Code
 * node's task runner are not supported.
 */
import { Container, notSupported } from './core';

import { ExternalSecretsProxy } from 'n8n-core';
import type { ExecutionLifecycleHooks } from 'n8n-core';
import type {
	ICredentialsHelper,
	INodeParameters,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
} from 'n8n-workflow';

/** Base URL n8n would have by default (http://localhost:5678/). The webhook server uses its own. */
export const DEFAULT_INSTANCE_BASE_URL = 'http://localhost:5678/';

export interface AdditionalDataOptions {
	credentialsHelper: ICredentialsHelper;
	baseUrl?: string;
	executionId?: string;
	hooks?: ExecutionLifecycleHooks;
	workflowId?: string;
	workflowSettings?: IWorkflowSettings;
	currentNodeParameters?: INodeParameters;
}

export function buildAdditionalData(
	options: AdditionalDataOptions,
): IWorkflowExecuteAdditionalData {
	const base = (options.baseUrl ?? DEFAULT_INSTANCE_BASE_URL).replace(/\/?$/, '/');
	const additionalData = {
		currentNodeExecutionIndex: 0,
		credentialsHelper: options.credentialsHelper,
		executeWorkflow: async () => notSupported('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		restApiUrl: `${base}rest`,
		instanceBaseUrl: base,
		formWaitingBaseUrl: `${base}form-waiting`,
		formBaseUrl: `${base}form`,
		formTestBaseUrl: `${base}form-test`,
		webhookBaseUrl: `${base}webhook`,
		webhookWaitingBaseUrl: `${base}webhook-waiting`,
		webhookTestBaseUrl: `${base}webhook-test`,
		mcpBaseUrl: `${base}mcp`,
		mcpTestBaseUrl: `${base}mcp-test`,
		currentNodeParameters: options.currentNodeParameters,
		executionId: options.executionId,
		hooks: options.hooks,
		workflowId: options.workflowId,
		workflowSettings: options.workflowSettings,
		variables: {},
		externalSecretsProxy: Container.get(ExternalSecretsProxy),
		logAiEvent: () => {},
		sendDataToUI: () => {},
		setExecutionStatus: () => {},
		startRunnerTask: async () => notSupported('The Code node task runner'),
	};
	return additionalData as unknown as IWorkflowExecuteAdditionalData;
}
