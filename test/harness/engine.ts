/**
 * In-process n8n engine for jest: runs workflows made of a COMPILED community package's nodes inside
 * n8n's own engine (n8n-core WorkflowExecute + n8n-workflow Workflow), with n8n's real request,
 * binary-data, credential and webhook machinery. Nothing is mocked below the node API: a node under
 * test sees the same `this` it sees in n8n 2.41.
 *
 * What n8n's CLI provides around the engine (database, credential storage, webhook server, credential
 * tester) is re-created here in a minimal form, following n8n 2.41.1's CLI behaviour
 * (CredentialsHelper, CredentialsTester, webhook-helpers, WorkflowExecuteAdditionalData.getBase).
 *
 * IMPORTANT: './setup-env' must stay the first import: it points N8N_USER_FOLDER at a temp dir before
 * n8n-core reads its configuration.
 *
 * jest quirk: n8n-core sniffs MIME types with `await import('file-type')` (ESM) when
 * `prepareBinaryData`/`copyBinaryFile` get neither a MIME type nor a file name with a known
 * extension. Inside jest that dynamic import fails with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG
 * unless jest runs with NODE_OPTIONS=--experimental-vm-modules (works in n8n itself).
 * See README.md in this folder for the API and the other quirks.
 */
import { harnessUserFolder, removeHarnessUserFolder } from './setup-env';

import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as querystring from 'node:querystring';

import {
	BinaryDataService,
	Cipher,
	Credentials,
	CredentialTestContext,
	EncryptionKeyProxy,
	ExecuteContext,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	HookContext,
	InstanceSettings,
	PackageDirectoryLoader,
	RoutingNode,
	UnrecognizedNodeTypeError,
	WebhookContext,
	WorkflowExecute,
	getAdditionalKeys,
} from 'n8n-core';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	UserError,
	Workflow,
	createEmptyRunExecutionData,
	createRunExecutionData,
	deepCopy,
	isExpression,
	isNodeClassInstance,
} from 'n8n-workflow';
import type { KeyInfo } from 'n8n-core';
import type {
	ExecutionError,
	ExecutionStatus,
	IBinaryData,
	IConnections,
	ICredentialDataDecryptedObject,
	ICredentialTestFunction,
	ICredentialTestRequest,
	ICredentialType,
	ICredentialTypes,
	ICredentialsDecrypted,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	INodeCredentialTestResult,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	IRunExecutionData,
	IVersionedNodeType,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// Module resolution pitfalls
// ---------------------------------------------------------------------------------------------

/**
 * n8n-core ships its OWN copies of @n8n/di, @n8n/backend-common and @n8n/backend-network under
 * node_modules/n8n-core/node_modules (the hoisted top-level copies are other versions, pulled in by
 * @n8n/node-cli). The DI Container is a module-level map keyed by class, so services registered by
 * n8n-core are only visible through n8n-core's copy: always load those packages relative to n8n-core.
 */
const n8nCoreDir = path.dirname(require.resolve('n8n-core/package.json'));
function requireFromN8nCore<T>(id: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(require.resolve(id, { paths: [n8nCoreDir] })) as T;
}
const { Container } = requireFromN8nCore<typeof import('@n8n/di')>('@n8n/di');
const { parseIncomingMessage } = requireFromN8nCore<{
	parseIncomingMessage: (message: http.IncomingMessage) => void;
}>('@n8n/backend-network');

// ---------------------------------------------------------------------------------------------
// n8n-core initialisation (DI)
// ---------------------------------------------------------------------------------------------

let coreReady: Promise<void> | undefined;

/**
 * Builds the few n8n-core services the engine needs, once per module instance:
 * - InstanceSettings (reads N8N_USER_FOLDER / N8N_ENCRYPTION_KEY, writes <tmp>/.n8n/config),
 * - an encryption key provider for n8n-core's Cipher: n8n 2.x's CLI serves keys from its database
 *   (key rotation); the harness serves the single legacy key, i.e. the instance encryption key,
 * - BinaryDataService in n8n 2.x's default `filesystem` mode, storing under <tmp>/.n8n/storage.
 * Everything else (Logger, ErrorReporter, OutboundHttp, ...) is created lazily by the Container.
 */
export async function initN8nCore(): Promise<void> {
	coreReady ??= (async () => {
		const instanceSettings = Container.get(InstanceSettings);
		const legacyKey: KeyInfo = {
			id: 'legacy',
			value: Container.get(Cipher).encryptDEKWithInstanceKey(instanceSettings.encryptionKey),
			algorithm: 'aes-256-cbc',
			format: 'no-prefix',
		};
		Container.get(EncryptionKeyProxy).setProvider({
			getActiveKey: async () => legacyKey,
			getKeyById: async (id: string) => (id === legacyKey.id ? legacyKey : null),
			getLegacyKey: async () => legacyKey,
		});
		await Container.get(BinaryDataService).init();
	})();
	await coreReady;
}

/**
 * The harness' answer to an n8n feature it does not re-create (OAuth, credential inheritance,
 * sub-workflows, ...): fail loudly instead of imitating n8n halfway.
 */
export function notSupported(what: string): never {
	throw new UnexpectedError(`${what} is not supported by the test harness`);
}

// ---------------------------------------------------------------------------------------------
// Harness-local node type: the start point
// ---------------------------------------------------------------------------------------------

/** Type name of the harness start node (n8n-nodes-base is not a dependency, so no Manual Trigger). */
export const HARNESS_START_NODE_TYPE = 'harness.start';

/** A binary input as tests write it: raw bytes + metadata. Stored through n8n's prepareBinaryData. */
export interface HarnessBinaryInput {
	data: Buffer | Uint8Array | string; // a string is base64, as in n8n's in-memory binary mode
	mimeType?: string;
	fileName?: string;
}

/** An input item: plain JSON, or `{ json, binary? }` (binary values may be HarnessBinaryInput). */
export type HarnessInputItem =
	| IDataObject
	| { json: IDataObject; binary?: Record<string, HarnessBinaryInput | IBinaryData> };

function isWrappedItem(
	item: HarnessInputItem,
): item is { json: IDataObject; binary?: Record<string, HarnessBinaryInput | IBinaryData> } {
	if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
	const keys = Object.keys(item);
	return (
		keys.includes('json') &&
		typeof item.json === 'object' &&
		item.json !== null &&
		keys.every((k) => ['json', 'binary', 'pairedItem'].includes(k))
	);
}

/**
 * `harness.start`: plays the role of n8n's Manual Trigger for tests. It outputs the items of its
 * `items` parameter (a JSON array, or a JSON string of one) when set, otherwise the items the
 * harness put on the execution stack (runWorkflow's `items` option), otherwise one empty item
 * (what the Manual Trigger emits). Binary inputs given as bytes are stored with n8n's own
 * `helpers.prepareBinaryData`, so downstream nodes receive binary data exactly as from any n8n node.
 * This is a tiny local node type written for the harness: n8n-nodes-base is not a dependency.
 */
class HarnessStartNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Start',
		name: 'start',
		group: ['trigger'],
		version: 1,
		description: 'Start point of a harness workflow: outputs the items it is given',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Items',
				name: 'items',
				type: 'json',
				default: '',
				description: 'JSON array of the items to output',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let raw: unknown = this.getNodeParameter('items', 0, '');
		if (typeof raw === 'string') raw = raw.trim() === '' ? undefined : JSON.parse(raw);
		let source: HarnessInputItem[];
		if (Array.isArray(raw)) source = raw as HarnessInputItem[];
		else if (raw !== undefined && raw !== null) source = [raw as HarnessInputItem];
		else {
			const input = this.getInputData();
			source = input.length > 0 ? (input as HarnessInputItem[]) : [{ json: {} }];
		}

		const out: INodeExecutionData[] = [];
		for (let i = 0; i < source.length; i++) {
			const item = source[i];
			const wrapped = isWrappedItem(item) ? item : { json: item as IDataObject };
			const result: INodeExecutionData = { json: wrapped.json, pairedItem: { item: i } };
			if (wrapped.binary) {
				result.binary = {};
				for (const [key, value] of Object.entries(wrapped.binary)) {
					if ((value as IBinaryData).id) {
						result.binary[key] = value as IBinaryData;
						continue;
					}
					const bytes =
						typeof value.data === 'string'
							? Buffer.from(value.data, 'base64')
							: Buffer.from(value.data as Uint8Array);
					result.binary[key] = await this.helpers.prepareBinaryData(
						bytes,
						value.fileName,
						value.mimeType,
					);
				}
			}
			out.push(result);
		}
		return [out];
	}
}

