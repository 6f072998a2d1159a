// The example workflows of examples/, imported into a real n8n 2.41.1 with the packed package,
// run against the emulator: what a user gets after "Import from File" and "Execute workflow".
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import axios from 'axios';

import { ensureRuntime, findNpmCli } from '../../scripts/n8n-install';
import { startN8n, type N8nExecution, type N8nInstance } from '../../scripts/n8n-server';
import { readPngSize } from '../emulator/png';
import { startEmulator, type Emulator } from '../emulator';

const REPO = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(REPO, 'examples');
const EMULATOR_KEY = 'e2e-examples-key';
const CALLBACK_TOKEN = 'e2e-callback-token';

let n8n: N8nInstance;
let emulator: Emulator;
let userFolder: string;
let filesDir: string;
let credentialId: string;

/** Reads an example as a user's file, binding its Max API nodes to our credential. */
function example(file: string, edit: (workflow: any) => void = () => undefined): any {
	const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
	for (const node of workflow.nodes) {
		if (node.credentials?.maxApi) node.credentials.maxApi = { id: credentialId, name: 'Max API account' };
	}
	edit(workflow);
	return workflow;
}

function nodeOutput(execution: N8nExecution, nodeName: string) {
	return execution.data!.resultData.runData[nodeName][0].data!.main[0]!;
}

function expectSuccess(execution: N8nExecution) {
	if (execution.status !== 'success') {
		throw new Error(`execution ${execution.id} ended ${execution.status}: ${JSON.stringify(execution.data?.resultData.error)}`);
	}
}

/** The PNG n8n's Read/Write Files node wrote for a task. */
function writtenPng(taskId: string) {
	const file = path.join(filesDir, 'maxapi', `${taskId}.png`);
	return readPngSize(fs.readFileSync(file));
}

beforeAll(async () => {
	const runtime = await ensureRuntime();
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-pack-'));
	const out = execFileSync(process.execPath, [findNpmCli(), 'pack', '--ignore-scripts', '--json', '--pack-destination', packDir], {
		cwd: REPO,
		encoding: 'utf8',
	});
	const tgz = path.join(packDir, JSON.parse(out.slice(out.indexOf('[')))[0].filename);

	emulator = await startEmulator({ apiKey: EMULATOR_KEY, latencyMs: 500 });
	userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-e2e-user-'));
	// n8n runs in its user folder; the examples write the relative path maxapi/<taskId>.png, and
	// n8n 2.x only lets the file node write inside N8N_RESTRICT_FILE_ACCESS_TO.
	filesDir = userFolder;
	fs.mkdirSync(path.join(filesDir, 'maxapi'));
	n8n = await startN8n({
		runtime,
		userFolder,
		packageTgz: tgz,
		env: { N8N_RESTRICT_FILE_ACCESS_TO: path.join(filesDir, 'maxapi') },
		expectNodeTypes: ['n8n-nodes-maxapi.maxApi', 'n8n-nodes-maxapi.maxApiTrigger'],
	});
	credentialId = (
		await n8n.createCredential('maxApi', 'Max API account', { apiKey: EMULATOR_KEY, baseUrl: emulator.url, callbackToken: CALLBACK_TOKEN })
	).id;
}, 10 * 60 * 1000);

afterAll(async () => {
	await Promise.allSettled([n8n?.stop(), emulator?.close()]);
	fs.rmSync(userFolder, { recursive: true, force: true });
});

afterEach(() => emulator.reset());

