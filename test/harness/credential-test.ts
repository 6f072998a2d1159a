/**
 * A credential's "Test" button (n8n CLI: CredentialsTester.testCredentials): the credential type's own
 * `test` request, or a node's `testedBy` method.
 */
import { initN8nCore } from './core';

import { CredentialTestContext, ExecuteContext, RoutingNode } from 'n8n-core';
import { NodeConnectionTypes, Workflow, createEmptyRunExecutionData, deepCopy } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunction,
	ICredentialTestRequest,
	ICredentialsDecrypted,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

import { buildAdditionalData } from './context';
import { HarnessCredentialsHelper } from './credentials';
import { resolvePackage, type LoadedPackage } from './package';

function getPath(value: unknown, keyPath: string): unknown {
	let current: unknown = value;
	for (const key of keyPath.split('.')) {
		if (current === null || current === undefined || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

type CredentialTestTarget =
	| ICredentialTestFunction
	| { nodeType?: INodeType; testRequest: ICredentialTestRequest };

/** Same lookup order as n8n: the credential type's own `test` first, then nodes' `testedBy`. */
function findCredentialTest(
	pkg: LoadedPackage,
	credentialType: string,
): CredentialTestTarget | undefined {
	const type = pkg.credentialTypes.getByName(credentialType);
	if (type.test) return { testRequest: type.test };

	for (const nodeName of pkg.credentialTypes.getSupportedNodes(credentialType)) {
		let node: INodeType | IVersionedNodeType;
		try {
			node = pkg.nodeTypes.getByName(nodeName);
		} catch {
			continue;
		}
		const versions: INodeType[] =
			'nodeVersions' in node ? Object.values(node.nodeVersions) : [node];
		for (const nodeType of versions) {
			for (const { name, testedBy } of nodeType.description.credentials ?? []) {
				if (name !== credentialType || !testedBy) continue;
				if (typeof testedBy === 'string') {
					if ('nodeVersions' in node) {
						const keys = Object.keys(node.nodeVersions).sort().reverse();
						for (const key of keys) {
							const credentialTest = node.nodeVersions[parseInt(key, 10)].methods?.credentialTest;
							if (credentialTest && testedBy in credentialTest) return credentialTest[testedBy];
						}
					}
					return (node as INodeType).methods?.credentialTest?.[testedBy];
				}
				return { nodeType, testRequest: testedBy };
			}
		}
	}
	return undefined;
}

/** Stand-in for n8n-nodes-base.noOp, the node n8n's CredentialsTester runs a credential's `test` request on. */
const NOOP_DESCRIPTION: INodeTypeDescription = {
	displayName: 'No Operation, do nothing',
	name: 'n8n-nodes-base.noOp',
	group: ['organization'],
	version: 1,
	description: 'No Operation',
	defaults: { name: 'No Operation, do nothing' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	properties: [],
};

/** n8n's verdict on a failed test request: a `responseCode` rule, the HTTP status, or the error code. */
function judgeRequestError(
	error: unknown,
	testRequest: ICredentialTestRequest,
): INodeCredentialTestResult {
	const e = error as {
		message: string;
		cause?: { response?: { status: number; statusText?: string }; code?: string };
	};
	if (e.cause?.response) {
		const statusCode = e.cause.response.status;
		for (const rule of testRequest.rules ?? []) {
			if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
		if (statusCode < 199 || statusCode > 299) {
			return {
				status: 'Error',
				message: e.cause.response.statusText || `Received HTTP status code: ${statusCode}`,
			};
		}
	} else if (e.cause?.code) {
		return { status: 'Error', message: e.cause.code };
	}
	return { status: 'Error', message: String(e.message) };
}

/** n8n's verdict on a test request that answered: the `responseSuccessBody` rules. */
function judgeResponse(
	response: INodeExecutionData[][] | null | undefined,
	testRequest: ICredentialTestRequest,
): INodeCredentialTestResult {
	for (const rule of testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const responseData = response?.[0]?.[0]?.json;
			if (getPath(responseData, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** Sends a declarative test request through n8n-core's RoutingNode, on a copy of the node (or a noOp). */
async function runTestRequest(
	target: { nodeType?: INodeType; testRequest: ICredentialTestRequest },
	credentialType: string,
	credentialsDecrypted: ICredentialsDecrypted,
	credentialsHelper: HarnessCredentialsHelper,
): Promise<INodeCredentialTestResult> {
	const nodeTypeDescription = target.nodeType?.description ?? NOOP_DESCRIPTION;
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: nodeTypeDescription.name,
		typeVersion: Array.isArray(nodeTypeDescription.version)
			? nodeTypeDescription.version[nodeTypeDescription.version.length - 1]
			: nodeTypeDescription.version,
		position: [0, 0],
		credentials: {
			[credentialType]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name },
		},
	};
	const nodeTypeCopy: INodeType = {
		description: {
			...nodeTypeDescription,
			credentials: [{ name: credentialType, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: target.testRequest.request },
					default: '',
				},
			],
		},
	};
	const testNodeTypes: INodeTypes = {
		getByName: () => nodeTypeCopy,
		getByNameAndVersion: () => nodeTypeCopy,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: testNodeTypes,
	});
	const additionalData = buildAdditionalData({
		credentialsHelper,
		currentNodeParameters: node.parameters,
	});
	// n8n hands the already-prepared test data to every non-raw credential lookup of the test request
	additionalData.credentialsHelper = new Proxy(credentialsHelper, {
		get(targetObj, prop) {
			if (prop === 'getDecrypted') {
				return async (...args: Parameters<HarnessCredentialsHelper['getDecrypted']>) =>
					args[5]
						? await credentialsHelper.getDecrypted(...args)
						: (credentialsDecrypted.data ?? {});
			}
			const value = Reflect.get(targetObj, prop) as unknown;
			return typeof value === 'function'
				? (value as (...a: unknown[]) => unknown).bind(targetObj)
				: value;
		},
	});
	const executeData: IExecuteData = { node, data: {}, source: null };
	const executeFunctions = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createEmptyRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const routingNode = new RoutingNode(executeFunctions, nodeTypeCopy, credentialsDecrypted);
	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (error) {
		return judgeRequestError(error, target.testRequest);
	}
	return judgeResponse(response, target.testRequest);
}

/**
 * Runs a credential's test the way n8n's "Test" button does (CredentialsTester): the data is first
 * completed with the type's defaults; then either the node's `methods.credentialTest[testedBy]` runs
 * with n8n-core's CredentialTestContext, or the declarative `test.request` is sent through n8n-core's
 * RoutingNode + request helpers (with the credential's `authenticate` applied) and judged by `rules`
 * (non-2xx → Error).
 */
export async function testCredential(
	credentialType: string,
	data: ICredentialDataDecryptedObject,
	options: { pkg?: LoadedPackage } = {},
): Promise<INodeCredentialTestResult> {
	await initN8nCore();
	const pkg = resolvePackage(options.pkg);
	const target = findCredentialTest(pkg, credentialType);
	if (target === undefined) {
		return { status: 'Error', message: 'No testing function found for this credential.' };
	}

	const credentialsHelper = new HarnessCredentialsHelper(pkg.credentialTypes);
	await credentialsHelper.set(credentialType, data);
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: credentialType,
		name: `${credentialType} (harness)`,
		type: credentialType,
		data: deepCopy(data),
	};
	const baseAdditionalData = buildAdditionalData({ credentialsHelper });
	try {
		credentialsDecrypted.data = await credentialsHelper.applyDefaultsAndOverwrites(
			baseAdditionalData,
			credentialsDecrypted.data!,
			credentialType,
			'internal',
		);
	} catch (error) {
		return { status: 'Error', message: String((error as Error).message) };
	}

	if (typeof target === 'function') {
		const context = new CredentialTestContext(baseAdditionalData);
		return await target.call(context, credentialsDecrypted);
	}
	return await runTestRequest(target, credentialType, credentialsDecrypted, credentialsHelper);
}
