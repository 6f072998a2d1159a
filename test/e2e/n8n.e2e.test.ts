// End-to-end: the packed package inside a real n8n 2.41.1 (Node 24 runtime from scripts/n8n-install.js),
// talking to the Max API emulator. Nothing leaves 127.0.0.1.
//
//   npm run build && npx jest -c test/e2e/jest.config.js
//
// Fresh machine: the runtime install (~3 min) is part of beforeAll; with .dev/runtime present the whole
// file takes well under a minute. MAXAPI_E2E_PACKAGE_TGZ=<file.tgz> tests that tarball instead of packing
// the repository (dist/ must be built otherwise). MAXAPI_N8N_LOGS=1 echoes n8n's log.
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { packPackage } from '../../scripts/pack';
import { startN8n, N8nInstance } from '../../scripts/n8n-server';
import { startEmulator, Emulator } from '../emulator';
import { E2E_TARGETS, runtimeFor, startOptions } from './targets';

const REPO = path.resolve(__dirname, '..', '..');
const PACKAGE = 'n8n-nodes-maxapi';
const NODE_TYPE = `${PACKAGE}.maxApi`;
const TRIGGER_TYPE = `${PACKAGE}.maxApiTrigger`;
const CREDENTIAL_TYPE = 'maxApi';
const EMULATOR_KEY = 'e2e-emulator-key';
const PACK_DIR = path.join(REPO, '.dev', 'e2e-pack'); // git-ignored

const phases: Array<[string, number]> = [];

async function phase<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
	const t = Date.now();
	try {
		return await fn();
	} finally {
		const ms = Date.now() - t;
		phases.push([name, ms]);
		process.stdout.write(`[e2e] ${name}: ${(ms / 1000).toFixed(1)}s\n`);
	}
}

/** `npm pack` of the repository as built (dist/), like the tarball that gets published. */
function packRepository(destDir: string): string {
	const given = process.env.MAXAPI_E2E_PACKAGE_TGZ;
	if (given) return path.resolve(given);
	const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
	for (const file of [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])]) {
		if (!fs.existsSync(path.join(REPO, file)))
			throw new Error(`${file} is missing: run \`npm run build\` first`);
	}
	fs.rmSync(destDir, { recursive: true, force: true });
	return packPackage(REPO, destDir).tgz;
}

