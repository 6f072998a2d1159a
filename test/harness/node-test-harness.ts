/**
 * Tests as data, shaped like n8n's own NodeTestHarness (packages/core/nodes-testing): a workflow in,
 * the expected output of its nodes out. A `*.workflow.json` file is an n8n workflow whose `pinData`
 * holds the expected output items per node (n8n's convention); an optional `expected` block adds the
 * run's status, its error message, or the nodes that must have run.
 *
 *   const harness = new NodeTestHarness({ dir: path.join(__dirname, 'workflows') });
 *   harness.setupTests({ workflowFiles: ['fixture-echo.workflow.json'], credentials: { fixtureApi: { apiKey: 'k1' } } });
 *
 * Unlike n8n's, it mocks no HTTP (tests run against real local servers, e.g. the emulator), takes
 * credentials as a function when they are only known once those servers run, runs the package that
 * was loaded last (loadPackage), and compares a node's items with `pairedItem` only where the
 * expected items give one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { deepCopy } from 'n8n-workflow';
import type {
	ExecutionStatus,
	IConnections,
	IDataObject,
	INodeExecutionData,
	IWorkflowSettings,
} from 'n8n-workflow';

import type { CredentialsInput } from './credentials';
import type { RunResult } from './result';
import { runWorkflow } from './run';
import type { HarnessInputItem } from './start-node';
import type { HarnessNode } from './workflow';

/** An expected output item: `json`, and `binary` / `pairedItem` when the test compares them. */
export type ExpectedItem = Pick<INodeExecutionData, 'json' | 'binary' | 'pairedItem'>;

/** A workflow as n8n exports it (the fields the harness runs, plus pinData as the expected output). */
export interface WorkflowJson {
	name?: string;
	nodes: HarnessNode[];
	connections?: IConnections;
	settings?: IWorkflowSettings;
	pinData?: Record<string, ExpectedItem[]>;
	expected?: Omit<WorkflowTestData['output'], 'nodeData'>;
}

/** One test, n8n's WorkflowTestData reduced to what this harness runs. */
export interface WorkflowTestData {
	description: string;
	input: {
		workflowData: Pick<WorkflowJson, 'nodes' | 'connections' | 'settings'>;
		/** Items for the start node (else its `items` parameter, else one empty item). */
		items?: HarnessInputItem[];
	};
	output: {
		/** Expected items of each node's last run (main output 0). */
		nodeData?: Record<string, ExpectedItem[]>;
		/** Expected status (default 'success', or 'error' when `error` is given). */
		status?: ExecutionStatus;
		/** Expected message of the execution's error. */
		error?: string;
		/** Nodes that must have run, in order of their first run. */
		executedNodes?: string[];
		/** Compare binary metadata too (without the stored file's `id` and `directory`); default: drop binary. */
		assertBinaryData?: boolean;
	};
	credentials?: CredentialsInput | (() => CredentialsInput);
	timeoutMs?: number;
}

export interface TestOptions {
	/** File names relative to the harness' `dir`. */
	workflowFiles: string[];
	credentials?: WorkflowTestData['credentials'];
	assertBinaryData?: boolean;
}

/** An output item reduced to what the expected item compares. */
function comparable(
	item: INodeExecutionData,
	expected: ExpectedItem | undefined,
	withBinary: boolean,
): IDataObject {
	const copy = deepCopy(item) as unknown as IDataObject & INodeExecutionData;
	if (!expected || !('pairedItem' in expected)) delete copy.pairedItem;
	if (!withBinary || !copy.binary || Object.keys(copy.binary).length === 0) {
		delete copy.binary;
	} else {
		for (const data of Object.values(copy.binary)) {
			delete data.id;
			delete data.directory;
		}
	}
	return copy;
}

export class NodeTestHarness {
	private readonly dir: string;

	/** `dir`: where workflow files are read from (n8n finds the calling test's folder itself). */
	constructor(options: { dir: string }) {
		this.dir = options.dir;
	}

	/** Reads a `*.workflow.json` file into test data: `pinData` becomes the expected node output. */
	readWorkflowJSON(fileName: string): WorkflowTestData {
		const workflow = JSON.parse(
			fs.readFileSync(path.resolve(this.dir, fileName), 'utf8'),
		) as WorkflowJson;
		const { nodes, connections, settings, pinData, expected } = workflow;
		return {
			description: workflow.name ?? fileName.replace(/\.json$/, ''),
			input: { workflowData: { nodes, connections, settings } },
			output: { nodeData: pinData, ...expected },
		};
	}

	/** One jest test per workflow file. */
	setupTests(options: TestOptions): void {
		for (const fileName of options.workflowFiles) {
			const testData = this.readWorkflowJSON(fileName);
			if (options.credentials) testData.credentials = options.credentials;
			if (options.assertBinaryData) testData.output.assertBinaryData = true;
			this.setupTest(testData);
		}
	}

	/** One jest test: runs the workflow and asserts its output. */
	setupTest(testData: WorkflowTestData): void {
		test(testData.description, async () => {
			await this.runTest(testData);
		});
	}

	/** Runs the workflow, asserts what `output` expects, and returns the run for further checks. */
	async runTest(testData: WorkflowTestData): Promise<RunResult> {
		const { workflowData, items } = testData.input;
		const credentials =
			typeof testData.credentials === 'function' ? testData.credentials() : testData.credentials;
		const result = await runWorkflow({
			...workflowData,
			items,
			credentials,
			timeoutMs: testData.timeoutMs,
		});
		this.assertOutput(testData, result);
		return result;
	}

	private assertOutput({ description, output }: WorkflowTestData, result: RunResult): void {
		if (output.error !== undefined) {
			expect(result.error?.message).toBe(output.error);
			expect(result.status).toBe(output.status ?? 'error');
		} else {
			expect(result.error).toBeUndefined();
			expect(result.status).toBe(output.status ?? 'success');
		}
		if (output.executedNodes) expect(result.executedNodes).toEqual(output.executedNodes);
		for (const [nodeName, expectedItems] of Object.entries(output.nodeData ?? {})) {
			const actual = result
				.outputOf(nodeName)
				.map((item, i) => comparable(item, expectedItems[i], output.assertBinaryData === true));
			expect({ test: description, node: nodeName, items: actual }).toEqual({
				test: description,
				node: nodeName,
				items: expectedItems,
			});
		}
	}
}