const HARNESS_NODES: Record<string, INodeType> = { start: new HarnessStartNode() };

// ---------------------------------------------------------------------------------------------
// Node & credential type registries (n8n CLI: LoadNodesAndCredentials + NodeTypes + CredentialTypes)
// ---------------------------------------------------------------------------------------------

function splitTypeName(fullName: string): [string, string] {
	const dot = fullName.lastIndexOf('.');
	if (dot <= 0) return ['', fullName];
	return [fullName.slice(0, dot), fullName.slice(dot + 1)];
}

/** n8n CLI gives declarative nodes an `execute` that runs RoutingNode (NodeTypes.getByNameAndVersion). */
function shouldAssignExecuteMethod(nodeType: INodeType): boolean {
	const isDeclarativeNode = nodeType?.description?.requestDefaults !== undefined;
	return (
		!nodeType.execute &&
		!nodeType.poll &&
		!nodeType.trigger &&
		(!nodeType.webhook || isDeclarativeNode) &&
		(!nodeType.methods || isDeclarativeNode)
	);
}

/**
 * INodeTypes as n8n's CLI implements it: full names are `<package name>.<node name>`
 * (e.g. `n8n-nodes-maxapi.maxApi`), looked up in the package's DirectoryLoader; `harness.*` are the
 * harness' own nodes.
 */
export class HarnessNodeTypes implements INodeTypes {
	constructor(private readonly loader: PackageDirectoryLoader) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const [pkg, name] = splitTypeName(nodeType);
		if (pkg === 'harness' && HARNESS_NODES[name]) return HARNESS_NODES[name];
		if (pkg !== this.loader.packageName) throw new UnrecognizedNodeTypeError(pkg, name);
		return this.loader.getNode(name).type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const versioned = NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
		if (shouldAssignExecuteMethod(versioned)) {
			versioned.execute = async function (this: IExecuteFunctions) {
				const routingNode = new RoutingNode(this as unknown as ExecuteContext, versioned);
				return (await routingNode.runNode()) ?? [];
			};
		}
		return versioned;
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const [name, details] of Object.entries(this.loader.known.nodes)) {
			known[`${this.loader.packageName}.${name}`] = { ...details };
		}
		return known;
	}

	/** Full type names of the package's nodes, e.g. ['n8n-nodes-maxapi.maxApi']. */
	get packageNodeTypeNames(): string[] {
		return Object.keys(this.loader.known.nodes).map((n) => `${this.loader.packageName}.${n}`);
	}
}

/**
 * ICredentialTypes as n8n's CLI CredentialTypes implements it, over one package's loader. Credential
 * inheritance (`extends`, which OAuth1/OAuth2 credentials use) is not supported: the parent types
 * live in n8n-nodes-base, which the harness does not load.
 */
export class HarnessCredentialTypes implements ICredentialTypes {
	constructor(private readonly loader: PackageDirectoryLoader) {}

	recognizes(type: string): boolean {
		return type in this.loader.known.credentials;
	}

	getByName(type: string): ICredentialType {
		return this.loader.getCredential(type).type;
	}

	/** Full names of the nodes that declare this credential (n8n prefixes them with the package name). */
	getSupportedNodes(type: string): string[] {
		const supported = this.loader.known.credentials[type]?.supportedNodes ?? [];
		return supported.map((n) => `${this.loader.packageName}.${n}`);
	}

	/** Always [] (n8n-core asks on every authenticated request); a type that `extends` others is refused. */
	getParentTypes(typeName: string): string[] {
		const parents = this.loader.known.credentials[typeName]?.extends ?? [];
		if (parents.length > 0) {
			notSupported(`Credential type "${typeName}" extends ${parents.join(', ')}: credential inheritance`);
		}
		return [];
	}

	get names(): string[] {
		return Object.keys(this.loader.known.credentials);
	}
}

// ---------------------------------------------------------------------------------------------
// Loading a compiled package
// ---------------------------------------------------------------------------------------------

export interface LoadedPackage {
	packageName: string;
	packageDir: string;
	loader: PackageDirectoryLoader;
	nodeTypes: HarnessNodeTypes;
	credentialTypes: HarnessCredentialTypes;
}

let lastLoaded: LoadedPackage | undefined;

/**
 * A package whose `require('n8n-workflow')` resolves to a different file than n8n-core's would get a
 * second copy of n8n-workflow: its NodeApiError/NodeOperationError would then fail n8n-core's
 * `instanceof` checks and behave unlike in n8n. Refuse to run in that state.
 */
function assertSharedN8nWorkflow(packageDir: string): void {
	const fromCore = fs.realpathSync(require.resolve('n8n-workflow', { paths: [n8nCoreDir] }));
	let fromPackage: string;
	try {
		fromPackage = fs.realpathSync(require.resolve('n8n-workflow', { paths: [packageDir] }));
	} catch {
		throw new Error(
			`The package in ${packageDir} cannot resolve 'n8n-workflow' (its peer dependency). ` +
				'Link node_modules/n8n-workflow next to it (see test/harness/fixture.ts).',
		);
	}
	if (fromCore !== fromPackage) {
		throw new Error(
			`The package in ${packageDir} resolves n8n-workflow to ${fromPackage}, n8n-core uses ${fromCore}: ` +
				'two copies of n8n-workflow break instanceof checks inside n8n-core.',
		);
	}
}

/**
 * Loads a compiled community package the way n8n loads an installed one: n8n-core's
 * PackageDirectoryLoader reads package.json's `n8n.nodes` / `n8n.credentials` (dist paths).
 * Node types are named `<package name>.<node name>` like in n8n.
 */
