// The Max API node as an AI Agent tool, in a real n8n 2.41.1 with the packed package: the flow a user
// builds (Manual Trigger → AI Agent ← OpenAI Chat Model, ← Max API tool), with the OpenAI credential's
// Base URL on a scripted OpenAI stand-in (test/support/fakeOpenAi/: no model, it calls the tool, then
// answers from the tool's result) and Max API on the emulator. What the fake recorded is exactly what
// n8n sent the model: the tools it offered and what each tool handed back.
//
//   npm run build && npx jest -c test/e2e/jest.config.js test/e2e/agent.e2e.test.ts
//
// Each run's transcript (tool calls, tool results, answers) goes to .dev/e2e-agent-transcript.json.
//
// Over 400 lines on purpose: its seven scenarios share one n8n with its credentials, started once (packing
// and starting n8n take a minute or more); split, each file would start its own. The fake OpenAI is a
// module of its own (test/support/fakeOpenAi/).
//
// On n8n 2.41.1 only (not over test/e2e/targets.ts): the workflow is the one a 2.41 user builds, with the
// AI Agent at version 3.1, which 1.123.81 does not have (its newest is 3); README's Compatibility section
// says the tool mode is tested on 2.41 only.
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import axios from 'axios';

import { ensureRuntime, N8N_VERSION } from '../../scripts/n8n-install';
import { sleep } from '../../scripts/lib/time';
import { packPackage } from '../../scripts/pack';
import { startN8n, type N8nExecution, type N8nInstance } from '../../scripts/n8n-server';
import { startEmulator, type Emulator } from '../emulator';
import {
	callToolThenAnswer,
	firstUrl,
	startFakeOpenAi,
	toolResults,
	type FakeOpenAi,
	type ModelRequest,
	type OfferedTool,
	type Script,
} from '../support/fakeOpenAi';

const REPO = path.resolve(__dirname, '..', '..');
const TRANSCRIPT_FILE = path.join(REPO, '.dev', 'e2e-agent-transcript.json');
const TOOL_TYPE = 'n8n-nodes-maxapi.maxApiTool';
const EMULATOR_KEY = 'e2e-agent-key';
const TRIGGER = "When clicking 'Execute workflow'";

let n8n: N8nInstance;
let emulator: Emulator;
let openai: FakeOpenAi;
let maxApiCredential: { id: string; name: string };
let openAiCredential: { id: string; name: string };
const transcripts: Record<string, unknown> = {};

interface ToolNode {
	/** The node's name; n8n names the tool after it ("Max API" → Max_API). */
	name: string;
	parameters: Record<string, unknown>;
}

/** Workflow JSON, as a test builds it and edits it before n8n gets it. */
interface WorkflowJson {
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
}