describe('example workflows in a real n8n', () => {
	it('text-to-image-to-disk: the file node writes a 16:9 1k PNG', async () => {
		const workflow = await n8n.createWorkflow(example('text-to-image-to-disk.json'));
		const execution = await n8n.runWorkflowManually(workflow.id, { timeoutMs: 60_000 });
		expectSuccess(execution);
		const [item] = nodeOutput(execution, 'Max API');
		expect(item.json).toMatchObject({ status: 'SUCCESS', ratio: '16:9', costUsd: 0.02 });
		expect(item.binary!.data).toMatchObject({ mimeType: 'image/png', fileExtension: 'png' });
		expect(writtenPng(item.json.taskId)).toEqual({ width: 1536, height: 864 });
	});

	it('image-to-image-from-url: sends the URL and writes a 3:4 PNG', async () => {
		const workflow = await n8n.createWorkflow(example('image-to-image-from-url.json'));
		const execution = await n8n.runWorkflowManually(workflow.id, { timeoutMs: 60_000 });
		expectSuccess(execution);
		const [item] = nodeOutput(execution, 'Max API');
		expect(item.json.imageUrls).toEqual(['https://example.com/source.jpg']);
		expect(writtenPng(item.json.taskId)).toEqual({ width: 768, height: 1024 });
	});

	it('batch-of-prompts: four prompts, four submits, four files, in about one task latency', async () => {
		const workflow = await n8n.createWorkflow(example('batch-of-prompts.json'));
		const started = Date.now();
		const execution = await n8n.runWorkflowManually(workflow.id, { timeoutMs: 60_000 });
		const elapsed = Date.now() - started;
		expectSuccess(execution);
		const items = nodeOutput(execution, 'Max API');
		expect(items).toHaveLength(4);
		for (const item of items) expect(writtenPng(item.json.taskId)).toEqual({ width: 1024, height: 1024 });
		expect(emulator.stats().submits).toBe(4);
		expect(elapsed).toBeLessThan(4 * 500 + 3000);
	});

	it('callback pair: the submit workflow returns at once, the active trigger workflow stores the image; a forged callback starts nothing', async () => {
		const trigger = await n8n.createWorkflow(example('callback-trigger.json'));
		await n8n.activateWorkflow(trigger.id);
		const webhookId = trigger.nodes.find((node: any) => node.type === 'n8n-nodes-maxapi.maxApiTrigger').webhookId;
		const callbackUrl = n8n.webhookUrl(`${webhookId}/maxapi`);

		const submit = await n8n.createWorkflow(
			example('callback-submit.json', (workflow) => {
				workflow.nodes[1].parameters.options.callbackUrl = callbackUrl; // the example's URL names port 5678
			}),
		);
		const submitted = await n8n.runWorkflowManually(submit.id, { timeoutMs: 60_000 });
		expectSuccess(submitted);
		const [queued] = nodeOutput(submitted, 'Max API (submit only)');
		expect(queued.json.status).toBe('PENDING');
		// The node put the credential's callback token into the URL it gave Max API.
		expect(emulator.tasks.get(queued.json.taskId)!.callBackUrl).toBe(`${callbackUrl}?token=${CALLBACK_TOKEN}`);

		const [run] = await n8n.waitForExecutions(trigger.id, 1, 30_000);
		expectSuccess(run);
		expect(run.mode).toBe('webhook');
		const [item] = nodeOutput(run, 'Max API Trigger');
		expect(item.json).toMatchObject({ taskId: queued.json.taskId, status: 'SUCCESS', ratio: '16:9' });
		expect(writtenPng(item.json.taskId)).toEqual({ width: 1536, height: 864 });

		const forged = await axios.post(
			`${callbackUrl}?token=${CALLBACK_TOKEN}`,
			{ code: 0, msg: 'ok', data: { taskId: '99999999-9999-4999-8999-999999999999', status: 'SUCCESS' } },
			{ validateStatus: () => true },
		);
		expect(forged.status).toBe(403);
		const wrongToken = await axios.post(
			`${callbackUrl}?token=guess`,
			{ code: 0, msg: 'ok', data: { taskId: queued.json.taskId, status: 'SUCCESS' } },
			{ validateStatus: () => true },
		);
		expect(wrongToken.status).toBe(403);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(await n8n.getExecutions(trigger.id)).toHaveLength(1);
		await n8n.deactivateWorkflow(trigger.id);
	});

	it("a failing task fails the execution with n8n's error for the node, carrying the task id", async () => {
		const workflow = await n8n.createWorkflow(
			example('text-to-image-to-disk.json', (wf) => {
				wf.name = 'e2e: a task refused by moderation';
				wf.nodes[1].parameters.prompt = 'a portrait #fail:CONTENT_MODERATION';
			}),
		);
		const execution = await n8n.runWorkflowManually(workflow.id, { timeoutMs: 60_000 });
		expect(execution.status).toBe('error');
		const taskId = [...emulator.tasks.keys()][0];
		const error = execution.data!.resultData.error!;
		expect(error.message).toContain(taskId);
		expect(error.message).toContain('CONTENT_MODERATION');
		expect(JSON.stringify(error)).toContain('not charged');
		expect(execution.data!.resultData.lastNodeExecuted).toBe('Max API');
	});
});