export async function loadPackage(packageDir: string): Promise<LoadedPackage> {
	await initN8nCore();
	const dir = path.resolve(packageDir);
	assertSharedN8nWorkflow(dir);
	const loader = new PackageDirectoryLoader(dir);
	await loader.loadAll();
	const pkg: LoadedPackage = {
		packageName: loader.packageName,
		packageDir: loader.directory,
		loader,
		nodeTypes: new HarnessNodeTypes(loader),
		credentialTypes: new HarnessCredentialTypes(loader),
	};
	lastLoaded = pkg;
	return pkg;
}

function resolvePackage(pkg?: LoadedPackage): LoadedPackage {
	const resolved = pkg ?? lastLoaded;
	if (!resolved) throw new Error('No package loaded: call loadPackage(dir) first (or pass `pkg`).');
	return resolved;
}

// ---------------------------------------------------------------------------------------------
// Credentials helper (n8n CLI: CredentialsHelper), backed by an in-memory store
// ---------------------------------------------------------------------------------------------

/** Credential data for a run, keyed by credential type name, e.g. `{ maxApi: { apiKey: 'k' } }`. */
export type CredentialsInput = Record<string, ICredentialDataDecryptedObject>;

const MOCK_NODE: INode = {
	id: 'mock',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};

const MOCK_NODE_TYPES: INodeTypes = {
	getByName: () => ({ description: { properties: [] } }) as unknown as INodeType,
	getByNameAndVersion: () => ({ description: { properties: [] } }) as unknown as INodeType,
	getKnownTypes: () => ({}),
};

/**
 * The object n8n-core calls as `additionalData.credentialsHelper`. Credential data lives encrypted in
 * n8n-core `Credentials` objects (n8n's Cipher + the harness encryption key), one per credential type,
 * and is decrypted on every use, then completed with the credential type's defaults and resolved
 * expressions exactly like n8n's CLI does (getDecrypted → applyDefaultsAndOverwrites).
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly stored = new Map<string, Credentials>();

	constructor(readonly credentialTypes: HarnessCredentialTypes) {
		super();
	}

	/** Stores (encrypts) credential data for a type; replaces earlier data. */
	async set(type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		const credentials = new Credentials({ id: type, name: `${type} (harness)` }, type);
		await credentials.setData(deepCopy(data));
		this.stored.set(type, credentials);
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		let typeDef: ICredentialType;
		try {
			typeDef = this.credentialTypes.getByName(credentialType);
		} catch {
			return true;
		}
		if (!typeDef.restrictToSupportedNodes) return true;
		return this.credentialTypes.getSupportedNodes(credentialType).includes(nodeType);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const credentialType = this.credentialTypes.getByName(typeName);
		const { authenticate } = credentialType;
		if (!authenticate) return requestOptions;

		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}

		if (!workflow || !node) {
			throw new UnexpectedError('Workflow and node are required for declarative credential authentication');
		}
		requestOptions.headers ??= {};
		if (authenticate.type === 'generic') {
			const target = requestOptions as unknown as Record<string, Record<string, string>>;
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
					const keyResolved = this.resolveValue(key, credentials, workflow, node);
					const valueResolved = this.resolveValue(value, credentials, workflow, node);
					target[outerKey] ??= {};
					target[outerKey][keyResolved] = valueResolved;
				}
			}
		}
		return requestOptions;
	}

	/** Resolves `={{ ... $credentials.x ... }}` like n8n: 'internal' mode, falsy results become ''. */
	private resolveValue(
		value: string,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		if (!resolved) return '';
		return resolved.toString();
	}

	/**
	 * n8n-core asks before every authenticated request. n8n refreshes a credential here only when its
	 * type has an expirable hidden property and a `preAuthentication` method: that is not supported.
	 */
	async preAuthentication(
		_helpers: unknown,
		_credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirable = credentialType.properties.some(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable && typeof credentialType.preAuthentication === 'function') {
			notSupported(`Credential type "${typeName}" refreshes itself (preAuthentication), which`);
		}
		return undefined;
	}

	/** Only n8n-core's OAuth requests call this. */
	async runPreAuthentication(): Promise<undefined> {
		notSupported('OAuth pre-authentication');
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		const credentials = this.stored.get(type);
		if (!credentials) {
			// same wording as n8n's CredentialNotFoundError
			throw new UserError(`Credential with ID "${nodeCredentials?.id ?? ''}" does not exist for type "${type}".`);
		}
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		const decryptedDataOriginal = await credentials.getData();
		if (raw === true) return decryptedDataOriginal;
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			decryptedDataOriginal,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/** n8n: fills the credential type's property defaults, drops undeclared keys, resolves expressions. */
	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		decryptedDataOriginal: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credentialsProperties = this.getCredentialsProperties(type);
		let decryptedData = NodeHelpers.getNodeParameters(
			credentialsProperties,
			{ ...decryptedDataOriginal } as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;

		for (const key of ['allowedHttpRequestDomains', 'allowedDomains']) {
			if (decryptedData[key] === undefined && decryptedDataOriginal[key] !== undefined) {
				decryptedData[key] = decryptedDataOriginal[key];
			}
		}

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			try {
				decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
					decryptedData as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decryptedData,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				(e as Error).message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const workflow = new Workflow({
				nodes: [MOCK_NODE],
				connections: {},
				active: false,
				nodeTypes: MOCK_NODE_TYPES,
			});
			decryptedData = workflow.expression.getComplexParameterValue(
				MOCK_NODE,
				decryptedData as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				decryptedData,
			) as ICredentialDataDecryptedObject;
		}
		return decryptedData;
	}

	/** n8n calls this when a run changed a credential (token refresh): credentials are fixed here. */
	async updateCredentials(): Promise<void> {
		notSupported('Saving credential data from a run');
	}

	async updateCredentialsOauthTokenData(): Promise<void> {
		notSupported('Saving OAuth token data');
	}

	/** The credential type's properties (a type that `extends` others is refused, see getParentTypes). */
	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.credentialTypes.getByName(type);
		if (credentialType.extends?.length) {
			notSupported(`Credential type "${type}" extends ${credentialType.extends.join(', ')}: credential inheritance`);
		}
		return credentialType.properties;
	}
}

async function createCredentialsHelper(
	pkg: LoadedPackage,
	credentials: CredentialsInput = {},
): Promise<HarnessCredentialsHelper> {
	const helper = new HarnessCredentialsHelper(pkg.credentialTypes);
	for (const [type, data] of Object.entries(credentials)) {
		if (!pkg.credentialTypes.recognizes(type)) {
			throw new Error(
				`Unknown credential type "${type}"; the package has: ${pkg.credentialTypes.names.join(', ')}`,
			);
		}
		await helper.set(type, data);
	}
	return helper;
}

// ---------------------------------------------------------------------------------------------
// additionalData (n8n CLI: WorkflowExecuteAdditionalData.getBase)
// ---------------------------------------------------------------------------------------------

/** Base URL n8n would have by default (http://localhost:5678/). The webhook server uses its own. */
export const DEFAULT_INSTANCE_BASE_URL = 'http://localhost:5678/';