/** Manual Trigger → AI Agent (v3.1, the default) with the OpenAI Chat Model (v1.3) and the Max API tools. */
function agentWorkflow(
	name: string,
	userMessage: string,
	tools: ToolNode[],
	chatModel: Record<string, unknown> = {},
): WorkflowJson {
	return {
		name,
		nodes: [
			{
				id: 'trigger',
				name: TRIGGER,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'agent',
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [220, 0],
				parameters: { promptType: 'define', text: userMessage, options: {} },
			},
			{
				id: 'model',
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.3,
				position: [120, 220],
				// A chat-completions server, as with any OpenAI-compatible Base URL; the Responses API has its own test.
				parameters: {
					model: { __rl: true, mode: 'id', value: 'fake-gpt' },
					responsesApiEnabled: false,
					options: {},
					...chatModel,
				},
				credentials: { openAiApi: openAiCredential },
			},
			...tools.map((tool, i) => ({
				id: `tool${i}`,
				name: tool.name,
				type: TOOL_TYPE,
				typeVersion: 1,
				position: [320 + 160 * i, 220],
				parameters: tool.parameters,
				credentials: { maxApi: maxApiCredential },
			})),
		],
		connections: {
			[TRIGGER]: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			...Object.fromEntries(
				tools.map((tool) => [
					tool.name,
					{ ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
				]),
			),
		},
	};
}

interface AgentRun {
	execution: N8nExecution;
	/** The agent's final answer. */
	answer: string;
	/** The model requests n8n made, in order, as the fake received them. */
	requests: ModelRequest[];
	/** Each tool result the model was given, as sent (the raw text) and parsed. */
	toolResults: Array<{ raw: string; json: unknown }>;
}

async function runAgent(key: string, workflow: object, script: Script): Promise<AgentRun> {
	openai.setScript(script);
	openai.reset();
	const created = await n8n.createWorkflow(workflow);
	const execution = await n8n.runWorkflowManually(created.id, { timeoutMs: 90_000 });
	const requests = openai.modelRequests().map((request) => request.model!);
	const last = requests[requests.length - 1];
	const results = last
		? toolResults(last).map((message) => ({
				raw: message.content,
				json: JSON.parse(message.content),
			}))
		: [];
	const agentRuns = execution.data?.resultData.runData['AI Agent'] ?? [];
	const answer = agentRuns[agentRuns.length - 1]?.data?.main[0]?.[0]?.json.output;
	transcripts[key] = {
		status: execution.status,
		exchange: openai.modelRequests().map((request) => ({
			offeredTools: request.model!.tools.map((tool) => ({
				name: tool.name,
				description: tool.description,
				parameters: tool.parameters,
			})),
			lastMessage: request.model!.messages[request.model!.messages.length - 1],
			reply: request.reply,
		})),
		answer,
	};
	fs.mkdirSync(path.dirname(TRANSCRIPT_FILE), { recursive: true });
	fs.writeFileSync(TRANSCRIPT_FILE, JSON.stringify(transcripts, null, 2));
	if (execution.status !== 'success') {
		throw new Error(
			`execution ${execution.id} ended ${execution.status}: ${JSON.stringify(execution.data?.resultData.error)}`,
		);
	}
	return { execution, answer, requests, toolResults: results };
}

/** The tool's runs as n8n recorded them (its node in the execution). */
function toolRuns(run: AgentRun, node = 'Max API') {
	return run.execution.data!.resultData.runData[node] ?? [];
}

/** What Max API (the emulator) was asked for: the model and input of every task created. */
function submits() {
	return [...emulator.tasks.values()].map((task) => ({ model: task.model, input: task.input }));
}

function fileUrl(taskId: string, file: string) {
	return `${emulator.url}/files/${taskId}/${file}`;
}

/** A compact result: none of the bulk an item can carry, small enough for a model's context. */
function expectCompact(raw: string) {
	expect(raw.length).toBeLessThan(600);
	expect(raw).not.toMatch(/base64|binary|data:|"prompt"|createdAt/i);
}

beforeAll(
	async () => {
		const runtime = await ensureRuntime();
		const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-pack-'));
		const { tgz } = packPackage(REPO, packDir);
		emulator = await startEmulator({ apiKey: EMULATOR_KEY, latencyMs: 300 });
		openai = await startFakeOpenAi();
		n8n = await startN8n({
			runtime,
			packageTgz: tgz,
			expectNodeTypes: ['n8n-nodes-maxapi.maxApi'],
		});
		fs.rmSync(packDir, { recursive: true, force: true });
		// The tool variant n8n generates from usableAsTool, as the editor lists it.
		expect((await n8n.getLoadedTypes()).nodes).toContain(TOOL_TYPE);
		maxApiCredential = {
			id: (
				await n8n.createCredential('maxApi', 'Max API account', {
					apiKey: EMULATOR_KEY,
					baseUrl: emulator.url,
				})
			).id,
			name: 'Max API account',
		};
		const openAiData = { apiKey: openai.apiKey, url: openai.url, header: false };
		openAiCredential = {
			id: (await n8n.createCredential('openAiApi', 'OpenAI (fake)', openAiData)).id,
			name: 'OpenAI (fake)',
		};
		// The credential's Test button (GET /models at the Base URL) passes against the stand-in, as for a real server.
		expect(
			await n8n.testCredential('openAiApi', openAiData, {
				id: openAiCredential.id,
				name: openAiCredential.name,
			}),
		).toMatchObject({ status: 'OK' });
		expect(
			openai.requests.map((request) => `${request.method} ${request.path} ${request.status}`),
		).toEqual(['GET /v1/models 200']);
	},
	10 * 60 * 1000,
);

afterAll(async () => {
	await Promise.allSettled([n8n?.stop(), emulator?.close(), openai?.close()]);
});

afterEach(() => emulator.reset());

describe(`Max API as an AI Agent tool in a real n8n ${N8N_VERSION}`, () => {
	it('Text to Image: the model fills prompt and ratio, one submit, the answer carries the URL, the tool returns compact JSON', async () => {
		const prompt = 'A red fox in fresh snow, watercolor';
		// As added from the nodes panel: only the resource and operation set, everything else the tool's defaults.
		const workflow = agentWorkflow(
			'e2e agent: text to image',
			'Draw me a red fox in the snow, as a phone wallpaper',
			[{ name: 'Max API', parameters: { resource: 'image', operation: 'textToImage' } }],
		);
		const run = await runAgent(
			'textToImage',
			workflow,
			callToolThenAnswer({
				args: { prompt, ratio: '9:16' },
				answer: (result) => `Here is your wallpaper: ${firstUrl(result)}`,
			}),
		);

		// The tool the model was offered: named after the node, described by the operation, and asking
		// for the prompt (required) and the ratio (optional, with its values and default in words).
		const [tool] = run.requests[0].tools;
		expect(tool.name).toBe('Max_API');
		expect(tool.description).toBe('Generate an image from text in Max API');
		expect(Object.keys(tool.parameters.properties!).sort()).toEqual(['prompt', 'ratio']);
		expect(tool.parameters.required).toContain('prompt');
		expect(tool.parameters.properties!.prompt).toMatchObject({
			type: 'string',
			description: expect.stringContaining('image to generate'),
		});
		expect(tool.parameters.properties!.ratio).toMatchObject({
			type: 'string',
			default: 'auto',
			description: expect.stringContaining('9:16'),
		});

		// Exactly one submit, with the tool call's prompt and ratio and the node's fixed defaults.
		expect(emulator.stats().submits).toBe(1);
		expect(submits()).toEqual([
			{
				model: 'gpt-image-2/text-to-image',
				input: { prompt, ratio: '9:16', resolution: '1k', n: 1 },
			},
		]);
		const [taskId] = emulator.tasks.keys();
		const url = fileUrl(taskId, 'image-0.png');

		// What the tool handed back to the model: one compact JSON object, no bytes.
		expect(run.toolResults).toHaveLength(1);
		expect(run.toolResults[0].json).toEqual([
			{
				taskId,
				status: 'SUCCESS',
				model: 'gpt-image-2/text-to-image',
				mediaType: 'image',
				urls: [url],
				costUsd: 0.02,
			},
		]);
		expectCompact(run.toolResults[0].raw);
		// Nothing downloaded: a tool's binary would never reach the model.
		expect(emulator.stats().downloads).toBe(0);
		expect(toolRuns(run)).toHaveLength(1);
		expect(toolRuns(run)[0].executionStatus).toBe('success');
		expect(JSON.stringify(toolRuns(run)[0].data)).not.toContain('"binary"');

		expect(run.answer).toBe(`Here is your wallpaper: ${url}`);
		expect(run.requests).toHaveLength(2);
	});

	it('a failed task reaches the model as a readable result (status, reason, what to do), and the agent answers', async () => {
		const workflow = agentWorkflow(
			'e2e agent: refused by moderation',
			'Draw a portrait of a famous actor',
			[{ name: 'Max API', parameters: { resource: 'image', operation: 'textToImage' } }],
		);
		const run = await runAgent(
			'failedTask',
			workflow,
			callToolThenAnswer({
				args: { prompt: 'A portrait of a famous actor #fail:CONTENT_MODERATION' },
				answer: (result) => {
					const [task] = JSON.parse(result);
					return task.status === 'SUCCESS'
						? `Done: ${task.urls[0]}`
						: `I could not make it (${task.failureReason}): ${task.error}`;
				},
			}),
		);

		expect(emulator.stats().submits).toBe(1);
		const [taskId] = emulator.tasks.keys();
		expect(run.toolResults[0].json).toEqual([
			{
				taskId,
				status: 'FAILURE',
				model: 'gpt-image-2/text-to-image',
				mediaType: 'image',
				urls: [],
				costUsd: 0,
				failureReason: 'CONTENT_MODERATION',
				error: expect.stringMatching(
					/moderation refused the content.*Change the prompt.*not charged/,
				),
			},
		]);
		expectCompact(run.toolResults[0].raw.replace(/"error":"[^"]*"/, '"error":""'));
		// The agent goes on and answers: the execution succeeds.
		expect(run.answer).toMatch(
			/^I could not make it \(CONTENT_MODERATION\): Max API's moderation refused the content/,
		);
	});

	it('a value the model gets wrong comes back with the allowed values; nothing is sent; its retry is submitted once', async () => {
		const workflow = agentWorkflow(
			'e2e agent: wrong ratio, then a right one',
			'Draw a lighthouse, 7:5 please',
			[{ name: 'Max API', parameters: { resource: 'image', operation: 'textToImage' } }],
		);
		const script: Script = (request) => {
			const results = toolResults(request);
			if (results.length === 0)
				return {
					toolCalls: [
						{ name: 'Max_API', arguments: { prompt: 'A lighthouse at dusk', ratio: '7:5' } },
					],
				};
			if (results.length === 1)
				return {
					toolCalls: [
						{ name: 'Max_API', arguments: { prompt: 'A lighthouse at dusk', ratio: '4:3' } },
					],
				};
			return {
				content: `7:5 is not offered, so here it is in 4:3: ${firstUrl(results[1].content)}`,
			};
		};
		const run = await runAgent('wrongRatio', workflow, script);

		// First call: n8n hands the model the node's error, with the allowed values (the "Details").
		const first = toolResults(run.requests[2])[0].content;
		expect(JSON.parse(first)).toEqual([
			{ error: expect.stringContaining('Invalid "Aspect Ratio"') },
		]);
		expect(first).toContain('GPT Image 2 has no Aspect Ratio \\"7:5\\"');
		expect(first).toMatch(
			/Details: Use one of auto, 1:1, 3:2, .*21:9, 9:21\. Nothing was sent to Max API and nothing was billed/,
		);
		// Second call: one submit, the corrected ratio.
		expect(submits()).toEqual([
			{
				model: 'gpt-image-2/text-to-image',
				input: { prompt: 'A lighthouse at dusk', ratio: '4:3', resolution: '1k', n: 1 },
			},
		]);
		const [taskId] = emulator.tasks.keys();
		expect(run.answer).toBe(
			`7:5 is not offered, so here it is in 4:3: ${fileUrl(taskId, 'image-0.png')}`,
		);
		expect(toolRuns(run).map((r) => r.executionStatus)).toEqual(['error', 'success']);
	});

	it('Text to Video with Veo 3.1 Fast: the prompt and ratio from the tool call, the video URL in the answer, no download', async () => {
		const prompt = 'A drone shot over a misty pine forest at dawn';
		const workflow = agentWorkflow(
			'e2e agent: text to video',
			'Make a short vertical video of a misty forest',
			[
				{
					name: 'Max API',
					parameters: { resource: 'video', operation: 'textToVideo', model: 'veo3_fast' },
				},
			],
		);
		const run = await runAgent(
			'textToVideo',
			workflow,
			callToolThenAnswer({
				args: { prompt, ratio: '9:16' },
				answer: (result) => `Your video: ${firstUrl(result)}`,
			}),
		);

		const [tool] = run.requests[0].tools;
		expect(tool.description).toBe('Generate a video from text in Max API');
		expect(Object.keys(tool.parameters.properties!).sort()).toEqual(['prompt', 'ratio']);
		expect(tool.parameters.properties!.ratio).toMatchObject({
			default: '16:9',
			description: expect.stringContaining('one of 16:9, 9:16'),
		});

		expect(submits()).toEqual([
			{ model: 'veo3_fast', input: { prompt, ratio: '9:16', duration: 8 } },
		]);
		const [taskId] = emulator.tasks.keys();
		const url = fileUrl(taskId, 'video-0.mp4');
		expect(run.toolResults[0].json).toEqual([
			{
				taskId,
				status: 'SUCCESS',
				model: 'veo3_fast',
				mediaType: 'video',
				urls: [url],
				costUsd: null,
			},
		]);
		expectCompact(run.toolResults[0].raw);
		expect(emulator.stats().downloads).toBe(0);
		expect(run.answer).toBe(`Your video: ${url}`);
	});

	it('submit without waiting, then Task → Get by id: two tools, the model follows the task to its URL', async () => {
		const workflow = agentWorkflow(
			'e2e agent: submit, then get the task',
			'Make a video of waves on a beach',
			[
				{
					name: 'Max API',
					parameters: {
						resource: 'video',
						operation: 'textToVideo',
						model: 'veo3_fast',
						waitForCompletion: false,
					},
				},
				{ name: 'Max API Get Task', parameters: { resource: 'task', operation: 'get' } },
			],
		);
		const script: Script = (request) => {
			const results = toolResults(request);
			if (results.length === 0) {
				return {
					toolCalls: [
						{
							name: 'Max_API',
							arguments: { prompt: 'Waves rolling onto a sandy beach #latency:0' },
						},
					],
				};
			}
			const last = JSON.parse(results[results.length - 1].content)[0];
			if (last.status !== 'SUCCESS')
				return { toolCalls: [{ name: 'Max_API_Get_Task', arguments: { taskId: last.taskId } }] };
			return { content: `Ready: ${last.urls[0]}` };
		};
		const run = await runAgent('submitThenGet', workflow, script);

		// Both tools offered; the Get tool asks for the task id only.
		const tools = Object.fromEntries(
			run.requests[0].tools.map((tool: OfferedTool) => [tool.name, tool]),
		);
		expect(Object.keys(tools).sort()).toEqual(['Max_API', 'Max_API_Get_Task']);
		expect(tools.Max_API_Get_Task.description).toBe('Get a task in Max API');
		expect(Object.keys(tools.Max_API_Get_Task.parameters.properties!)).toEqual(['taskId']);
		expect(tools.Max_API_Get_Task.parameters.properties!.taskId.description).toContain('taskId');

		expect(emulator.stats().submits).toBe(1);
		const [taskId] = emulator.tasks.keys();
		const url = fileUrl(taskId, 'video-0.mp4');
		const [submitted, got] = toolResults(run.requests[2]).map((message) =>
			JSON.parse(message.content),
		);
		// Submitted: the id at once, and how to follow it.
		expect(submitted).toEqual([
			{
				taskId,
				status: 'PENDING',
				model: 'veo3_fast',
				mediaType: 'video',
				urls: [],
				note: expect.stringContaining('Get the task again later by its taskId'),
			},
		]);
		// Got by id: the finished task.
		expect(got).toEqual([
			{
				taskId,
				status: 'SUCCESS',
				model: 'veo3_fast',
				mediaType: 'video',
				urls: [url],
				costUsd: null,
			},
		]);
		expect(emulator.stats().byTask[taskId].queries).toBe(1);
		expect(emulator.stats().downloads).toBe(0);
		expect(run.answer).toBe(`Ready: ${url}`);
	});

	it("the OpenAI Chat Model's default Responses API gets the same tool and the same compact result", async () => {
		const workflow = agentWorkflow(
			'e2e agent: responses API',
			'Draw a paper boat',
			[{ name: 'Max API', parameters: { resource: 'image', operation: 'textToImage' } }],
			{ responsesApiEnabled: true },
		);
		const run = await runAgent(
			'responsesApi',
			workflow,
			callToolThenAnswer({
				args: { prompt: 'A paper boat on a rainy street' },
				answer: (result) => `Here: ${firstUrl(result)}`,
			}),
		);
		expect(run.requests.map((request) => request.api)).toEqual(['responses', 'responses']);
		expect(submits()).toEqual([
			{
				model: 'gpt-image-2/text-to-image',
				input: { prompt: 'A paper boat on a rainy street', resolution: '1k', n: 1 },
			},
		]);
		const [taskId] = emulator.tasks.keys();
		const url = fileUrl(taskId, 'image-0.png');
		expect(run.toolResults[0].json).toEqual([
			{
				taskId,
				status: 'SUCCESS',
				model: 'gpt-image-2/text-to-image',
				mediaType: 'image',
				urls: [url],
				costUsd: 0.02,
			},
		]);
		expect(run.answer).toBe(`Here: ${url}`);
	});
	it('Chat Trigger (streaming, as in the chat window): the model is streamed to, the tool runs once, the reply streams back with the URL', async () => {
		const webhookId = randomUUID();
		const workflow = agentWorkflow('e2e agent: chat', '', [
			{ name: 'Max API', parameters: { resource: 'image', operation: 'textToImage' } },
		]);
		// A Chat Trigger instead of the Manual Trigger; the agent takes the chat message (its default prompt source).
		workflow.nodes[0] = {
			id: 'trigger',
			name: 'When chat message received',
			type: '@n8n/n8n-nodes-langchain.chatTrigger',
			typeVersion: 1.4,
			position: [0, 0],
			webhookId,
			parameters: { public: true, options: { responseMode: 'streaming' } },
		};
		workflow.nodes[1].parameters = { options: {} };
		workflow.connections = {
			'When chat message received': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			...Object.fromEntries(
				Object.entries(workflow.connections).filter(([from]) => from !== TRIGGER),
			),
		};
		openai.setScript(
			callToolThenAnswer({
				args: { prompt: 'A tiny robot watering a bonsai, 3D render', ratio: '1:1' },
				answer: (result) => `Here it is: ${firstUrl(result)}`,
			}),
		);
		openai.reset();
		const created = await n8n.createWorkflow(workflow);
		await n8n.activateWorkflow(created.id);
		try {
			let reply: { status: number; data: string } | undefined;
			for (let attempt = 0; attempt < 40; attempt++) {
				// A webhook answers 404 for a moment after activation.
				reply = await axios.post(
					n8n.webhookUrl(`${webhookId}/chat`),
					{
						action: 'sendMessage',
						sessionId: 'e2e-session',
						chatInput: 'Draw a tiny robot watering a bonsai',
					},
					{ responseType: 'text', validateStatus: () => true, timeout: 60_000 },
				);
				if (reply?.status !== 404) break;
				await sleep(250);
			}
			expect(reply!.status).toBe(200);
			const [execution] = await n8n.waitForExecutions(created.id, 1, 60_000);
			expect(execution.status).toBe('success');

			const requests = openai.modelRequests().map((request) => request.model!);
			expect(requests.map((request) => [request.api, request.stream])).toEqual([
				['chat', true],
				['chat', true],
			]);
			expect(requests[0].messages[requests[0].messages.length - 1]).toMatchObject({
				role: 'user',
				content: 'Draw a tiny robot watering a bonsai',
			});
			expect(emulator.stats().submits).toBe(1);
			const [taskId] = emulator.tasks.keys();
			const url = fileUrl(taskId, 'image-0.png');
			expect(JSON.parse(toolResults(requests[1])[0].content)).toEqual([
				{
					taskId,
					status: 'SUCCESS',
					model: 'gpt-image-2/text-to-image',
					mediaType: 'image',
					urls: [url],
					costUsd: 0.02,
				},
			]);
			// The chat window's stream: JSON lines; the text items make up the agent's reply.
			const chunks = reply!.data
				.split('\n')
				.filter((line) => line.trim())
				.map((line) => JSON.parse(line));
			const text = chunks
				.filter((chunk) => chunk.type === 'item')
				.map((chunk) => chunk.content)
				.join('');
			expect(text).toBe(`Here it is: ${url}`);
			transcripts.chatTrigger = {
				requests: requests.map((request) => ({
					stream: request.stream,
					last: request.messages[request.messages.length - 1],
				})),
				stream: chunks,
			};
			fs.writeFileSync(TRANSCRIPT_FILE, JSON.stringify(transcripts, null, 2));
		} finally {
			await n8n.deactivateWorkflow(created.id);
		}
	});
});
