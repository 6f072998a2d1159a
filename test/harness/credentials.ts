/**
 * The credential store n8n-core reads through `additionalData.credentialsHelper` (n8n CLI:
 * CredentialsHelper over its database). Credentials live encrypted in memory, one per type; OAuth,
 * self-refreshing credentials (preAuthentication), credential inheritance (`extends`) and writing
 * credentials back from a run are not supported.
 */
import { notSupported } from './core';

import { Credentials, getAdditionalKeys } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	UserError,
	Workflow,
	deepCopy,
	isExpression,
} from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsExpressionResolveValues,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import type { LoadedPackage } from './package';
import type { HarnessCredentialTypes } from './registries';

/** Credential data for a run, keyed by credential type name, e.g. `{ maxApi: { apiKey: 'k' } }`. */
export type CredentialsInput = Record<string, ICredentialDataDecryptedObject>;

/** Node and node types n8n resolves credential expressions with when no workflow is at hand. */
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
			throw new UnexpectedError(
				'Workflow and node are required for declarative credential authentication',
			);
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

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		const credentials = this.stored.get(type);
		if (!credentials) {
			// same wording as n8n's CredentialNotFoundError
			throw new UserError(
				`Credential with ID "${nodeCredentials?.id ?? ''}" does not exist for type "${type}".`,
			);
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

	/** The credential type's properties (a type that `extends` others is refused, see registries.ts). */
	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.credentialTypes.getByName(type);
		if (credentialType.extends?.length) {
			notSupported(
				`Credential type "${type}" extends ${credentialType.extends.join(', ')}: credential inheritance`,
			);
		}
		return credentialType.properties;
	}
}

/** A credentials helper holding the given data, each type checked against the package's credentials. */
export async function createCredentialsHelper(
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
