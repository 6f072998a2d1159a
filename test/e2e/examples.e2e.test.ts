// The example workflows of examples/, imported into a real n8n 2.41.1 with the packed package,
// run against the emulator: what a user gets after "Import from File" and "Execute workflow": the files
// n8n's Read/Write Files node writes, and what Max API (the emulator) was asked to make.
//
//   npm run build && npx jest -c test/e2e/jest.config.js test/e2e/examples.e2e.test.ts
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import axios from 'axios';

import { sleep } from '../../scripts/lib/time';
import { packPackage } from '../../scripts/pack';
import {
	startN8n,
	type N8nExecution,
	type N8nInstance,
	type N8nJson,
} from '../../scripts/n8n-server';
import { readMp4Boxes, VIDEO_FIXTURE } from '../emulator/mp4';
import { encodePng, readPngSize } from '../emulator/png';
import { startEmulator, type Emulator } from '../emulator';
import { untilStatus } from './executions';
import { E2E_TARGETS, runtimeFor, startOptions } from './targets';

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
function example(file: string, edit: (workflow: N8nJson) => void = () => undefined): N8nJson {
	const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
	for (const node of workflow.nodes) {
		if (node.credentials?.maxApi)
			node.credentials.maxApi = { id: credentialId, name: 'Max API account' };
	}
	edit(workflow);
	return workflow;
}

function nodeOutput(execution: N8nExecution, nodeName: string) {
	return execution.data!.resultData.runData[nodeName][0].data!.main[0]!;
}

function expectSuccess(execution: N8nExecution) {
	if (execution.status !== 'success') {
		throw new Error(
			`execution ${execution.id} ended ${execution.status}: ${JSON.stringify(execution.data?.resultData.error)}`,
		);
	}
}

/** A file n8n's Read/Write Files node wrote: the examples write maxapi/<name>. */
function written(name: string): Buffer {
	return fs.readFileSync(path.join(filesDir, 'maxapi', name));
}

/** The size of the PNG n8n's Read/Write Files node wrote for a task (or for image k of it, `<taskId>-<k>`). */
function writtenPng(name: string) {
	return readPngSize(written(`${name}.png`));
}

/** What the emulator was asked for by the submit that created `taskId`: the model and the input. */
function submitOf(taskId: string) {
	const task = emulator.tasks.get(taskId);
	if (!task) throw new Error(`the emulator has no task ${taskId}`);
	return { model: task.model, input: task.input, callBackUrl: task.callBackUrl };
}

/** The parameters of the example's Max API node as the file has them. */
function maxApiParameters(file: string): Record<string, unknown> {
	const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
	return workflow.nodes.find((node: { type: string }) => node.type === 'n8n-nodes-maxapi.maxApi')
		.parameters;
}

