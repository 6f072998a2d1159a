/**
 * In-process n8n engine for jest: runs workflows made of a COMPILED community package's nodes inside
 * n8n's own engine (n8n-core WorkflowExecute + n8n-workflow Workflow), with n8n's real request,
 * binary-data, credential and webhook machinery. Nothing is mocked below the node API: a node under
 * test sees the same `this` it sees in n8n 2.41.
 *
 * What n8n's CLI provides around the engine (credential store, webhook server, credential tester) is
 * re-created in a minimal form after n8n 2.41.1's CLI; what it does not re-create throws
 * "... is not supported by the test harness". README.md in this folder lists the modules.
 */
// './core' first: it sets up the environment before n8n-core is loaded.
export { cleanupHarness, initN8nCore, notSupported, userFolder } from './core';
export { HARNESS_START_NODE_TYPE } from './start-node';
export type { HarnessBinaryInput, HarnessInputItem } from './start-node';
export { HarnessCredentialTypes, HarnessNodeTypes } from './registries';
export { loadPackage } from './package';
export type { LoadedPackage } from './package';
export { HarnessCredentialsHelper } from './credentials';
export type { CredentialsInput } from './credentials';
export { DEFAULT_INSTANCE_BASE_URL } from './context';
export type { HarnessNode, WorkflowSpec } from './workflow';
export type { RunResult } from './result';
export { runWorkflow, startWorkflow } from './run';
export type { RunHandle, RunOptions } from './run';
export { testCredential } from './credential-test';
export type { HarnessWebhookRequest, HarnessWebhookResponse } from './webhook/http';
export type { WebhookRequestRecord } from './webhook/execute';
export { startWebhookServer } from './webhook/server';
export type { WebhookServer, WebhookServerOptions } from './webhook/server';
export { runWebhook } from './webhook/call';
export type { WebhookCallResult, WebhookRequestSpec } from './webhook/call';
export { NodeTestHarness } from './node-test-harness';
export type {
	ExpectedItem,
	TestOptions,
	WorkflowJson,
	WorkflowTestData,
} from './node-test-harness';
