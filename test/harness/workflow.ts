/**
 * From a workflow as tests write it to n8n's `Workflow`: node defaults filled in, credential
 * references added, the start node picked, execution ids handed out.
 */
import { randomUUID } from 'node:crypto';

import { Workflow, deepCopy } from 'n8n-workflow';
import type {
	IConnections,
	IDataObject,
	INode,
	INodeParameters,
	INodeTypeDescription,
	IWorkflowBase,
	IWorkflowSettings,
} from 'n8n-workflow';

import type { CredentialsInput } from './credentials';
import type { LoadedPackage } from './package';
import { HARNESS_START_NODE_TYPE } from './start-node';

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

let executionCounter = 0;
export function nextExecutionId(): string {
	executionCounter += 1;
	return String(executionCounter);
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

/** Complete nodes: id, position, typeVersion, and a reference to every credential the test supplied. */
export function normalizeNodes(
	pkg: LoadedPackage,
	nodes: HarnessNode[],
	credentials: CredentialsInput,
): INode[] {
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

export function createWorkflow(
	pkg: LoadedPackage,
	spec: WorkflowSpec,
	nodes: INode[],
	id: string,
): Workflow {
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

/** The workflow as n8n's execution hooks see it (its database row). */
export function workflowBase(workflow: Workflow): IWorkflowBase {
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

/** The requested node, else the one harness.start node, else the only parentless node. */
export function pickStartNode(workflow: Workflow, requested?: string): INode {
	if (requested) {
		const node = workflow.getNode(requested);
		if (!node) throw new Error(`startNode "${requested}" is not in the workflow`);
		return node;
	}
	const nodes = Object.values(workflow.nodes);
	const harnessStart = nodes.filter((n) => n.type === HARNESS_START_NODE_TYPE && !n.disabled);
	if (harnessStart.length === 1) return harnessStart[0];
	const roots = nodes.filter(
		(n) =>
			!n.disabled &&
			(workflow.connectionsByDestinationNode[n.name] === undefined ||
				Object.keys(workflow.connectionsByDestinationNode[n.name]).length === 0),
	);
	if (roots.length === 1) return roots[0];
	throw new Error(
		`Cannot tell which node starts the workflow (${roots.map((n) => n.name).join(', ')}): pass startNode`,
	);
}
