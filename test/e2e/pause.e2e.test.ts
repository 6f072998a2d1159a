// End-to-end: Wait Mode "Pause Until Callback" in a real n8n. The run submits its tasks with the
// execution's resume URL as callBackUrl, is saved as waiting (no worker held), and resumes when the
// emulator calls back, with one output item per input item and the results as binary data.
//
//   npm run build && npx jest -c test/e2e/jest.config.js test/e2e/pause.e2e.test.ts
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packPackage } from '../../scripts/pack';
import { startN8n, N8nExecution, N8nInstance } from '../../scripts/n8n-server';
import { startEmulator, Emulator } from '../emulator';
import { E2E_TARGETS, runtimeFor } from './targets';

const REPO = path.resolve(__dirname, '..', '..');
const NODE_TYPE = 'n8n-nodes-maxapi.maxApi';
const CREDENTIAL_TYPE = 'maxApi';
const EMULATOR_KEY = 'e2e-pause-key';
const TRIGGER = "When clicking 'Execute workflow'";

function log(line: string): void {
  process.stdout.write(`[e2e pause] ${line}\n`);
}

/** Manual Trigger → Code (one item per prompt) → Max API with the given parameters. */
function workflow(name: string, credential: { id: string; name: string }, prompts: string[], maxApi: Record<string, unknown>) {
  return {
    name,
    nodes: [
      { id: 't', name: TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      {
        id: 'c',
        name: 'Prompts',
        type: 'n8n-nodes-base.code',
        typeVersion: 2,
        position: [200, 0],
        parameters: { jsCode: `return ${JSON.stringify(prompts)}.map((prompt) => ({ json: { prompt } }));` },
      },
      {
        id: 'm',
        name: 'Max API',
        type: NODE_TYPE,
        typeVersion: 1.1,
        position: [400, 0],
        parameters: { resource: 'image', operation: 'textToImage', prompt: '={{ $json.prompt }}', waitForCompletion: true, ...maxApi },
        credentials: { [CREDENTIAL_TYPE]: credential },
      },
    ],
    connections: {
      [TRIGGER]: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
      Prompts: { main: [[{ node: 'Max API', type: 'main', index: 0 }]] },
    },
    settings: { executionOrder: 'v1' },
  };
}

/** Polls the execution until it has one of `statuses`. */
async function untilStatus(n8n: N8nInstance, id: string, statuses: string[], timeoutMs: number): Promise<N8nExecution> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let execution: N8nExecution | undefined;
    try {
      execution = await n8n.getExecution(id, { includeData: true });
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
    if (execution && statuses.includes(execution.status)) return execution;
    if (Date.now() > deadline) throw new Error(`execution ${id} is ${execution?.status}, not ${statuses.join('/')}, after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function maxApiItems(execution: N8nExecution) {
  const runs = execution.data!.resultData.runData['Max API'];
  return runs[runs.length - 1].data!.main[0]!;
}

describe.each(E2E_TARGETS)('Pause Until Callback in a real $label', (target) => {
  let n8n: N8nInstance | undefined;
  let emulator: Emulator | undefined;
  let credential: { id: string; name: string };

  beforeAll(async () => {
    const runtime = await runtimeFor(target);
    const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-pause-pack-'));
    const { tgz } = packPackage(REPO, packDir);
    emulator = await startEmulator({ apiKey: EMULATOR_KEY, latencyMs: 3000 });
    n8n = await startN8n({ runtime, packageTgz: tgz, expectNodeTypes: [NODE_TYPE] });
    credential = await n8n.createCredential(CREDENTIAL_TYPE, 'Max API (pause)', { apiKey: EMULATOR_KEY, baseUrl: emulator.url });
  }, 15 * 60 * 1000);

  afterAll(async () => {
    await Promise.allSettled([n8n?.stop(), emulator?.close()]);
  }, 60 * 1000);

  test('a batch of 3 is saved as waiting, then resumes on the callbacks with 3 items and their images', async () => {
    const prompts = ['a red fox', 'a blue whale', 'a green parrot'];
    const wf = await n8n!.createWorkflow(workflow('e2e: pause batch', credential, prompts, { waitMode: 'pause' }));
    const started = Date.now();
    const { executionId } = await n8n!.runWorkflowManually(wf.id, { wait: false });
    const waiting = await untilStatus(n8n!, executionId, ['waiting', 'error', 'success'], 30_000);
    log(`waiting after ${Date.now() - started} ms: ${waiting.status}`);
    expect(waiting.status).toBe('waiting');
    expect(emulator!.stats().submits).toBe(3);

    const done = await untilStatus(n8n!, executionId, ['success', 'error'], 60_000);
    log(`resumed after ${Date.now() - started} ms: ${done.status}`);
    if (done.status !== 'success') throw new Error(JSON.stringify(done.data!.resultData.error ?? done.data!.resultData.runData['Max API']));
    const items = maxApiItems(done);
    expect(items).toHaveLength(3);
    items.forEach((item, index) => {
      expect(item.json).toEqual(expect.objectContaining({ status: 'SUCCESS', prompt: prompts[index] }));
      expect(item.json).not.toHaveProperty('maxApiPause');
      expect(item.pairedItem).toEqual({ item: index });
      expect(Object.keys(item.binary ?? {})).toEqual(['data']);
    });
    expect(emulator!.stats().submits).toBe(3);
  }, 120_000);
});