interface AdditionalDataOptions {
	credentialsHelper: ICredentialsHelper;
	baseUrl?: string;
	executionId?: string;
	hooks?: ExecutionLifecycleHooks;
	workflowId?: string;
	workflowSettings?: IWorkflowSettings;
	currentNodeParameters?: INodeParameters;
}

function buildAdditionalData(options: AdditionalDataOptions): IWorkflowExecuteAdditionalData {
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

// ---------------------------------------------------------------------------------------------
// Running workflows
// ---------------------------------------------------------------------------------------------

/** A node as tests write it: `id`, `position` and `typeVersion` may be omitted. */
export type HarnessNode = Omit<INode, 'id' | 'position' | 'typeVersion' | 'parameters'> & {
	id?: string;
	position?: [number, number];
	typeVersion?: number;
	/** Node parameters (typed loosely so that e.g. `{ items: [{ a: 1 }] }` needs no cast). */
	parameters?: IDataObject;
};

export interface WorkflowSpec {
	nodes: HarnessNode[];
	connections?: IConnections;
	/** Decrypted credential data keyed by credential type name. */
	credentials?: CredentialsInput;
	/** Package to take node types from; defaults to the last one loaded. */
	pkg?: LoadedPackage;
	/** Workflow settings; `executionOrder` defaults to 'v1' (n8n's default for new workflows). */
	settings?: IWorkflowSettings;
	/** Static data of the workflow (what n8n persists between executions). */
	staticData?: IDataObject;
}

export interface RunOptions extends WorkflowSpec {
	/** Items given to the start node (see HarnessInputItem). */
	items?: HarnessInputItem[];
	/** Name of the node to start from; default: the harness.start node, else the only parentless node. */
	startNode?: string;
	/** Safety net: the run is cancelled and the promise rejected after this many ms (default 30000). */
	timeoutMs?: number;
	/** Execution mode (default 'manual', like pressing "Execute workflow" in the editor). */
	mode?: WorkflowExecuteMode;
}

export interface RunResult {
	executionId: string;
	status: ExecutionStatus;
	finished: boolean;
	/**
	 * The execution error as n8n stores it (resultData.error): a plain copy of the thrown error's own
	 * properties plus message and stack — `name` (e.g. 'NodeApiError'), `description`, `httpCode`,
	 * `context`, `node`, ... Undefined when the execution succeeded.
	 */
	error?: ExecutionError;
	/** The run as n8n records it (what its workflowExecuteAfter hook receives first). */
	run: IRun;
	/**
	 * What WorkflowExecute's promise finally resolved with. Same object as `run`, except after
	 * cancel(): `run` is n8n's snapshot at cancellation (status 'canceled'), `engineRun` shows how the
	 * running node ended afterwards (e.g. the error it threw once its cancel signal fired).
	 */
	engineRun: IRun;
	runData: IRunData;
	lastNodeExecuted?: string;
	/** Names of the nodes that ran, in order of their first run. */
	executedNodes: string[];
	/** Output items of the last run of a node (throws if the node never ran). */
	outputOf(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** Error of the last run of a node, as n8n stores it in the node's task data. */
	nodeError(nodeName: string): ExecutionError | undefined;
	/** The bytes of a binary property of an output item, read back through n8n's BinaryDataService. */
	binaryBuffer(
		nodeName: string,
		itemIndex: number,
		propertyName?: string,
		outputIndex?: number,
	): Promise<Buffer>;
}

export interface RunHandle {
	executionId: string;
	/** Resolves with the result once n8n's engine has finished (also after cancel()). */
	promise: Promise<RunResult>;
	/** Stops the execution like the editor's Stop button: n8n cancels the PCancelable run. */
	cancel(): void;
}

let executionCounter = 0;
function nextExecutionId(): string {
	executionCounter += 1;
	return String(executionCounter);
}

function normalizeNodes(pkg: LoadedPackage, nodes: HarnessNode[], credentials: CredentialsInput): INode[] {
	return nodes.map((node, index) => {
		const full: INode = {
			...node,
			id: node.id ?? randomUUID(),
			position: node.position ?? [index * 200, 0],
			typeVersion: node.typeVersion ?? defaultTypeVersion(pkg, node.type),
			parameters: deepCopy(node.parameters ?? {}) as INodeParameters,
		};
		if (full.credentials === undefined) {
			// n8n stores a reference to a credential on the node; fill it for every credential type the
			// node declares and the test supplied, so tests only have to pass the data.
			const description = safeDescription(pkg, full);
			const declared = description?.credentials?.map((c) => c.name) ?? [];
			const refs: INode['credentials'] = {};
			for (const name of declared) {
				if (credentials[name] !== undefined) refs[name] = { id: name, name: `${name} (harness)` };
			}
			if (Object.keys(refs).length > 0) full.credentials = refs;
		}
		return full;
	});
}

function defaultTypeVersion(pkg: LoadedPackage, type: string): number {
	const nodeType = pkg.nodeTypes.getByName(type);
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? version[version.length - 1] : version;
}

function safeDescription(pkg: LoadedPackage, node: INode): INodeTypeDescription | undefined {
	try {
		return pkg.nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description;
	} catch {
		return undefined;
	}
}

function createWorkflow(pkg: LoadedPackage, spec: WorkflowSpec, nodes: INode[], id: string): Workflow {
	return new Workflow({
		id,
		name: `harness workflow ${id}`,
		nodes,
		connections: spec.connections ?? {},
		active: false,
		nodeTypes: pkg.nodeTypes,
		staticData: spec.staticData,
		settings: { executionOrder: 'v1', ...(spec.settings ?? {}) },
	});
}

function workflowBase(workflow: Workflow): IWorkflowBase {
	return {
		id: workflow.id,
		name: workflow.name ?? workflow.id,
		active: false,
		isArchived: false,
		activeVersionId: null,
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		settings: workflow.settings,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as unknown as IWorkflowBase;
}

function pickStartNode(workflow: Workflow, requested?: string): INode {
	if (requested) {
		const node = workflow.getNode(requested);
		if (!node) throw new Error(`startNode "${requested}" is not in the workflow`);
		return node;
	}
	const nodes = Object.values(workflow.nodes);
	const harnessStart = nodes.filter((n) => n.type === HARNESS_START_NODE_TYPE && !n.disabled);
	if (harnessStart.length === 1) return harnessStart[0];
	const roots = nodes.filter(
		(n) => !n.disabled && (workflow.connectionsByDestinationNode[n.name] === undefined ||
			Object.keys(workflow.connectionsByDestinationNode[n.name]).length === 0),
	);
	if (roots.length === 1) return roots[0];
	throw new Error(
		`Cannot tell which node starts the workflow (${roots.map((n) => n.name).join(', ')}): pass startNode`,
	);
}

function toInputItems(items: HarnessInputItem[]): INodeExecutionData[] {
	return items.map((item) =>
		isWrappedItem(item) ? (item as unknown as INodeExecutionData) : { json: item as IDataObject },
	);
}

function makeRunResult(executionId: string, run: IRun, engineRun: IRun = run): RunResult {
	const runData = run.data.resultData.runData ?? {};
	const lastTask = (nodeName: string) => {
		const tasks = runData[nodeName];
		if (!tasks || tasks.length === 0) {
			throw new Error(
				`Node "${nodeName}" did not run. Nodes that ran: ${Object.keys(runData).join(', ') || '(none)'}` +
					(run.data.resultData.error ? ` — execution error: ${run.data.resultData.error.message}` : ''),
			);
		}
		return tasks[tasks.length - 1];
	};
	const outputOf = (nodeName: string, outputIndex = 0): INodeExecutionData[] =>
		lastTask(nodeName).data?.main?.[outputIndex] ?? [];
	return {
		executionId,
		status: run.status,
		finished: run.finished === true,
		error: run.data.resultData.error,
		run,
		engineRun,
		runData,
		lastNodeExecuted: run.data.resultData.lastNodeExecuted,
		executedNodes: Object.keys(runData),
		outputOf,
		nodeError: (nodeName) => lastTask(nodeName).error,
		async binaryBuffer(nodeName, itemIndex, propertyName = 'data', outputIndex = 0) {
			const item = outputOf(nodeName, outputIndex)[itemIndex];
			if (!item) throw new Error(`Node "${nodeName}" has no output item ${itemIndex}`);
			const binary = item.binary?.[propertyName];
			if (!binary) {
				throw new Error(
					`Item ${itemIndex} of "${nodeName}" has no binary property "${propertyName}" ` +
						`(has: ${Object.keys(item.binary ?? {}).join(', ') || 'none'})`,
				);
			}
			return await Container.get(BinaryDataService).getAsBuffer(binary);
		},
	};
}

interface ExecuteOptions {
	workflow: Workflow;
	credentialsHelper: HarnessCredentialsHelper;
	runExecutionData: IRunExecutionData;
	executionId: string;
	mode: WorkflowExecuteMode;
	baseUrl?: string;
	timeoutMs?: number;
	onStaticData?: (data: IDataObject) => void;
}

/** Runs prepared execution data through n8n-core's WorkflowExecute (n8n CLI: WorkflowRunner.runMainProcess). */
function executePrepared(options: ExecuteOptions): RunHandle {
	const { workflow, executionId, mode } = options;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowBase(workflow));
	// What n8n persists is the run its workflowExecuteAfter hook receives first. After a cancel that
	// is the snapshot taken at cancellation (status 'canceled'); WorkflowExecute's promise resolves
	// later, once the running node has returned, and n8n does not record that second state.
	let recorded: IRun | undefined;
	hooks.addHandler('workflowExecuteAfter', (run, newStaticData) => {
		recorded ??= run;
		if (newStaticData) options.onStaticData?.(newStaticData);
	});
	const additionalData = buildAdditionalData({
		credentialsHelper: options.credentialsHelper,
		baseUrl: options.baseUrl,
		executionId,
		hooks,
		workflowId: workflow.id,
		workflowSettings: workflow.settings,
	});
	const workflowExecute = new WorkflowExecute(additionalData, mode, options.runExecutionData);
	const execution = workflowExecute.processRunExecutionData(workflow);

	const timeoutMs = options.timeoutMs ?? 30_000;
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => {
			execution.cancel();
			reject(
				new Error(
					`Workflow execution ${executionId} did not finish within ${timeoutMs} ms; it was cancelled ` +
						'(if a node ignores its cancel signal, it keeps running in the background)',
				),
			);
		}, timeoutMs);
		timer.unref?.();
	});
	const finished = Promise.resolve(execution).then((engineRun) =>
		makeRunResult(executionId, recorded ?? engineRun, engineRun),
	);
	const promise = Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
	promise.catch(() => {}); // the caller gets the rejection through `promise`; avoid unhandled noise
	return {
		executionId,
		promise,
		cancel: () => execution.cancel(),
	};
}

