/**
 * Node and credential type registries over one loaded package (n8n CLI: NodeTypes + CredentialTypes
 * over LoadNodesAndCredentials). Full node type names are `<package name>.<node name>`
 * (e.g. `n8n-nodes-maxapi.maxApi`); `harness.*` are the harness' own nodes (start-node.ts).
 */
import { notSupported } from './core';

import { RoutingNode, UnrecognizedNodeTypeError } from 'n8n-core';
import type { ExecuteContext, PackageDirectoryLoader } from 'n8n-core';
import { NodeHelpers } from 'n8n-workflow';
import type {
	ICredentialType,
	ICredentialTypes,
	IDataObject,
	IExecuteFunctions,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

import { HARNESS_NODES } from './start-node';

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

/** INodeTypes as n8n's CLI implements it, over one package's DirectoryLoader plus `harness.*`. */
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
			notSupported(
				`Credential type "${typeName}" extends ${parents.join(', ')}: credential inheritance`,
			);
		}
		return [];
	}

	get names(): string[] {
		return Object.keys(this.loader.known.credentials);
	}
}