describe.each(E2E_TARGETS)('n8n-nodes-maxapi in a real $label', (target) => {
	let n8n: N8nInstance | undefined;
	let emulator: Emulator | undefined;

	let targetStart = Date.now();

	beforeAll(
		async () => {
			targetStart = Date.now();
			phases.length = 0;
			const runtime = await phase('n8n runtime (install or reuse)', () => runtimeFor(target));
			const tgz = await phase('npm pack', () => packRepository(PACK_DIR));
			emulator = await phase('emulator start', () =>
				startEmulator({ apiKey: EMULATOR_KEY, latencyMs: 300 }),
			);
			n8n = await phase('n8n start to ready (+login, API key, package check)', () =>
				startN8n({
					...startOptions(target),
					runtime,
					packageTgz: tgz,
					expectNodeTypes: [NODE_TYPE, TRIGGER_TYPE],
					expectCredentialTypes: [CREDENTIAL_TYPE],
				}),
			);
			process.stdout.write(
				`[e2e] ${target.label} on ${n8n.url}, ready ${n8n.timings.readyMs} ms after spawn\n`,
			);
		},
		15 * 60 * 1000,
	);

	afterAll(async () => {
		await phase('stop n8n + emulator', async () => {
			await Promise.allSettled([n8n?.stop(), emulator?.close()]);
		});
		const rows = phases.map(([name, ms]) => `  ${(ms / 1000).toFixed(1).padStart(7)}s  ${name}`);
		process.stdout.write(
			`[e2e] phases (${target.label}):\n${rows.join('\n')}\n  ${((Date.now() - targetStart) / 1000).toFixed(1).padStart(7)}s  total\n`,
		);
	}, 60 * 1000);

	test('n8n loaded the package: node types, credential type and its fields', async () => {
		await phase('test: package loaded', async () => {
			const types = await n8n!.getLoadedTypes();
			expect(types.nodes).toEqual(expect.arrayContaining([NODE_TYPE, TRIGGER_TYPE]));
			expect(types.credentials).toContain(CREDENTIAL_TYPE);

			// the editor's node-type endpoint serves the node description from the installed package
			const [description] = await n8n!.rest('POST', '/node-types', {
				nodeInfos: [{ name: NODE_TYPE, version: 1 }],
			});
			expect(description.name).toBe('maxApi');
			expect(description.credentials).toEqual(
				expect.arrayContaining([expect.objectContaining({ name: CREDENTIAL_TYPE })]),
			);

			// the public API knows the credential type and its fields
			const schema = await n8n!.api('GET', `/credentials/schema/${CREDENTIAL_TYPE}`);
			expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['apiKey', 'baseUrl']));
		});
	});

	test("n8n's credential test: OK with the emulator key, an error with a wrong key", async () => {
		await phase('test: credential test through n8n', async () => {
			const data = { apiKey: EMULATOR_KEY, baseUrl: emulator!.url };
			const cred = await n8n!.createCredential(CREDENTIAL_TYPE, 'Max API (e2e)', data);

			const good = await n8n!.testCredential(CREDENTIAL_TYPE, data, {
				id: cred.id,
				name: 'Max API (e2e)',
			});
			expect(good).toEqual(expect.objectContaining({ status: 'OK' }));

			const bad = await n8n!.testCredential(
				CREDENTIAL_TYPE,
				{ ...data, apiKey: 'wrong-key' },
				{ id: cred.id },
			);
			expect(bad.status).toBe('Error');
			expect(typeof bad.message).toBe('string');
		});
	});

	test('a workflow started from its Manual Trigger runs the node against the emulator', async () => {
		await phase('test: manual workflow run', async () => {
			const cred = await n8n!.createCredential(CREDENTIAL_TYPE, 'Max API (e2e run)', {
				apiKey: EMULATOR_KEY,
				baseUrl: emulator!.url,
			});
			const trigger = "When clicking 'Execute workflow'";
			const wf = await n8n!.createWorkflow({
				name: 'e2e: text to image',
				nodes: [
					{
						id: 't',
						name: trigger,
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					{
						id: 'm',
						name: 'Max API',
						type: NODE_TYPE,
						typeVersion: 1,
						position: [220, 0],
						parameters: {
							resource: 'image',
							operation: 'textToImage',
							prompt: 'a red fox in the snow',
							waitForCompletion: true,
						},
						credentials: { [CREDENTIAL_TYPE]: { id: cred.id, name: 'Max API (e2e run)' } },
					},
				],
				connections: { [trigger]: { main: [[{ node: 'Max API', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			});

			const execution = await n8n!.runWorkflowManually(wf.id, { timeoutMs: 60000 });
			const runs = execution.data!.resultData.runData['Max API'];
			if (execution.status !== 'success') {
				throw new Error(
					`execution ${execution.id} ${execution.status}: ${JSON.stringify(execution.data!.resultData.error ?? runs)}`,
				);
			}
			expect(execution.mode).toBe('manual');
			const items = runs[0].data!.main[0]!;
			expect(items).toHaveLength(1);
			expect(JSON.stringify(items[0].json)).toMatch(
				new RegExp(`${emulator!.url.replace(/[.]/g, '\\.')}/files/`),
			);
			expect(emulator!.stats().submits).toBe(1);
		});
	});

	test('callback loop: a submit with a Callback URL starts the activated Max API Trigger workflow', async () => {
		await phase('test: callback to an active trigger', async () => {
			const cred = await n8n!.createCredential(CREDENTIAL_TYPE, 'Max API (e2e callback)', {
				apiKey: EMULATOR_KEY,
				baseUrl: emulator!.url,
			});
			const credRef = { [CREDENTIAL_TYPE]: { id: cred.id, name: 'Max API (e2e callback)' } };
			const webhookId = randomUUID();
			const triggerWf = await n8n!.createWorkflow({
				name: 'e2e: callback trigger',
				nodes: [
					{
						id: 'cb',
						name: 'Max API Trigger',
						type: TRIGGER_TYPE,
						typeVersion: 1,
						position: [0, 0],
						webhookId,
						parameters: { verifyWithApi: true, options: { downloadImages: false } },
						credentials: credRef,
					},
				],
				connections: {},
				settings: { executionOrder: 'v1' },
			});
			await n8n!.activateWorkflow(triggerWf.id);

			const start = "When clicking 'Execute workflow'";
			const submitWf = await n8n!.createWorkflow({
				name: 'e2e: submit with callback',
				nodes: [
					{
						id: 't',
						name: start,
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					{
						id: 's',
						name: 'Max API',
						type: NODE_TYPE,
						typeVersion: 1,
						position: [220, 0],
						parameters: {
							resource: 'image',
							operation: 'textToImage',
							prompt: 'a lighthouse at dusk',
							waitForCompletion: false,
							options: { callbackUrl: n8n!.webhookUrl(`${webhookId}/maxapi`) },
						},
						credentials: credRef,
					},
				],
				connections: { [start]: { main: [[{ node: 'Max API', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			});
			const submitted = await n8n!.runWorkflowManually(submitWf.id);
			expect(submitted.status).toBe('success');

			const [run] = await n8n!.waitForExecutions(triggerWf.id, 1, 30000);
			expect(run.mode).toBe('webhook');
			expect(run.status).toBe('success');
			const out = run.data!.resultData.runData['Max API Trigger'][0].data!.main[0]![0].json;
			expect(JSON.stringify(out)).toContain('SUCCESS');
			expect(emulator!.callbacks.some((c) => c.statusCode === 200)).toBe(true);
			await n8n!.deactivateWorkflow(triggerWf.id);
		});
	});
});