/**
 * Starts a workflow like the editor's "Execute workflow": the start node gets the given items and
 * n8n's engine runs everything downstream. Returns at once with a handle; await `handle.promise`.
 */
export async function startWorkflow(options: RunOptions): Promise<RunHandle> {
	await initN8nCore();
	const pkg = resolvePackage(options.pkg);
	const credentials = options.credentials ?? {};
	const credentialsHelper = await createCredentialsHelper(pkg, credentials);
	const nodes = normalizeNodes(pkg, options.nodes, credentials);
	const executionId = nextExecutionId();
	const workflow = createWorkflow(pkg, options, nodes, `harness-wf-${executionId}`);
	const startNode = pickStartNode(workflow, options.startNode);
	const inputItems = options.items ? toInputItems(options.items) : [{ json: {} }];
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [inputItems] }, source: null }],
		},
	});
	return executePrepared({
		workflow,
		credentialsHelper,
		runExecutionData,
		executionId,
		mode: options.mode ?? 'manual',
		timeoutMs: options.timeoutMs,
	});
}

/** Runs a workflow to its end and returns the result (see startWorkflow). */
export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	const handle = await startWorkflow(options);
	return await handle.promise;
}

// ---------------------------------------------------------------------------------------------
// Credential test (n8n CLI: CredentialsTester.testCredentials)
// ---------------------------------------------------------------------------------------------

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
function findCredentialTest(pkg: LoadedPackage, credentialType: string): CredentialTestTarget | undefined {
	const type = pkg.credentialTypes.getByName(credentialType);
	if (type.test) return { testRequest: type.test };

	for (const nodeName of pkg.credentialTypes.getSupportedNodes(credentialType)) {
		let node: INodeType | IVersionedNodeType;
		try {
			node = pkg.nodeTypes.getByName(nodeName);
		} catch {
			continue;
		}
		const versions: INodeType[] = 'nodeVersions' in node ? Object.values(node.nodeVersions) : [node];
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
		credentials: { [credentialType]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name } },
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
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: testNodeTypes });
	const additionalData = buildAdditionalData({ credentialsHelper, currentNodeParameters: node.parameters });
	// n8n hands the already-prepared test data to every non-raw credential lookup of the test request
	const storedHelper = credentialsHelper;
	additionalData.credentialsHelper = new Proxy(storedHelper, {
		get(targetObj, prop) {
			if (prop === 'getDecrypted') {
				return async (...args: Parameters<HarnessCredentialsHelper['getDecrypted']>) =>
					args[5] ? await storedHelper.getDecrypted(...args) : (credentialsDecrypted.data ?? {});
			}
			const value = Reflect.get(targetObj, prop) as unknown;
			return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(targetObj) : value;
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
		const e = error as { message: string; cause?: { response?: { status: number; statusText?: string }; code?: string } };
		if (e.cause?.response) {
			const statusCode = e.cause.response.status;
			for (const rule of target.testRequest.rules ?? []) {
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
	for (const rule of target.testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const responseData = response?.[0]?.[0]?.json;
			if (getPath(responseData, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

// ---------------------------------------------------------------------------------------------
// Webhooks (n8n CLI: WebhookServer + LiveWebhooks/TestWebhooks + webhook-helpers.executeWebhook)
// ---------------------------------------------------------------------------------------------

/** The request object a webhook node sees: node's IncomingMessage plus what n8n's express stack adds. */
export type HarnessWebhookRequest = http.IncomingMessage & {
	body?: unknown;
	rawBody?: Buffer;
	query: Record<string, string | string[] | undefined>;
	params: Record<string, string>;
	path: string;
	contentType?: string;
	encoding?: BufferEncoding;
	readRawBody(): Promise<void>;
	get(name: string): string | undefined;
	header(name: string): string | undefined;
};

/** The response object a webhook node sees: ServerResponse plus the express methods nodes use. */
export type HarnessWebhookResponse = http.ServerResponse & {
	status(code: number): HarnessWebhookResponse;
	json(body: unknown): HarnessWebhookResponse;
	send(body?: unknown): HarnessWebhookResponse;
	set(field: string | Record<string, string>, value?: string): HarnessWebhookResponse;
	header(field: string | Record<string, string>, value?: string): HarnessWebhookResponse;
	type(contentType: string): HarnessWebhookResponse;
	sendStatus(code: number): HarnessWebhookResponse;
};

function expressifyResponse(res: http.ServerResponse): HarnessWebhookResponse {
	const r = res as HarnessWebhookResponse;
	const setHeaders = (field: string | Record<string, string>, value?: string) => {
		if (typeof field === 'string') r.setHeader(field, value ?? '');
		else for (const [k, v] of Object.entries(field)) r.setHeader(k, v);
		return r;
	};
	r.status = (code: number) => {
		r.statusCode = code;
		return r;
	};
	r.set = setHeaders;
	r.header = setHeaders;
	r.type = (contentType: string) => setHeaders('content-type', contentType);
	r.json = (body: unknown) => {
		if (!r.hasHeader('content-type')) r.setHeader('content-type', 'application/json; charset=utf-8');
		r.end(body === undefined ? '' : JSON.stringify(body));
		return r;
	};
	r.send = (body?: unknown) => {
		if (body === undefined || body === null) {
			r.end();
		} else if (Buffer.isBuffer(body)) {
			if (!r.hasHeader('content-type')) r.setHeader('content-type', 'application/octet-stream');
			r.end(body);
		} else if (typeof body === 'string') {
			if (!r.hasHeader('content-type')) r.setHeader('content-type', 'text/html; charset=utf-8');
			r.end(body);
		} else {
			r.json(body);
		}
		return r;
	};
	r.sendStatus = (code: number) => {
		r.statusCode = code;
		return r.send(http.STATUS_CODES[code] ?? String(code));
	};
	return r;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

function expressifyRequest(req: http.IncomingMessage, url: URL): HarnessWebhookRequest {
	const r = req as HarnessWebhookRequest;
	parseIncomingMessage(req); // n8n's own: sets contentType / encoding (/ contentDisposition)
	r.query = querystring.parse(url.search.replace(/^\?/, ''));
	r.params = {};
	r.path = url.pathname;
	r.get = (name: string) => {
		const value = req.headers[name.toLowerCase()];
		return Array.isArray(value) ? value.join(', ') : value;
	};
	r.header = r.get;
	r.readRawBody = async () => {
		r.rawBody ??= await readBody(req);
	};
	return r;
}

/** n8n's parseBody: json / xml / urlencoded / text bodies go to req.body; other types stay raw only. */
async function parseBody(req: HarnessWebhookRequest): Promise<void> {
	if (req.contentType?.startsWith('multipart/')) return;
	await req.readRawBody();
	const { rawBody, contentType } = req;
	const encoding = req.encoding ?? 'utf-8';
	if (!rawBody?.length) return;
	try {
		if (contentType === 'application/json') {
			req.body = JSON.parse(rawBody.toString(encoding));
		} else if (contentType?.endsWith('/xml') || contentType?.endsWith('+xml')) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { Parser } = require('xml2js') as { Parser: new (o: object) => { parseStringPromise(s: string): Promise<unknown> } };
			const parser = new Parser({ async: true, normalize: true, normalizeTags: true, explicitArray: false });
			req.body = await parser.parseStringPromise(rawBody.toString(encoding));
		} else if (contentType === 'application/x-www-form-urlencoded') {
			req.body = querystring.parse(rawBody.toString(encoding), undefined, undefined, { maxKeys: 1000 });
		} else if (contentType === 'text/plain') {
			req.body = rawBody.toString(encoding);
		}
	} catch (error) {
		throw Object.assign(new Error('Failed to parse request body'), {
			httpStatusCode: 422,
			description: (error as Error).message,
		});
	}
}

function isParsableContentType(contentType: string | undefined): boolean {
	if (!contentType) return false;
	return (
		contentType.startsWith('application/json') ||
		contentType.startsWith('text/plain') ||
		contentType.startsWith('application/x-www-form-urlencoded') ||
		contentType.endsWith('/xml') ||
		contentType.endsWith('+xml')
	);
}

interface RegisteredWebhook {
	webhookData: IWebhookData;
	description: IWebhookDescription;
	methods: string[];
	/** Path after the webhook prefix, e.g. `<webhookId>/maxapi`. */
	path: string;
	url: string;
}

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

export interface WebhookRequestRecord {
	method: string;
	path: string;
	statusCode?: number;
	/** Execution started for this request, if any. */
	executionId?: string;
	/** Error thrown by the node's webhook() method, if any. */
	webhookError?: Error;
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

/** Response modes n8n 2.41 knows; the harness answers the first two, refuses the others. */
const RESPONSE_MODES = ['onReceived', 'lastNode', 'responseNode', 'formPage', 'streaming', 'hostedChat'];

function sendJsonError(res: HarnessWebhookResponse, statusCode: number, message: string): void {
	if (res.headersSent || res.writableEnded) return;
	res.status(statusCode).json({ code: statusCode === 404 ? 404 : 0, message });
}

/**
 * Serves a trigger node's webhooks on 127.0.0.1 (random port) the way n8n's webhook server does:
 * request body parsed like n8n (req.body + req.rawBody), the node's `webhook()` called with n8n-core's
 * WebhookContext, the response given as n8n does (`onReceived`: the description's `responseData`,
 * else the node's `webhookResponse`, else {"message":"Workflow was started"}; `noWebhookResponse`: the
 * node answered itself), and, when the node returns `workflowData`, the rest of the workflow is run
 * in-process from the trigger with that data. Completed runs are collected in `runs`.
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
	await initN8nCore();
	const pkg = resolvePackage(options.pkg);
	const mode: WorkflowExecuteMode = options.mode === 'manual' ? 'manual' : 'webhook';
	const prefix = mode === 'manual' ? 'webhook-test' : 'webhook';
	const credentials = options.credentials ?? {};
	const credentialsHelper = await createCredentialsHelper(pkg, credentials);
	const nodes = normalizeNodes(pkg, options.nodes, credentials);
	const triggerSpec = nodes.find((n) => n.name === options.nodeName);
	if (!triggerSpec) throw new Error(`Node "${options.nodeName}" is not in the workflow`);
	triggerSpec.webhookId ??= randomUUID(); // the editor gives every webhook node a UUID
	const workflowId = `harness-wf-${randomUUID().slice(0, 8)}`;
	let staticData: IDataObject = deepCopy(options.staticData ?? {});
	const newWorkflow = () =>
		createWorkflow(pkg, { ...options, staticData: deepCopy(staticData) }, deepCopy(nodes), workflowId);

	const runs: RunResult[] = [];
	const failures: Error[] = [];
	const requests: WebhookRequestRecord[] = [];
	const active = new Set<RunHandle>();
	const pendingRequests = new Set<Promise<void>>();
	const runWaiters: Array<() => void> = [];
	const notifyRun = () => runWaiters.splice(0).forEach((fn) => fn());

	let registered: RegisteredWebhook[] = [];
	let baseUrl = '';

	const server = http.createServer((req, res) => {
		const handling = handleRequest(req, expressifyResponse(res)).catch((error) => {
			sendJsonError(expressifyResponse(res), 500, (error as Error).message);
		});
		pendingRequests.add(handling);
		void handling.finally(() => pendingRequests.delete(handling));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	baseUrl = `http://127.0.0.1:${port}/`;

	// Register the node's webhooks (n8n: WebhookService.getNodeWebhooks)
	try {
		const workflow = newWorkflow();
		const node = workflow.getNode(options.nodeName)!;
		const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		if (!nodeType.description.webhooks?.length || !nodeType.webhook) {
			throw new Error(`Node "${node.name}" (${node.type}) has no webhooks`);
		}
		const additionalData = buildAdditionalData({ credentialsHelper, baseUrl, workflowId });
		const webhookBaseUrl = mode === 'manual' ? additionalData.webhookTestBaseUrl : additionalData.webhookBaseUrl;
		for (const description of nodeType.description.webhooks) {
			if (description.restartWebhook === true) continue;
			let nodePath = String(
				workflow.expression.getSimpleParameterValue(node, description.path, 'internal', {}) ?? '',
			);
			nodePath = nodePath.replace(/^\//, '').replace(/\/$/, '');
			const isFullPath = workflow.expression.getSimpleParameterValue(
				node, description.isFullPath, 'internal', {}, undefined, false,
			) as boolean;
			const restartWebhook = workflow.expression.getSimpleParameterValue(
				node, description.restartWebhook, 'internal', {}, undefined, false,
			) as boolean;
			const webhookPath = NodeHelpers.getNodeWebhookPath(workflowId, node, nodePath, isFullPath, restartWebhook);
			const methods = String(
				workflow.expression.getSimpleParameterValue(node, description.httpMethod, 'internal', {}, undefined, 'GET'),
			)
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
		if (options.runWebhookMethods !== false) {
			await runWebhookMethods('checkExists+create');
		}
	} catch (error) {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
		throw error;
	}

	async function runWebhookMethods(which: 'checkExists+create' | 'delete'): Promise<void> {
		const workflow = newWorkflow();
		const node = workflow.getNode(options.nodeName)!;
		const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		for (const { webhookData, description } of registered) {
			const methods = nodeType.webhookMethods?.[description.name];
			if (!methods) continue;
			const additionalData = buildAdditionalData({ credentialsHelper, baseUrl, workflowId });
			const data = { ...webhookData, workflowExecuteAdditionalData: additionalData };
			const context = () => new HookContext(workflow, node, additionalData, 'trigger', 'activate', data);
			if (which === 'delete') {
				await methods.delete?.call(context());
			} else {
				const exists = await methods.checkExists?.call(context());
				if (!exists) await methods.create?.call(context());
			}
		}
	}

	async function handleRequest(rawReq: http.IncomingMessage, res: HarnessWebhookResponse): Promise<void> {
		const url = new URL(rawReq.url ?? '/', baseUrl);
		const method = (rawReq.method ?? 'GET').toUpperCase();
		const record: WebhookRequestRecord = { method, path: url.pathname };
		requests.push(record);
		res.on('finish', () => (record.statusCode = res.statusCode));

		const requestedPath = url.pathname.replace(/^\/+/, '');
		const hook = registered.find(
			(w) => `${prefix}/${w.path}` === requestedPath && w.methods.includes(method),
		);
		if (!hook) {
			const known = registered.some((w) => `${prefix}/${w.path}` === requestedPath);
			if (known) {
				sendJsonError(res, 404, `This webhook is not registered for ${method} requests. Did you mean to make a POST request?`);
			} else {
				sendJsonError(res, 404, `The requested webhook "${method} ${requestedPath.replace(/^webhook(-test)?\//, '')}" is not registered.`);
			}
			return;
		}

		const req = expressifyRequest(rawReq, url);
		const workflow = newWorkflow();
		const node = workflow.getNode(options.nodeName)!;
		const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const additionalKeys: IWorkflowDataProxyAdditionalKeys = { $executionId: undefined };

		const additionalData = buildAdditionalData({ credentialsHelper, baseUrl, workflowId });
		additionalData.httpRequest = req as never;
		additionalData.httpResponse = res as never;
		const webhookData: IWebhookData = {
			...hook.webhookData,
			httpMethod: method as IHttpRequestMethods,
			workflowExecuteAdditionalData: additionalData,
		};

		const evaluateSimple = <T>(value: unknown, fallback?: T): T =>
			workflow.expression.getSimpleParameterValue(
				node, value as string, mode, additionalKeys, undefined, fallback as never,
			) as T;
		const description = hook.description;
		const responseMode = evaluateSimple<string>(description.responseMode, 'onReceived');
		const responseCode = evaluateSimple<number>(description.responseCode, 200);
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

		let responded = false;
		let webhookResultData: IWebhookResponseData;
		let runExecutionDataMerge: Partial<IRunExecutionData> = {};
		try {
			const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
			webhookResultData = isNodeClassInstance(nodeType)
				? await nodeType.webhook!(context)
				: await nodeType.webhook!.call(context);
		} catch (error) {
			const err = error as Error;
			record.webhookError = err;
			// n8n answers 500 with a generic message, then records a failed execution of the trigger
			sendJsonError(res, 500, 'Workflow Webhook Error: Workflow could not be started!');
			responded = true;
			runExecutionDataMerge = {
				resultData: {
					runData: {},
					lastNodeExecuted: node.name,
					error: { ...err, message: err.message, stack: err.stack } as ExecutionError,
				},
			};
			webhookResultData = { noWebhookResponse: true, workflowData: [[{ json: {} }]] };
		}

		if (webhookResultData.noWebhookResponse === true) responded = true; // the node answered itself
		if (webhookResultData.workflowData === undefined) {
			if (!responded) {
				const body = webhookResultData.webhookResponse !== undefined
					? webhookResultData.webhookResponse
					: { message: 'Webhook call received' };
				sendBody(res, responseCode, body);
			}
			return;
		}

		const executionId = nextExecutionId();
		record.executionId = executionId;
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{ node, data: { main: webhookResultData.workflowData }, source: null },
				],
			},
		});
		Object.assign(runExecutionData, runExecutionDataMerge);
		const handle = executePrepared({
			workflow,
			credentialsHelper,
			runExecutionData,
			executionId,
			mode,
			baseUrl,
			timeoutMs: options.runTimeoutMs,
			onStaticData: (data) => (staticData = deepCopy(data)),
		});
		active.add(handle);
		const done = handle.promise.then(
			(result) => {
				runs.push(result);
				notifyRun();
				return result;
			},
			(error: Error) => {
				failures.push(error);
				notifyRun();
				throw error;
			},
		);
		void done.catch(() => {}).finally(() => active.delete(handle));

		if (!responded && responseMode === 'onReceived') {
			// n8n 2.41 evaluates the description's responseData with the default 'firstEntryJson' here,
			// so a description WITHOUT `responseData` answers with that literal string.
			additionalKeys.$executionId = executionId;
			additionalKeys.$execution = {
				id: executionId,
				mode: mode === 'manual' ? 'test' : 'production',
				resumeUrl: `${additionalData.webhookWaitingBaseUrl}/${executionId}`,
				resumeFormUrl: `${additionalData.formWaitingBaseUrl}/${executionId}`,
			};
			const responseData = workflow.expression.getComplexParameterValue(
				node, description.responseData as never, mode, additionalKeys, undefined, 'firstEntryJson',
			);
			let body: unknown;
			if (responseData === 'noData') body = undefined;
			else if (responseData) body = responseData;
			else if (webhookResultData.webhookResponse !== undefined) body = webhookResultData.webhookResponse;
			else body = { message: 'Workflow was started' };
			sendBody(res, responseCode, body);
			responded = true;
		}

		if (!responded) {
			// lastNode: answer when the run is over
			const result = await done.catch(() => undefined);
			if (res.headersSent || res.writableEnded) return;
			if (!result || result.error) {
				sendBody(res, 500, { message: 'Error in workflow' });
				return;
			}
			const last = result.lastNodeExecuted;
			const lastItems = last ? result.outputOf(last) : [];
			const responseData = workflow.expression.getComplexParameterValue(
				node, description.responseData as never, mode, additionalKeys, undefined, 'firstEntryJson',
			);
			if (responseData === 'firstEntryBinary') notSupported("A lastNode webhook answering with 'firstEntryBinary'");
			if (responseData === 'allEntries') sendBody(res, responseCode, lastItems.map((i) => i.json));
			else if (responseData === 'noData') sendBody(res, responseCode, undefined);
			else sendBody(res, responseCode, lastItems[0]?.json ?? {
				message: 'Workflow executed successfully but the last node did not return any data',
			});
		}
	}

	function sendBody(res: HarnessWebhookResponse, statusCode: number, body: unknown): void {
		if (res.headersSent || res.writableEnded) return;
		res.status(statusCode);
		if (body === undefined) res.end();
		else if (typeof body === 'string') res.send(body);
		else res.json(body);
	}

	const waitForRuns = (n: number, timeoutMs = 10_000): Promise<RunResult[]> =>
		new Promise((resolve, reject) => {
			const check = () => {
				if (runs.length >= n) {
					clearTimeout(timer);
					resolve(runs.slice());
					return true;
				}
				if (failures.length > 0) {
					clearTimeout(timer);
					reject(failures[0]);
					return true;
				}
				return false;
			};
			const timer = setTimeout(() => {
				reject(new Error(`Only ${runs.length} of ${n} webhook runs completed within ${timeoutMs} ms`));
			}, timeoutMs);
			const wait = () => {
				if (!check()) runWaiters.push(wait);
			};
			wait();
		});

	let closed = false;
	const close = async (): Promise<void> => {
		if (closed) return;
		closed = true;
		for (const handle of active) handle.cancel();
		await Promise.allSettled([...active].map((h) => h.promise));
		await Promise.allSettled([...pendingRequests]);
		try {
			if (options.runWebhookMethods !== false) await runWebhookMethods('delete');
		} finally {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			registered = [];
		}
	};

	const urls = Object.fromEntries(registered.map((w) => [w.description.name, w.url]));
	const webhookName = options.webhookName ?? 'default';
	if (!urls[webhookName]) {
		await close();
		throw new Error(`Node "${options.nodeName}" has no webhook named "${webhookName}" (has: ${Object.keys(urls).join(', ')})`);
	}
	return { url: urls[webhookName], urls, baseUrl, runs, failures, requests, waitForRuns, close };
}

/** One HTTP request for runWebhook. `body` objects are sent as JSON unless `rawBody` is given. */
export interface WebhookRequestSpec {
	method?: string;
	headers?: Record<string, string>;
	query?: Record<string, string>;
	body?: unknown;
	rawBody?: Buffer | string;
}

export interface WebhookCallResult {
	statusCode: number;
	headers: http.IncomingHttpHeaders;
	/** Response body as text. */
	body: string;
	/** Response body parsed as JSON when it is JSON. */
	json?: unknown;
	/** The workflow run the request started (after it completed), if it started one. */
	run?: RunResult;
	/** The URL the request was sent to (without the query). */
	url: string;
}

/**
 * One-shot webhook call: starts the webhook server, sends one real HTTP request to the node's
 * webhook, waits for the run it started (if any), closes the server.
 */
export async function runWebhook(
	options: WebhookServerOptions & { request: WebhookRequestSpec },
): Promise<WebhookCallResult> {
	const server = await startWebhookServer(options);
	try {
		const { request } = options;
		const target = new URL(server.url);
		for (const [k, v] of Object.entries(request.query ?? {})) target.searchParams.set(k, v);
		const headers: Record<string, string> = { ...(request.headers ?? {}) };
		let payload: Buffer | undefined;
		if (request.rawBody !== undefined) {
			payload = Buffer.from(request.rawBody);
		} else if (request.body !== undefined) {
			if (typeof request.body === 'string' || Buffer.isBuffer(request.body)) {
				payload = Buffer.from(request.body as string);
			} else {
				payload = Buffer.from(JSON.stringify(request.body));
				if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
					headers['content-type'] = 'application/json';
				}
			}
		}
		const response = await new Promise<{ statusCode: number; headers: http.IncomingHttpHeaders; body: string }>(
			(resolve, reject) => {
				const req = http.request(
					target,
					{ method: request.method ?? 'POST', headers, agent: false },
					(res) => {
						const chunks: Buffer[] = [];
						res.on('data', (c: Buffer) => chunks.push(c));
						res.on('end', () =>
							resolve({
								statusCode: res.statusCode ?? 0,
								headers: res.headers,
								body: Buffer.concat(chunks).toString('utf8'),
							}),
						);
					},
				);
				req.on('error', reject);
				req.end(payload);
			},
		);
		let json: unknown;
		try {
			json = JSON.parse(response.body);
		} catch {
			json = undefined;
		}
		const started = server.requests[server.requests.length - 1]?.executionId !== undefined;
		const run = started ? (await server.waitForRuns(1, options.runTimeoutMs ?? 30_000))[0] : undefined;
		return { ...response, json, run, url: server.url };
	} finally {
		await server.close();
	}
}

// ---------------------------------------------------------------------------------------------
// Housekeeping
// ---------------------------------------------------------------------------------------------

/** Temp folder used as N8N_USER_FOLDER (binary data under .n8n/storage). */
export const userFolder = harnessUserFolder;

/** Removes the harness' temp user folder (call from afterAll). */
export function cleanupHarness(): void {
	removeHarnessUserFolder();
}