describe.each(E2E_TARGETS)('example workflows in a real $label', (target) => {
	beforeAll(
		async () => {
			const runtime = await runtimeFor(target);
			const { tgz } = packPackage(REPO, fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-pack-')));

			emulator = await startEmulator({ apiKey: EMULATOR_KEY, latencyMs: 500 });
			userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-e2e-user-'));
			// n8n runs in its user folder; the examples write the relative path maxapi/<taskId>.png, and
			// n8n 2.x only lets the file node write inside N8N_RESTRICT_FILE_ACCESS_TO.
			filesDir = userFolder;
			fs.mkdirSync(path.join(filesDir, 'maxapi'));
			n8n = await startN8n({
				...startOptions(target),
				runtime,
				userFolder,
				packageTgz: tgz,
				env: { N8N_RESTRICT_FILE_ACCESS_TO: path.join(filesDir, 'maxapi') },
				expectNodeTypes: ['n8n-nodes-maxapi.maxApi', 'n8n-nodes-maxapi.maxApiTrigger'],
			});
			credentialId = (
				await n8n.createCredential('maxApi', 'Max API account', {
					apiKey: EMULATOR_KEY,
					baseUrl: emulator.url,
					callbackToken: CALLBACK_TOKEN,
				})
			).id;
		},
		10 * 60 * 1000,
	);

	afterAll(async () => {
		await Promise.allSettled([n8n?.stop(), emulator?.close()]);
		fs.rmSync(userFolder, { recursive: true, force: true });
	});

	afterEach(() => emulator.reset());

	it('the examples saved before the model catalog have no `model` parameter (they run as GPT Image 2)', () => {
		for (const file of [
			'text-to-image-to-disk.json',
			'image-to-image-from-url.json',
			'batch-of-prompts.json',
			'callback-submit.json',
		]) {
			expect({ file, model: maxApiParameters(file).model }).toEqual({ file, model: undefined });
		}
	});

	it('text-to-image-to-disk (no model saved): GPT Image 2 is asked for 16:9 1k, the file node writes a 1536x864 PNG', async () => {
		const workflow = await n8n.createWorkflow(example('text-to-image-to-disk.json'));
		const execution = await n8n.runWorkflowManually(workflow.id, { timeoutMs: 60_000 });
		expectSuccess(execution);
		const [item] = nodeOutput(execution, 'Max API');
		expect(item.json).toMatchObject({
			status: 'SUCCESS',
			model: 'gpt-image-2/text-to-image',
			ratio: '16:9',
			costUsd: 0.02,
		});
		expect(item.binary!.data).toMatchObject({ mimeType: 'image/png', fileExtension: 'png' });
		expect(submitOf(item.json.taskId)).toEqual({
			model: 'gpt-image-2/text-to-image',
			input: {
				prompt: 'A crow running down a neon-lit street, cinematic',
				ratio: '16:9',
				resolution: '1k',
				n: 1,
			},
			callBackUrl: null,
		});
		expect(writtenPng(item.json.taskId)).toEqual({ width: 1536, height: 864 });
	});

	it('image-to-image-from-url (no model saved): GPT Image 2 image-to-image gets the URL, the file node writes a 3:4 PNG', async () => {
		const workflow = await n8n.createWorkflow(example('image-to-image-from-url.json'));
		const execution = await n8n.runWorkflowManually(workflow.id, { timeoutMs: 60_000 });
		expectSuccess(execution);
		const [item] = nodeOutput(execution, 'Max API');
		expect(item.json.imageUrls).toEqual(['https://example.com/source.jpg']);
		expect(submitOf(item.json.taskId)).toEqual({
			model: 'gpt-image-2/image-to-image',
			input: {
				prompt: 'Restyle the subject in a cyberpunk aesthetic',
				imageUrls: ['https://example.com/source.jpg'],
				ratio: '3:4',
				resolution: '1k',
				n: 1,
			},
			callBackUrl: null,
		});
		expect(writtenPng(item.json.taskId)).toEqual({ width: 768, height: 1024 });
	});

	it('image-to-image-from-binary: the image read from disk is served by the paused run (no URL to give), the file node writes the 4:3 PNG', async () => {
		// The example reads maxapi/source.png (relative to n8n's folder, as its writes are).
		const source = encodePng(200, 150, { variant: 2 });
		fs.writeFileSync(path.join(filesDir, 'maxapi', 'source.png'), source);
		const workflow = await n8n.createWorkflow(example('image-to-image-from-binary.json'));
		const { executionId } = await n8n.runWorkflowManually(workflow.id, { wait: false });
		// It pauses first until the emulator calls back, then runs again (downloads, the file node):
		// wait for an end, not merely for the end of the wait.
		const execution = await untilStatus(
			n8n,
			executionId,
			['success', 'error', 'crashed', 'canceled'],
			90_000,
		);
		expectSuccess(execution);
		const [item] = nodeOutput(execution, 'Max API');
		expect(item.json).toMatchObject({ status: 'SUCCESS', imageUrls: ['n8n-binary:data'] });
		const submitted = submitOf(item.json.taskId);
		expect(submitted.model).toBe('gpt-image-2/image-to-image');
		expect((submitted.input.imageUrls as string[])[0]).toContain(
			`/webhook-waiting/${executionId}?`,
		);
		// n8n 2.x adds its resume token (?signature=…) to the resume URL; 1.x has none.
		expect(new URL(submitted.callBackUrl as string).pathname).toBe(
			`/webhook-waiting/${executionId}`,
		);
		expect(writtenPng(item.json.taskId)).toEqual({ width: 1024, height: 768 });
	});

	it('batch-of-prompts (no model saved): four prompts, four GPT Image 2 submits, four files, the tasks running together', async () => {
		const workflow = await n8n.createWorkflow(example('batch-of-prompts.json'));
		const started = Date.now();
		const execution = await n8n.runWorkflowManually(workflow.id, { timeoutMs: 60_000 });
		const elapsed = Date.now() - started;
		process.stdout.write(
			`[e2e-examples] batch-of-prompts: 4 tasks of 500 ms in ${elapsed} ms through n8n\n`,
		);
		expectSuccess(execution);
		const items = nodeOutput(execution, 'Max API');
		expect(items).toHaveLength(4);
		for (const item of items) {
			expect(submitOf(item.json.taskId)).toMatchObject({
				model: 'gpt-image-2/text-to-image',
				input: { ratio: '1:1', resolution: '1k', n: 1 },
			});
			expect(writtenPng(item.json.taskId)).toEqual({ width: 1024, height: 1024 });
		}
		expect(items.map((item) => submitOf(item.json.taskId).input.prompt)).toEqual([
			'A lighthouse at dawn, watercolor',
			'A red fox in fresh snow, photo',
			'A paper boat on a rainy street, macro',
			'A tiny robot watering a bonsai, 3D render',
		]);
		expect(emulator.stats().submits).toBe(4);
		// In about one task latency, not four: every submit reached Max API before the first task finished.
		// (Read from the emulator's clock, not the wall clock of the whole run, which a loaded machine stretches.)
		const byTask = emulator.stats().byTask;
		const tasks = items.map((item) => byTask[item.json.taskId]);
		expect(Math.max(...tasks.map((task) => task.createdAt))).toBeLessThan(
			Math.min(...tasks.map((task) => task.completedAt!)),
		);
	});

	it('seedream-batch-to-disk: three Seedream 4.5 submits (16:9, 2k, 2 images each), six PNG files of 2048x1152', async () => {
		const workflow = await n8n.createWorkflow(example('seedream-batch-to-disk.json'));
		const execution = await n8n.runWorkflowManually(workflow.id, { timeoutMs: 60_000 });
		expectSuccess(execution);
		const items = nodeOutput(execution, 'Max API');
		expect(items).toHaveLength(3);
		const prompts = [
			'A glass greenhouse on a cliff at sunrise, photo',
			'An origami crane flock over a city at night, 3D render',
			'A steam train crossing a snowy viaduct, oil painting',
		];
		items.forEach((item, i) => {
			expect(item.json).toMatchObject({
				status: 'SUCCESS',
				model: 'seedream-4.5',
				mediaType: 'image',
				ratio: '16:9',
				resolution: '2k',
				n: 2,
			});
			expect(item.json.costUsd).toBeNull(); // Seedream's price is not published
			expect(Object.keys(item.binary!).sort()).toEqual(['data', 'data_1']);
			expect(submitOf(item.json.taskId)).toEqual({
				model: 'seedream-4.5',
				input: { prompt: prompts[i], ratio: '16:9', resolution: '2k', n: 2 },
				callBackUrl: null,
			});
		});
		expect(emulator.stats().submits).toBe(3);

		// one item per image, each written to maxapi/<taskId>-<k>.png
		const files = nodeOutput(execution, 'Write Image to Disk');
		expect(files).toHaveLength(6);
		expect(files.map((file) => file.json.fileName)).toEqual(
			items.flatMap((item) => [0, 1].map((k) => `maxapi/${item.json.taskId}-${k}.png`)),
		);
		for (const item of items) {
			for (const k of [0, 1])
				expect(writtenPng(`${item.json.taskId}-${k}`)).toEqual({ width: 2048, height: 1152 });
			// the two images of a task are different files (the emulator varies the gradient per image)
			expect(
				written(`${item.json.taskId}-0.png`).equals(written(`${item.json.taskId}-1.png`)),
			).toBe(false);
		}
		expect(
			fs
				.readdirSync(path.join(filesDir, 'maxapi'))
				.filter((f) => items.some((item) => f.startsWith(item.json.taskId))),
		).toHaveLength(6);
	});

	it('veo-text-to-video-to-disk: one Veo 3.1 Fast submit (16:9, 8 s), the file node writes the MP4', async () => {
		const workflow = await n8n.createWorkflow(example('veo-text-to-video-to-disk.json'));
		const execution = await n8n.runWorkflowManually(workflow.id, { timeoutMs: 60_000 });
		expectSuccess(execution);
		const [item] = nodeOutput(execution, 'Max API');
		expect(item.json).toMatchObject({
			status: 'SUCCESS',
			model: 'veo3_fast',
			mediaType: 'video',
			ratio: '16:9',
			duration: 8,
		});
		expect(item.json).not.toHaveProperty('n');
		expect(item.binary!.data).toMatchObject({
			mimeType: 'video/mp4',
			fileExtension: 'mp4',
			fileName: `${item.json.taskId}-0.mp4`,
		});
		expect(submitOf(item.json.taskId)).toEqual({
			model: 'veo3_fast',
			input: {
				prompt: 'A drone shot gliding over a misty pine forest at dawn, cinematic',
				ratio: '16:9',
				duration: 8,
			},
			callBackUrl: null,
		});
		expect(emulator.stats().submits).toBe(1);

		const [file] = nodeOutput(execution, 'Write Video to Disk');
		expect(file.json.fileName).toBe(`maxapi/${item.json.taskId}.mp4`);
		const video = written(`${item.json.taskId}.mp4`);
		expect(video.length).toBeGreaterThan(0);
		expect(video.toString('latin1', 4, 8)).toBe('ftyp'); // an MP4 starts with its ftyp box
		const boxes = readMp4Boxes(video);
		expect(boxes[0]).toMatchObject({ type: 'ftyp', offset: 0 });
		expect(boxes.map((box) => box.type)).toEqual(expect.arrayContaining(['moov', 'mdat']));
		expect(video.equals(VIDEO_FIXTURE)).toBe(true); // the emulator's video, byte for byte
	});

	it('callback pair: the submit workflow returns at once, the active trigger workflow stores the image; a forged callback starts nothing', async () => {
		const trigger = await n8n.createWorkflow(example('callback-trigger.json'));
		await n8n.activateWorkflow(trigger.id);
		const webhookId = trigger.nodes.find(
			(node) => node.type === 'n8n-nodes-maxapi.maxApiTrigger',
		).webhookId;
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
		// GPT Image 2 (the example has no model), and the credential's callback token in the URL the node gave Max API.
		expect(submitOf(queued.json.taskId)).toEqual({
			model: 'gpt-image-2/text-to-image', // saved before the catalog: no model parameter
			input: {
				prompt: 'A hot-air balloon over a desert canyon',
				ratio: '16:9',
				resolution: '1k',
				n: 1,
			},
			callBackUrl: `${callbackUrl}?token=${CALLBACK_TOKEN}`,
		});

		const [run] = await n8n.waitForExecutions(trigger.id, 1, 30_000);
		expectSuccess(run);
		expect(run.mode).toBe('webhook');
		const [item] = nodeOutput(run, 'Max API Trigger');
		expect(item.json).toMatchObject({
			taskId: queued.json.taskId,
			status: 'SUCCESS',
			ratio: '16:9',
		});
		expect(writtenPng(item.json.taskId)).toEqual({ width: 1536, height: 864 });

		const forged = await axios.post(
			`${callbackUrl}?token=${CALLBACK_TOKEN}`,
			{
				code: 0,
				msg: 'ok',
				data: { taskId: '99999999-9999-4999-8999-999999999999', status: 'SUCCESS' },
			},
			{ validateStatus: () => true },
		);
		expect(forged.status).toBe(403);
		const wrongToken = await axios.post(
			`${callbackUrl}?token=guess`,
			{ code: 0, msg: 'ok', data: { taskId: queued.json.taskId, status: 'SUCCESS' } },
			{ validateStatus: () => true },
		);
		expect(wrongToken.status).toBe(403);
		await sleep(1000);
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
