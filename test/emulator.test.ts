// Tests of the Max API emulator itself (test/emulator/), through plain HTTP with axios.
import axios, { AxiosInstance } from 'axios';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { sleep } from '../scripts/lib/time';
import { CATALOG, MODEL_IDS, findModel, type ModelSpec } from '../nodes/shared/models';
import {
  startEmulator,
  Emulator,
  DEFAULT_CANCELLABLE_STATUSES,
  FOURK_RATIOS,
  MAX_IMAGE_URLS,
  MODELS,
  PIXEL_SIZES,
  RATIOS,
  RESOLUTIONS,
  TaskData,
  VIDEO_FIXTURE_BYTES,
  readMp4Boxes,
} from './emulator';
import { boxHeader, videoChunks, VIDEO_FIXTURE } from './emulator/mp4';
import { crc32, encodePng, readPngSize } from './emulator/png';

const LATENCY_MS = 200;
const T2I = 'gpt-image-2/text-to-image';
const I2I = 'gpt-image-2/image-to-image';

let emu: Emulator;
let api: AxiosInstance;


async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs = 2000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await sleep(10);
  }
}

async function submit(body: unknown): Promise<string> {
  const res = await api.post('/api/v1/task/submit', body);
  expect(res.status).toBe(200);
  expect(res.data.code).toBe(0);
  return res.data.data.taskId;
}

const submitT2I = (prompt: string, input: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  submit({ model: T2I, input: { prompt, ...input }, ...extra });

async function query(taskId: string): Promise<TaskData> {
  const res = await api.get(`/api/v1/task/${taskId}`);
  expect(res.status).toBe(200);
  expect(res.data.code).toBe(0);
  return res.data.data;
}

const TERMINAL = ['SUCCESS', 'FAILURE', 'TIMEOUT', 'CANCELLED'];
const waitTerminal = (taskId: string) =>
  waitFor(async () => {
    const data = await query(taskId);
    return TERMINAL.includes(data.status) ? data : null;
  });

async function download(url: string) {
  // No Authorization header: result files are served like a CDN's.
  return axios.get(url, { responseType: 'arraybuffer', validateStatus: () => true });
}

/** A local HTTP server that records what is POSTed to it. */
async function startSink(status = 200) {
  const received: { url: string; headers: http.IncomingHttpHeaders; body: string; at: number }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body, at: Date.now() });
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end('received');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

beforeAll(async () => {
  emu = await startEmulator({ latencyMs: LATENCY_MS });
  api = axios.create({
    baseURL: emu.url,
    headers: { Authorization: `Bearer ${emu.apiKey}` },
    validateStatus: () => true,
  });
});

afterAll(() => emu.close());

beforeEach(() => emu.reset());

describe('authentication', () => {
  it('answers 401 with the documented envelope without a key or with a wrong one', async () => {
    const noKey = await axios.post(`${emu.url}/api/v1/task/submit`, { model: T2I, input: { prompt: 'x' } }, { validateStatus: () => true });
    expect(noKey.status).toBe(401);
    expect(noKey.data).toEqual({ code: 401, msg: 'unauthorized' });

    const wrongKey = await axios.get(`${emu.url}/api/v1/task/whatever`, {
      headers: { Authorization: 'Bearer nope' },
      validateStatus: () => true,
    });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.data).toEqual({ code: 401, msg: 'unauthorized' });
    expect(emu.stats().tasksCreated).toBe(0);
  });

  it('never logs the key', async () => {
    await submitT2I('a cat');
    expect(JSON.stringify(emu.requests)).not.toContain(emu.apiKey);
  });
});

describe('submit validation', () => {
  const urls = (count: number) => Array.from({ length: count }, (_, i) => `https://example.com/${i}.png`);
  const cases: [string, unknown][] = [
    ['missing model', { input: { prompt: 'x' } }],
    ['unknown model', { model: 'midjourney-v7', input: { prompt: 'x' } }],
    ['missing input', { model: T2I }],
    ['empty prompt', { model: T2I, input: { prompt: '' } }],
    ['blank prompt', { model: T2I, input: { prompt: '   ' } }],
    ['prompt not a string', { model: T2I, input: { prompt: 5 } }],
    ['image-to-image without imageUrls', { model: I2I, input: { prompt: 'x' } }],
    ['image-to-image with empty imageUrls', { model: I2I, input: { prompt: 'x', imageUrls: [] } }],
    ['too many imageUrls', { model: I2I, input: { prompt: 'x', imageUrls: urls(MAX_IMAGE_URLS + 1) } }],
    ['imageUrls not http(s)', { model: I2I, input: { prompt: 'x', imageUrls: ['ftp://example.com/a.png'] } }],
    ['text-to-image with imageUrls', { model: T2I, input: { prompt: 'x', imageUrls: urls(1) } }],
    ['unknown ratio', { model: T2I, input: { prompt: 'x', ratio: '7:3' } }],
    ['unknown resolution', { model: T2I, input: { prompt: 'x', resolution: '8k' } }],
    ['4k without ratio', { model: T2I, input: { prompt: 'x', resolution: '4k' } }],
    ['4k with 1:1', { model: T2I, input: { prompt: 'x', resolution: '4k', ratio: '1:1' } }],
    ['n = 0', { model: T2I, input: { prompt: 'x', n: 0 } }],
    ['n = 11', { model: T2I, input: { prompt: 'x', n: 11 } }],
    ['n not an integer', { model: T2I, input: { prompt: 'x', n: 1.5 } }],
    ['n as a string', { model: T2I, input: { prompt: 'x', n: '2' } }],
    ['callBackUrl not a URL', { model: T2I, callBackUrl: 'hook', input: { prompt: 'x' } }],
    ['user_id not a string', { model: T2I, user_id: 7, input: { prompt: 'x' } }],
    ['body an array', [{ model: T2I, input: { prompt: 'x' } }]],
  ];

  it.each(cases)('rejects %s with 400 and creates no task', async (_name, body) => {
    const res = await api.post('/api/v1/task/submit', body);
    expect(res.status).toBe(400);
    expect(res.data.code).toBe(400);
    expect(typeof res.data.msg).toBe('string');
    expect(emu.stats()).toMatchObject({ submits: 1, tasksCreated: 0 });
  });

  it('rejects invalid JSON without crashing', async () => {
    const res = await api.post('/api/v1/task/submit', '{"model":', {
      headers: { 'Content-Type': 'application/json' },
      transformRequest: [(data: unknown) => data], // send the string as is (axios would JSON-encode it)
    });
    expect(res.status).toBe(400);
    expect(res.data).toEqual({ code: 400, msg: 'invalid JSON body' });
    expect((await api.get('/api/v1/task/x')).status).toBe(404); // still serving
  });

  it('rejects bodies over 1 MB with 413', async () => {
    const res = await api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'x'.repeat(1024 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.data.code).toBe(413);
  });

  it('rejects a prompt flagged by pre-submit moderation', async () => {
    const res = await api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'a MODERATION_REJECT scene' } });
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({
      code: 400,
      msg: 'content rejected by moderation',
      data: { flagged: true, categories: { violence: true } },
    });
    expect(emu.stats().tasksCreated).toBe(0);
  });

  it('accepts the limits themselves', async () => {
    await submit({ model: I2I, input: { prompt: 'x', imageUrls: urls(MAX_IMAGE_URLS) } });
    await submitT2I('x', { n: 10 });
    await submitT2I('x', { resolution: '4k', ratio: '9:21' });
    expect(emu.stats().tasksCreated).toBe(3);
  });

  it('rejects localhost callbacks only when asked to', async () => {
    await submitT2I('x', {}, { callBackUrl: 'http://127.0.0.1:9/cb' });
    const strict = await startEmulator({ rejectLocalhostCallbacks: true });
    try {
      const post = (callBackUrl: string) =>
        axios.post(
          `${strict.url}/api/v1/task/submit`,
          { model: T2I, callBackUrl, input: { prompt: 'x' } },
          { headers: { Authorization: `Bearer ${strict.apiKey}` }, validateStatus: () => true },
        );
      for (const url of ['http://127.0.0.1:9/cb', 'http://localhost/cb', 'http://[::1]:9/cb', 'http://127.1.2.3/cb']) {
        const res = await post(url);
        expect(res.status).toBe(400);
        expect(res.data.code).toBe(400);
      }
      expect((await post('https://hooks.example.com/cb?token=abc')).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('task lifecycle', () => {
  it('goes PENDING -> PROCESSING -> SUBMITTED -> SUCCESS and echoes the input', async () => {
    const prompt = 'A crow running down a neon-lit street #latency:600';
    const taskId = await submitT2I(prompt, { ratio: '16:9', n: 2 });
    expect(taskId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const seen: string[] = [];
    let last: TaskData;
    do {
      last = await query(taskId);
      if (seen[seen.length - 1] !== last.status) seen.push(last.status);
      if (last.status !== 'SUCCESS') {
        expect(last.result).toBeNull();
        await sleep(15);
      }
    } while (last.status !== 'SUCCESS');

    expect(seen).toEqual(['PENDING', 'PROCESSING', 'SUBMITTED', 'SUCCESS']);
    expect(last.input).toEqual({ model: T2I, prompt, ratio: '16:9', n: 2 });
    expect(last.failure_reason).toBeNull();
    expect(last.result).toEqual({
      type: 'image',
      urls: [0, 1].map((k) => `${emu.url}/files/${taskId}/image-${k}.png`),
    });
    const isoRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
    expect(last.created_at).toMatch(isoRe);
    expect(Date.parse(last.updated_at) - Date.parse(last.created_at)).toBe(600);
  });

  it.each([
    ['#fail:CONTENT_MODERATION', 'FAILURE', 'CONTENT_MODERATION'],
    ['#fail:INVALID_PARAMETERS', 'FAILURE', 'INVALID_PARAMETERS'],
    ['#fail:INSUFFICIENT_POINTS', 'FAILURE', 'INSUFFICIENT_POINTS'],
    ['#fail:null', 'FAILURE', null],
    ['#status:TIMEOUT', 'TIMEOUT', null],
    ['#status:CANCELLED', 'CANCELLED', null],
  ])('directive %s ends in %s', async (directive, status, reason) => {
    const data = await waitTerminal(await submitT2I(`a cat ${directive} #latency:30`));
    expect(data).toMatchObject({ status, failure_reason: reason, result: null });
  });

  it('#nourls succeeds with an empty url list', async () => {
    const taskId = await submitT2I('a cat #nourls #latency:0');
    expect((await query(taskId)).result).toEqual({ type: 'image', urls: [] });
    expect((await download(`${emu.url}/files/${taskId}/image-0.png`)).status).toBe(404);
  });

  it('#never stays SUBMITTED', async () => {
    const taskId = await submitT2I('a cat #never #latency:30');
    await sleep(80);
    expect((await query(taskId)).status).toBe('SUBMITTED');
  });

  it('answers 404 for an unknown task', async () => {
    const res = await api.get('/api/v1/task/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.data).toEqual({ code: 404, msg: 'task not found' });
  });
});

describe('result files', () => {
  it('serves a 3840x2160 PNG for 16:9 4k, without auth', async () => {
    const data = await waitTerminal(await submitT2I('a wide street #latency:0', { ratio: '16:9', resolution: '4k' }));
    const res = await download(data.result!.urls[0]);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(readPngSize(Buffer.from(res.data))).toEqual({ width: 3840, height: 2160 });
  });

  it('serves a complete, valid 1024x1024 PNG for 1k with the ratio omitted, one per n', async () => {
    const taskId = await submitT2I('a cat #latency:0', { n: 2 });
    const [first, second] = (await query(taskId)).result!.urls;
    const a = Buffer.from((await download(first)).data);
    const b = Buffer.from((await download(second)).data);
    expect(readPngSize(a)).toEqual({ width: 1024, height: 1024 });
    expect(a.equals(b)).toBe(false);

    // Walk the chunks: each CRC must match, and IDAT must inflate to height x (1 + 3 x width) bytes.
    const chunks: string[] = [];
    let idat = Buffer.alloc(0);
    for (let offset = 8; offset < a.length; ) {
      const length = a.readUInt32BE(offset);
      const type = a.toString('ascii', offset + 4, offset + 8);
      const data = a.subarray(offset + 8, offset + 8 + length);
      expect(a.readUInt32BE(offset + 8 + length)).toBe(crc32(data, crc32(a.subarray(offset + 4, offset + 8))));
      chunks.push(type);
      if (type === 'IDAT') idat = data;
      offset += 12 + length;
    }
    expect(chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(zlib.inflateSync(new Uint8Array(idat)).length).toBe(1024 * (1 + 3 * 1024));

    expect((await download(`${emu.url}/files/${taskId}/image-2.png`)).status).toBe(404);
    expect(emu.stats().byTask[taskId].downloads).toBe(3);
  });

  it('serves image-to-image sizes by ratio and resolution', async () => {
    const taskId = await submit({
      model: I2I,
      input: { prompt: 'restyle #latency:0', imageUrls: ['https://example.com/a.jpg'], ratio: '9:21', resolution: '2k' },
    });
    const res = await download((await query(taskId)).result!.urls[0]);
    expect(readPngSize(Buffer.from(res.data))).toEqual({ width: 1152, height: 2688 });
  });

  it('does not serve files before SUCCESS', async () => {
    const taskId = await submitT2I('a cat #never');
    expect((await download(`${emu.url}/files/${taskId}/image-0.png`)).status).toBe(404);
  });

  it('has a size for every accepted ratio and resolution, the documented ones included', () => {
    for (const resolution of RESOLUTIONS) {
      for (const ratio of RATIOS) {
        const size = PIXEL_SIZES[resolution][ratio];
        expect(Boolean(size)).toBe(resolution !== '4k' || FOURK_RATIOS.includes(ratio));
        if (size) {
          expect(size.width % 16).toBe(0);
          expect(size.height % 16).toBe(0);
        }
      }
    }
    const documented: [string, string, number, number][] = [
      ['1k', '1:1', 1024, 1024], ['2k', '1:1', 2048, 2048],
      ['1k', '3:2', 1536, 1024], ['2k', '3:2', 2048, 1360],
      ['1k', '2:3', 1024, 1536], ['2k', '2:3', 1360, 2048],
      ['1k', '4:3', 1024, 768], ['2k', '4:3', 2048, 1536],
      ['1k', '16:9', 1536, 864], ['2k', '16:9', 2048, 1152], ['4k', '16:9', 3840, 2160],
      ['1k', '21:9', 2016, 864], ['2k', '21:9', 2688, 1152], ['4k', '21:9', 3840, 1648],
    ];
    for (const [resolution, ratio, width, height] of documented) {
      expect(PIXEL_SIZES[resolution as '1k'][ratio as '1:1']).toEqual({ width, height });
    }
  });

  it('encodes 3840x2160 well under a second', () => {
    const started = Date.now();
    const png = encodePng(3840, 2160, { variant: 99 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(readPngSize(png)).toEqual({ width: 3840, height: 2160 });
  });
});

describe('fault injection', () => {
  it('http: answers the status with Retry-After, once, and creates no task', async () => {
    emu.inject({ on: 'submit', kind: 'http', status: 429, retryAfter: 2 });
    const res = await api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'x' } });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.data).toEqual({ code: 429, msg: 'injected' });
    expect(emu.stats().tasksCreated).toBe(0);
    await submitT2I('x'); // consumed: the next one goes through
    expect(emu.stats()).toMatchObject({ submits: 2, tasksCreated: 1 });
  });

  it('code: HTTP 200 with a non-zero code', async () => {
    const taskId = await submitT2I('x');
    emu.inject({ on: 'query', kind: 'code', status: 500 });
    const res = await api.get(`/api/v1/task/${taskId}`);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ code: 500, msg: 'injected' });
  });

  it('reset on submit: the connection drops and no task exists', async () => {
    emu.inject({ on: 'submit', kind: 'reset' });
    await expect(api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'x' } })).rejects.toThrow();
    expect(emu.stats()).toMatchObject({ submits: 1, tasksCreated: 0 });
  });

  it('resetAfterProcess on submit: the connection drops but the task exists', async () => {
    emu.inject({ on: 'submit', kind: 'resetAfterProcess' });
    await expect(api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'ambiguous' } })).rejects.toThrow();
    expect(emu.stats()).toMatchObject({ submits: 1, tasksCreated: 1 });
    expect([...emu.tasks.values()][0].prompt).toBe('ambiguous');
  });

  it('malformed and noTaskId', async () => {
    emu.inject([
      { on: 'submit', kind: 'malformed' },
      { on: 'submit', kind: 'noTaskId' },
    ]);
    const malformed = await api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'x' } }, { responseType: 'text' });
    expect(malformed.status).toBe(200);
    expect(malformed.data).toBe('{"code":0,"msg":"ok","data":');
    const noId = await api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'x' } });
    expect(noId.data).toEqual({ code: 0, msg: 'ok', data: {} });
    expect(emu.stats().tasksCreated).toBe(1);
  });

  it('truncated and notImage downloads', async () => {
    const taskId = await submitT2I('x #latency:0');
    const url = (await query(taskId)).result!.urls[0];
    emu.inject([
      { on: 'download', kind: 'truncated' },
      { on: 'any', kind: 'notImage' },
    ]);
    await expect(download(url)).rejects.toThrow();
    const html = await axios.get(url, { responseType: 'text', validateStatus: () => true });
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.data).toBe('<html>expired</html>');
    expect((await download(url)).status).toBe(200);
  });

  it('times and taskId scope which requests a fault hits', async () => {
    const a = await submitT2I('a');
    const b = await submitT2I('b');
    emu.inject({ on: 'query', kind: 'http', status: 503, times: 2, taskId: a });
    expect((await api.get(`/api/v1/task/${b}`)).status).toBe(200);
    expect((await api.get(`/api/v1/task/${a}`)).status).toBe(503);
    expect((await api.get(`/api/v1/task/${a}`)).status).toBe(503);
    expect((await api.get(`/api/v1/task/${a}`)).status).toBe(200);
    expect(emu.requests.filter((r) => r.fault === 'http').map((r) => r.status)).toEqual([503, 503]);
  });

  it('delay answers normally, late', async () => {
    const taskId = await submitT2I('x');
    emu.inject({ on: 'query', kind: 'delay', delayMs: 100 });
    const started = Date.now();
    expect((await api.get(`/api/v1/task/${taskId}`)).data.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('hang never answers, and close() still ends promptly', async () => {
    const other = await startEmulator({ latencyMs: 50 });
    other.inject({ on: 'any', kind: 'hang', times: Infinity });
    const client = axios.create({ baseURL: other.url, headers: { Authorization: `Bearer ${other.apiKey}` } });
    await expect(client.get('/api/v1/task/x', { timeout: 100 })).rejects.toThrow(/timeout/);
    const pending = client.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'x' } }).catch((err: Error) => err);
    await sleep(30);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('huge streams a PNG-looking body of the given size, announced or not, and stops when the client leaves', async () => {
    const taskId = await submitT2I('x #latency:0');
    const url = (await query(taskId)).result!.urls[0];
    emu.inject([
      { on: 'download', kind: 'huge', bytes: 3 * 1024 * 1024 + 5 },
      { on: 'download', kind: 'huge', bytes: 1000, contentLength: false },
      { on: 'download', kind: 'huge' },
    ]);
    const announced = await axios.get(url, { responseType: 'arraybuffer' });
    expect(announced.headers['content-length']).toBe(String(3 * 1024 * 1024 + 5));
    const body = Buffer.from(announced.data);
    expect(body.length).toBe(3 * 1024 * 1024 + 5);
    expect(body.subarray(1, 4).toString('latin1')).toBe('PNG');
    const chunked = await axios.get(url, { responseType: 'arraybuffer' });
    expect(chunked.headers['content-length']).toBeUndefined();
    expect(Buffer.from(chunked.data).length).toBe(1000);
    // The default (128 MiB): read 1 MiB, then hang up; the emulator must stop writing.
    const received = await new Promise<number>((resolve, reject) => {
      http.get(url, (res) => {
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size >= 1024 * 1024) {
            res.destroy();
            resolve(size);
          }
        });
      }).on('error', reject);
    });
    expect(received).toBeLessThan(128 * 1024 * 1024);
    expect((await download(url)).status).toBe(200);
  });

  it('probability: a seeded share of the matching requests, the same on every run', async () => {
    const taskId = await submitT2I('x');
    const hits = async () => {
      emu.inject({ on: 'query', kind: 'http', status: 503, probability: 0.25, times: Infinity });
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) statuses.push((await api.get(`/api/v1/task/${taskId}`)).status);
      emu.clearFaults();
      return statuses;
    };
    const first = await hits();
    const failed = first.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(30);
    expect(failed).toBeLessThan(70);
    expect(first.every((s) => s === 503 || s === 200)).toBe(true);
    emu.reset(); // restarts the generator
    const again = await submitT2I('x');
    emu.inject({ on: 'query', kind: 'http', status: 503, probability: 0.25, times: Infinity });
    const second: number[] = [];
    for (let i = 0; i < 200; i++) second.push((await api.get(`/api/v1/task/${again}`)).status);
    expect(second).toEqual(first);
  });

  it('rejects invalid faults', () => {
    expect(() => emu.inject({ on: 'query', kind: 'noTaskId' })).toThrow();
    expect(() => emu.inject({ on: 'everywhere', kind: 'http' } as never)).toThrow();
    expect(() => emu.inject({ on: 'query', kind: 'huge' })).toThrow();
    expect(() => emu.inject({ on: 'query', kind: 'http', probability: 0 })).toThrow();
    expect(() => emu.inject({ on: 'download', kind: 'huge', bytes: 3 })).toThrow();
  });
});

describe('stats', () => {
  it('counts submits, tasks, queries, downloads and detection times', async () => {
    const prompt = 'same prompt #latency:150';
    const id1 = await submitT2I(prompt);
    await submitT2I(prompt);
    await api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'bad', ratio: '9:9' } });

    expect(TERMINAL).not.toContain((await query(id1)).status);
    expect(emu.stats().byTask[id1]).toMatchObject({ queries: 1, completedAt: null, firstTerminalQueryAt: null });
    const done = await waitTerminal(id1);
    await download(done.result!.urls[0]);

    const stats = emu.stats();
    const task = stats.byTask[id1];
    expect(stats).toMatchObject({ submits: 3, tasksCreated: 2, downloads: 1 });
    expect(stats.queries).toBe(task.queries);
    expect(stats.submitsByPrompt).toEqual({ [prompt]: 2, bad: 1 });
    expect(task).toMatchObject({ prompt, status: 'SUCCESS', downloads: 1 });
    expect(task.completedAt).toBe(task.createdAt + 150);
    expect(task.firstTerminalQueryAt).toBeGreaterThanOrEqual(task.completedAt!);
  });
});

describe('callbacks', () => {
  it('POSTs the query envelope when the task finishes, without polling', async () => {
    const sink = await startSink();
    try {
      const callBackUrl = `${sink.url}/hook?token=abc`;
      const taskId = await submitT2I('a cat #latency:40', {}, { callBackUrl });
      await waitFor(() => sink.received.length > 0);
      const [delivery] = sink.received;
      expect(delivery.url).toBe('/hook?token=abc');
      expect(delivery.headers['content-type']).toBe('application/json');
      const body = JSON.parse(delivery.body);
      expect(body).toEqual({ code: 0, msg: 'ok', data: await query(taskId) });
      expect(body.data.status).toBe('SUCCESS');
      expect(emu.callbacks).toEqual([
        expect.objectContaining({ taskId, url: callBackUrl, statusCode: 200, error: null, source: 'auto', body }),
      ]);
    } finally {
      await sink.close();
    }
  });

  it('also on failure, and twice in duplicate mode', async () => {
    const sink = await startSink();
    try {
      emu.callbackMode = { duplicate: true };
      await submitT2I('a cat #fail:null #latency:20', {}, { callBackUrl: `${sink.url}/hook` });
      await waitFor(() => sink.received.length === 2);
      expect(sink.received.map((r) => JSON.parse(r.body).data.status)).toEqual(['FAILURE', 'FAILURE']);
    } finally {
      emu.callbackMode = {};
      await sink.close();
    }
  });

  it('sendCallback forges bodies and reports what the receiver answered', async () => {
    const sink = await startSink(500);
    try {
      const taskId = emu.createTask({ prompt: 'a dog', status: 'SUCCESS', callBackUrl: `${sink.url}/hook` });
      expect(await emu.sendCallback(taskId)).toBe(500);
      expect(JSON.parse(sink.received[0].body).data).toMatchObject({ taskId, status: 'SUCCESS' });
      expect(await emu.sendCallback('unknown', { url: `${sink.url}/x`, body: '{"not":"json"', times: 2 })).toBe(500);
      expect(sink.received.slice(1).map((r) => r.body)).toEqual(['{"not":"json"', '{"not":"json"']);
    } finally {
      await sink.close();
    }
    expect(await emu.sendCallback('unknown', { url: `${sink.url}/x`, body: {} })).toBeNull();
    expect(emu.callbacks[emu.callbacks.length - 1].error).toBeTruthy();
  });
});

describe('createTask', () => {
  it('pins a status or runs the lifecycle', async () => {
    const stuck = emu.createTask({ prompt: 'p', status: 'PROCESSING' });
    const failed = emu.createTask({ prompt: 'p', status: 'FAILURE', failureReason: 'INSUFFICIENT_POINTS' });
    const running = emu.createTask({ prompt: 'p', model: I2I, input: { imageUrls: ['https://example.com/a.png'] }, latencyMs: 20 });
    await sleep(40);
    expect((await query(stuck)).status).toBe('PROCESSING');
    expect(await query(failed)).toMatchObject({ status: 'FAILURE', failure_reason: 'INSUFFICIENT_POINTS' });
    expect((await query(running)).input).toEqual({ model: I2I, prompt: 'p', imageUrls: ['https://example.com/a.png'] });
    expect(emu.stats()).toMatchObject({ submits: 0, tasksCreated: 3 });
    expect(() => emu.createTask({ prompt: 'p', model: I2I })).toThrow(/imageUrls/);
  });
});

describe('control API over HTTP', () => {
  it('drives faults, tasks, callbacks, stats and reset without a Bearer key', async () => {
    const control = axios.create({ baseURL: `${emu.url}/__emulator`, validateStatus: () => true });
    expect((await control.post('/faults', [{ on: 'submit', kind: 'http', status: 502 }])).data.code).toBe(0);
    expect((await control.post('/faults', { on: 'nowhere', kind: 'http' })).status).toBe(400);
    expect((await api.post('/api/v1/task/submit', { model: T2I, input: { prompt: 'x' } })).status).toBe(502);

    await control.post('/faults', { on: 'query', kind: 'http', status: 500 });
    await control.delete('/faults');
    const created = await control.post('/tasks', { prompt: 'made over HTTP', status: 'SUCCESS' });
    const taskId = created.data.data.taskId;
    expect((await query(taskId)).status).toBe('SUCCESS');

    const sink = await startSink();
    try {
      const sent = await control.post(`/tasks/${taskId}/callback`, { url: `${sink.url}/hook` });
      expect(sent.data).toEqual({ code: 0, msg: 'ok', data: { statusCode: 200 } });
    } finally {
      await sink.close();
    }
    expect((await control.get('/callbacks')).data.data).toHaveLength(1);
    const stats = (await control.get('/stats')).data.data;
    expect(stats).toMatchObject({ submits: 1, tasksCreated: 1, queries: 1 });
    expect(stats.byTask[taskId].prompt).toBe('made over HTTP');

    await control.post('/reset');
    expect(emu.stats()).toMatchObject({ submits: 0, tasksCreated: 0, queries: 0 });
    expect(emu.callbacks).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Every catalog model (nodes/shared/models, served from its compiled copy in dist/)
// ---------------------------------------------------------------------------------------------

const sourceUrls = (count: number, ext = 'png') => Array.from({ length: count }, (_, i) => `https://example.com/source-${i}.${ext}`);

/** The smallest valid input of a catalog entry: a prompt and its URL list at the documented minimum. */
function minimalInput(spec: ModelSpec): Record<string, unknown> {
  const input: Record<string, unknown> = { prompt: `${spec.name} #latency:0` };
  for (const field of spec.fields) if (field.kind === 'urls') input[field.key] = sourceUrls(field.min);
  return input;
}

/** 400 when one of the entry's own cross-field rules rejects `input`, else 200. */
const expectedStatus = (spec: ModelSpec, input: Record<string, unknown>) =>
  (spec.rules ?? []).some((rule) => rule.check(input as never)) ? 400 : 200;

const post = (model: string, input: Record<string, unknown>) => api.post('/api/v1/task/submit', { model, input });

describe('catalog models', () => {
  it('MODELS are the catalog ids, the GPT Image 2 ones first', () => {
    expect([...MODELS]).toEqual([...MODEL_IDS]);
    expect(MODELS.slice(0, 2)).toEqual([T2I, I2I]);
  });

  it.each(CATALOG.map((spec) => [`${spec.id} (${spec.operation})`, spec] as const))(
    '%s: a minimal submit runs as that entry and ends with its media',
    async (_name, spec) => {
      const taskId = await submit({ model: spec.id, input: minimalInput(spec) });
      expect(emu.tasks.get(taskId)).toMatchObject({ model: spec.id, operation: spec.operation, media: spec.media });
      const data = await query(taskId);
      const file = spec.media === 'video' ? 'video-0.mp4' : 'image-0.png';
      expect(data).toMatchObject({ status: 'SUCCESS', result: { type: spec.media, urls: [`${emu.url}/files/${taskId}/${file}`] } });
      const res = await download(data.result!.urls[0]);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(spec.media === 'video' ? 'video/mp4' : 'image/png');
    },
  );

  it.each(CATALOG.map((spec) => [`${spec.id} (${spec.operation})`, spec] as const))(
    '%s: every documented value is accepted, and the documented limits are refused',
    async (_name, spec) => {
      const outcomes: [string, number, number][] = [];
      const attempt = async (label: string, input: Record<string, unknown>, expected: number) => {
        outcomes.push([label, (await post(spec.id, input)).status, expected]);
      };
      const base = minimalInput(spec);
      for (const field of spec.fields) {
        const key = field.key;
        switch (field.kind) {
          case 'choice':
            for (const { value } of field.options) {
              const input = { ...base, [key]: value };
              await attempt(`${key}=${value}`, input, expectedStatus(spec, input));
            }
            await attempt(`${key} not an option`, { ...base, [key]: 'not-an-option' }, 400);
            break;
          case 'count':
            for (const n of [field.min, field.max]) await attempt(`${key}=${n}`, { ...base, [key]: n }, 200);
            for (const n of [field.min - 1, field.max + 1, 1.5, '1']) await attempt(`${key}=${JSON.stringify(n)}`, { ...base, [key]: n }, 400);
            break;
          case 'urls': {
            const max = field.max ?? MAX_IMAGE_URLS;
            const full = { ...base, [key]: sourceUrls(max) };
            await attempt(`${max} ${key}`, full, expectedStatus(spec, full));
            await attempt(`${max + 1} ${key}`, { ...base, [key]: sourceUrls(max + 1) }, 400);
            await attempt(`empty ${key}`, { ...base, [key]: [] }, 400);
            await attempt(`${key} not http(s)`, { ...base, [key]: ['ftp://example.com/a.png'] }, 400);
            break;
          }
          case 'flag':
            await attempt(`${key}=true`, { ...base, [key]: true }, 200);
            await attempt(`${key}=false`, { ...base, [key]: false }, 200);
            await attempt(`${key}="yes"`, { ...base, [key]: 'yes' }, 400);
            break;
        }
      }
      expect(outcomes.filter(([, status, expected]) => status !== expected)).toEqual([]);
    },
  );
});

describe('model families', () => {
  const operationOf = async (model: string, input: Record<string, unknown>) => {
    const res = await post(model, { prompt: 'x #latency:0', ...input });
    expect(res.data).toMatchObject({ code: 0 });
    return emu.tasks.get(res.data.data.taskId)!.operation;
  };

  it.each([
    ['seedream-4.5', 'imageUrls', 'textToImage', 'imageToImage'],
    ['nano-banana-2', 'imageUrls', 'textToImage', 'imageToImage'],
    ['veo3_fast', 'imageUrls', 'textToVideo', 'imageToVideo'],
    ['seedance-2.0-fast', 'mediaUrls', 'textToVideo', 'imageToVideo'],
  ])('%s: %s present selects the second operation', async (model, key, without, withUrls) => {
    expect(await operationOf(model, {})).toBe(without);
    expect(await operationOf(model, { [key]: sourceUrls(1) })).toBe(withUrls);
  });

  const refused: [string, string, Record<string, unknown>][] = [
    ['GPT Image 2 text-to-image takes no imageUrls', T2I, { imageUrls: sourceUrls(1) }],
    ['GPT Image 2 image-to-image needs imageUrls', I2I, {}],
    ['GPT Image 2 4k needs a wide ratio', T2I, { resolution: '4k', ratio: '4:3' }],
    ['Seedream 5 Lite makes at most 4 images', 'seedream-5-lite', { n: 5 }],
    ['Seedream 4.5 makes at most 15 images', 'seedream-4.5', { n: 16 }],
    ['Seedream has no ratio 5:4', 'seedream-4', { ratio: '5:4' }],
    ['Seedream imageUrls present but empty', 'seedream-4', { imageUrls: [] }],
    ['Nano Banana has only 16:9 and 9:16', 'nano-banana', { ratio: '1:1' }],
    ['Nano Banana Pro has no 8k', 'nano-banana-pro', { resolution: '8k' }],
    ['Grok Lite takes no ratio (docs: "Not accepted")', 'grok-imagine/text-to-image-lite', { ratio: '1:1' }],
    ['Grok Lite takes no resolution (docs: "Not accepted")', 'grok-imagine/text-to-image-lite', { resolution: '1k' }],
    ['Grok Lite makes at most 4 images', 'grok-imagine/text-to-image-lite', { n: 5 }],
    ['Grok images take no imageUrls', 'grok-imagine/text-to-image-pro', { imageUrls: sourceUrls(1) }],
    ['Grok video has no 7 s', 'grok-imagine/text-to-video', { duration: 7 }],
    ['Grok video has no 1080p', 'grok-imagine/text-to-video', { resolution: '1080p' }],
    ['Grok video has no mode "wild"', 'grok-imagine/text-to-video', { mode: 'wild' }],
    ['Veo takes at most 3 images', 'veo3', { imageUrls: sourceUrls(4) }],
    ['Veo has no 1:1', 'veo3_fast', { ratio: '1:1' }],
    ['Veo has no 5 s', 'veo3_fast', { duration: 5 }],
    ['Veo duration is a number', 'veo3_fast', { duration: '8' }],
    ['Veo Quality first frame is 8 s only', 'veo3', { imageUrls: sourceUrls(1), duration: 4 }],
    ['Veo Lite has no reference mode', 'veo3_lite', { imageUrls: sourceUrls(3), mode: 'r2v' }],
    ['Seedance takes at most 12 media files', 'seedance-2.0', { mediaUrls: sourceUrls(13, 'mp3') }],
    ['Seedance takes at most 9 images', 'seedance-2.0', { mediaUrls: sourceUrls(10) }],
    ['Seedance takes mediaUrls, not imageUrls', 'seedance-2.0', { imageUrls: sourceUrls(1) }],
    ['Seedance 2.0 lasts at most 15 s', 'seedance-2.0', { duration: 16 }],
    ['Seedance 1.5 Pro lasts 5 or 10 s', 'seedance-1.5-pro', { duration: 6 }],
    ['Seedance 1.5 Pro takes at most 2 files', 'seedance-1.5-pro', { mediaUrls: sourceUrls(3) }],
    ['Seedance 1.5 Pro takes images only', 'seedance-1.5-pro', { mediaUrls: ['https://example.com/clip.mp4'] }],
    ['Seedance fallback is a boolean', 'seedance-2.0-fast', { fallback: 'true' }],
  ];

  it.each(refused)('refuses with 400: %s', async (_name, model, input) => {
    const res = await post(model, { prompt: 'x', ...input });
    expect(res.status).toBe(400);
    expect(res.data).toEqual({ code: 400, msg: expect.any(String) });
    expect(emu.stats().tasksCreated).toBe(0);
  });

  it.each([
    ['Veo 3.1 Fast with 2 images lasts 4 s (first and last frame)', 'veo3', { imageUrls: sourceUrls(2), duration: 4 }],
    ['Veo Lite ignores resolution (docs: "ignored if provided")', 'veo3_lite', { resolution: '1080p' }],
    ['Grok Standard: ratio undocumented, accepted and ignored', 'grok-imagine/text-to-image-standard', { ratio: '16:9', n: 10 }],
    ['a video model ignores n', 'veo3_fast', { n: 3 }],
    ['Nano Banana ignores resolution (1K fixed)', 'nano-banana', { resolution: '4k' }],
    ['Seedance 2.0 takes 9 images and 3 audio or video files', 'seedance-2.0', { mediaUrls: [...sourceUrls(9), 'https://example.com/a.mp3', 'https://example.com/b.wav', 'https://example.com/c.mov'] }],
    ['unknown fields are echoed', 'seedream-5-lite', { seed: 42 }],
  ])('accepts: %s', async (_name, model, input) => {
    const taskId = await submit({ model, input: { prompt: 'x', ...input } });
    expect((await query(taskId)).input).toEqual({ model, prompt: 'x', ...input });
  });

  it('sizes other image models from their ratio and resolution, n images where n is sent', async () => {
    const output = async (model: string, input: Record<string, unknown>) => {
      const taskId = await submit({ model, input: { prompt: 'x #latency:0', ...input } });
      return { taskId, output: emu.tasks.get(taskId)!.output, urls: (await query(taskId)).result!.urls };
    };
    const seedream = await output('seedream-4', { ratio: '21:9', resolution: '2k', n: 3 });
    expect(seedream.output).toEqual({ type: 'image', count: 3, width: 2688, height: 1152 });
    expect(seedream.urls).toHaveLength(3);
    const banana = await output('nano-banana', { ratio: '9:16' });
    expect(banana.output).toEqual({ type: 'image', count: 1, width: 864, height: 1536 });
    expect(readPngSize(Buffer.from((await download(banana.urls[0])).data))).toEqual({ width: 864, height: 1536 });
    // 4k with a ratio GPT Image 2 has no 4k size for: twice the 2k size.
    expect((await output('nano-banana-pro', { ratio: '4:3', resolution: '4k' })).output).toMatchObject({ width: 4096, height: 3072 });
    // Grok takes no ratio: a square 1024, n of them.
    const grok = await output('grok-imagine/text-to-image-standard', { ratio: '16:9', n: 2 });
    expect(grok.output).toEqual({ type: 'image', count: 2, width: 1024, height: 1024 });
    expect(grok.urls).toHaveLength(2);
  });

  it('createTask makes tasks of any catalog model', async () => {
    const taskId = emu.createTask({ prompt: 'p', model: 'seedance-1.5-pro', input: { mediaUrls: sourceUrls(2), duration: 10 }, latencyMs: 0 });
    expect(await query(taskId)).toMatchObject({ status: 'SUCCESS', result: { type: 'video' } });
    expect(() => emu.createTask({ prompt: 'p', model: 'seedance-1.5-pro', input: { duration: 6 } })).toThrow(/duration/);
  });
});

// ---------------------------------------------------------------------------------------------
// Video files
// ---------------------------------------------------------------------------------------------

describe('video results', () => {
  const videoTask = async (input: Record<string, unknown> = {}) => {
    const taskId = await submit({ model: 'veo3_fast', input: { prompt: 'a wave #latency:0', ...input } });
    return { taskId, url: (await query(taskId)).result!.urls[0] };
  };

  it('serves a valid MP4 (ftyp, moov, mdat) as video/mp4, without auth, HEAD included', async () => {
    const { taskId, url } = await videoTask();
    expect(url).toBe(`${emu.url}/files/${taskId}/video-0.mp4`);
    const res = await download(url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('video/mp4');
    expect(res.headers['content-length']).toBe(String(VIDEO_FIXTURE_BYTES));
    const body = Buffer.from(res.data);
    expect(body.length).toBe(VIDEO_FIXTURE_BYTES);
    const boxes = readMp4Boxes(body);
    expect(boxes.map((box) => box.type)).toEqual(expect.arrayContaining(['ftyp', 'moov', 'mdat']));
    expect(boxes[0].type).toBe('ftyp');
    expect(['isom', 'mp42', 'iso5', 'avc1']).toContain(body.toString('latin1', 8, 12)); // major brand
    expect(boxes.reduce((sum, box) => sum + box.size, 0)).toBe(body.length);

    const head = await axios.head(url, { validateStatus: () => true });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(VIDEO_FIXTURE_BYTES));
    expect((await download(`${emu.url}/files/${taskId}/video-1.mp4`)).status).toBe(404);
    expect((await download(`${emu.url}/files/${taskId}/image-0.png`)).status).toBe(404);
  });

  it('is a video ffprobe reads, when ffprobe is installed', async () => {
    const probe = spawnSync('ffprobe', ['-version']);
    if (probe.error) return; // not installed (apt-get install ffmpeg): the box checks above still ran
    const { url } = await videoTask();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'emu-mp4-')), 'video.mp4');
    fs.writeFileSync(file, Buffer.from((await download(url)).data));
    const out = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', file], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout).streams).toEqual([{ codec_type: 'video', codec_name: 'h264', width: 160, height: 90 }]);
  });

  it('is not served before SUCCESS, nor for #nourls', async () => {
    const running = await submit({ model: 'seedance-2.0', input: { prompt: 'x #never' } });
    expect((await download(`${emu.url}/files/${running}/video-0.mp4`)).status).toBe(404);
    const empty = await submit({ model: 'seedance-2.0', input: { prompt: 'x #nourls #latency:0' } });
    expect((await query(empty)).result).toEqual({ type: 'video', urls: [] });
  });

  it('videoBytes: the MP4 padded with a trailing free box to exactly that size, streamed', async () => {
    const bytes = 3 * 1024 * 1024 + 11;
    const big = await startEmulator({ latencyMs: 0, videoBytes: bytes });
    try {
      const taskId = big.createTask({ prompt: 'p', model: 'veo3' });
      const url = `${big.url}/files/${taskId}/video-0.mp4`;
      const res = await download(url);
      expect(res.headers['content-length']).toBe(String(bytes));
      const body = Buffer.from(res.data);
      expect(body.length).toBe(bytes);
      expect(body.subarray(0, VIDEO_FIXTURE_BYTES).equals(VIDEO_FIXTURE)).toBe(true);
      const boxes = readMp4Boxes(body);
      expect(boxes[boxes.length - 1]).toEqual({ type: 'free', offset: VIDEO_FIXTURE_BYTES, size: bytes - VIDEO_FIXTURE_BYTES, headerSize: 8 });
      // A client that leaves early: the emulator stops writing and keeps serving.
      const received = await new Promise<number>((resolve, reject) => {
        http.get(url, (stream) => {
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size >= 256 * 1024) {
              stream.destroy();
              resolve(size);
            }
          });
        }).on('error', reject);
      });
      expect(received).toBeLessThan(bytes);
      expect((await download(url)).status).toBe(200);
    } finally {
      await big.close();
    }
  });

  it('videoBytes past 4 GiB uses a 64-bit free box; impossible sizes are refused', async () => {
    const total = 2 ** 33;
    const chunks = videoChunks(total);
    expect(chunks.next().value).toBe(VIDEO_FIXTURE);
    const header = chunks.next().value as Buffer;
    expect(header).toEqual(boxHeader('free', total - VIDEO_FIXTURE_BYTES));
    expect(readMp4Boxes(header)).toEqual([{ type: 'free', offset: 0, size: total - VIDEO_FIXTURE_BYTES, headerSize: 16 }]);
    for (const videoBytes of [VIDEO_FIXTURE_BYTES - 1, VIDEO_FIXTURE_BYTES + 7, 1.5, -1]) {
      await expect(startEmulator({ videoBytes })).rejects.toThrow(/videoBytes/);
    }
  });

  it('download faults act on videos too: truncated, huge (MP4-looking), notImage', async () => {
    const { url } = await videoTask();
    emu.inject([
      { on: 'download', kind: 'truncated' },
      { on: 'download', kind: 'huge', bytes: 100_000 },
      { on: 'download', kind: 'notImage' },
    ]);
    await expect(download(url)).rejects.toThrow();
    const huge = await download(url);
    expect(huge.headers['content-type']).toBe('video/mp4');
    const body = Buffer.from(huge.data);
    expect(body.length).toBe(100_000);
    expect(body.toString('latin1', 4, 8)).toBe('ftyp');
    expect((await download(url)).headers['content-type']).toMatch(/^text\/html/);
    expect((await download(url)).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------
// Cancel
// ---------------------------------------------------------------------------------------------

describe('cancel', () => {
  const cancel = (taskId: string, client: AxiosInstance = api) => client.post(`/api/v1/task/${encodeURIComponent(taskId)}/cancel`);

  it('cancels PENDING, PROCESSING and SUBMITTED tasks by default (cancel page v-B)', async () => {
    expect([...DEFAULT_CANCELLABLE_STATUSES]).toEqual(['PENDING', 'PROCESSING', 'SUBMITTED']);
    for (const status of ['PENDING', 'PROCESSING', 'SUBMITTED'] as const) {
      const taskId = emu.createTask({ prompt: 'p', status });
      const before = Date.now();
      const res = await cancel(taskId);
      expect(res.status).toBe(200);
      expect(res.data).toEqual({ code: 0, msg: 'ok' });
      const data = await query(taskId);
      expect(data).toMatchObject({ status: 'CANCELLED', result: null, failure_reason: null });
      expect(Date.parse(data.updated_at)).toBeGreaterThanOrEqual(before - 1);
      expect(emu.stats().byTask[taskId]).toMatchObject({ status: 'CANCELLED', cancels: 1, cancelledAt: expect.any(Number) });
    }
    // A running task, in its lifecycle: it stays CANCELLED past its latency.
    const running = await submitT2I('x #latency:100');
    expect((await cancel(running)).data.code).toBe(0);
    await sleep(150);
    expect((await query(running)).status).toBe('CANCELLED');
  });

  it('refuses terminal tasks with 400 and unknown ones with 404', async () => {
    const done = emu.createTask({ prompt: 'p', status: 'SUCCESS' });
    const res = await cancel(done);
    expect(res.status).toBe(400);
    expect(res.data).toEqual({ code: 400, msg: 'task cannot be cancelled in status SUCCESS' });
    expect((await query(done)).status).toBe('SUCCESS');

    const cancelled = await submitT2I('x #never');
    await cancel(cancelled);
    expect((await cancel(cancelled)).data).toEqual({ code: 400, msg: 'task cannot be cancelled in status CANCELLED' });

    const unknown = await cancel('00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.data).toEqual({ code: 404, msg: 'task not found' });
    expect(emu.stats().cancels).toBe(4);
  });

  it('needs the Bearer key, and only answers POST', async () => {
    const taskId = await submitT2I('x #never');
    const noKey = await axios.post(`${emu.url}/api/v1/task/${taskId}/cancel`, undefined, { validateStatus: () => true });
    expect(noKey.status).toBe(401);
    expect(noKey.data).toEqual({ code: 401, msg: 'unauthorized' });
    expect((await api.get(`/api/v1/task/${taskId}/cancel`)).status).toBe(404);
    expect((await query(taskId)).status).not.toBe('CANCELLED');
  });

  it('PENDING only with cancellableStatuses: [PENDING] (cancel page v-A)', async () => {
    const strict = await startEmulator({ cancellableStatuses: ['PENDING'] });
    try {
      const client = axios.create({ baseURL: strict.url, headers: { Authorization: `Bearer ${strict.apiKey}` }, validateStatus: () => true });
      const pending = strict.createTask({ prompt: 'p', status: 'PENDING' });
      expect((await cancel(pending, client)).data).toEqual({ code: 0, msg: 'ok' });
      for (const status of ['PROCESSING', 'SUBMITTED'] as const) {
        const res = await cancel(strict.createTask({ prompt: 'p', status }), client);
        expect(res.status).toBe(400);
        expect(res.data).toEqual({ code: 400, msg: `task cannot be cancelled in status ${status}` });
      }
    } finally {
      await strict.close();
    }
    await expect(startEmulator({ cancellableStatuses: ['SUCCESS'] as never })).rejects.toThrow(/cancellableStatuses/);
  });

  it('calls the callBackUrl back with CANCELLED at once, and not again when the task would have ended', async () => {
    const sink = await startSink();
    try {
      const taskId = await submitT2I('x #latency:80', {}, { callBackUrl: `${sink.url}/hook` });
      expect((await cancel(taskId)).data.code).toBe(0);
      await waitFor(() => sink.received.length > 0);
      const body = JSON.parse(sink.received[0].body);
      expect(body).toEqual({ code: 0, msg: 'ok', data: await query(taskId) });
      expect(body.data).toMatchObject({ status: 'CANCELLED', result: null, failure_reason: null });
      await sleep(150);
      expect(sink.received).toHaveLength(1);
      expect(emu.callbacks).toEqual([expect.objectContaining({ taskId, source: 'auto', statusCode: 200 })]);
    } finally {
      await sink.close();
    }
  });

  it('faults can target cancel: an injected error leaves the task running; resetAfterProcess cancels it silently', async () => {
    const a = await submitT2I('a #never');
    emu.inject([
      { on: 'cancel', kind: 'http', status: 503 },
      { on: 'cancel', kind: 'resetAfterProcess', taskId: a },
    ]);
    expect((await api.get(`/api/v1/task/${a}`)).status).toBe(200); // a query does not take a cancel fault
    expect((await cancel(a)).status).toBe(503);
    expect((await query(a)).status).not.toBe('CANCELLED');
    await expect(cancel(a)).rejects.toThrow();
    expect((await query(a)).status).toBe('CANCELLED');
    emu.inject({ on: 'any', kind: 'code', status: 500 });
    expect((await cancel(a)).data).toEqual({ code: 500, msg: 'injected' });
    expect(emu.requests.filter((r) => r.path.endsWith('/cancel')).map((r) => [r.status, r.fault])).toEqual([
      [503, 'http'],
      [null, 'resetAfterProcess'],
      [200, 'code'],
    ]);
    expect(emu.stats()).toMatchObject({ cancels: 3 });
  });
});

// ---------------------------------------------------------------------------------------------
// Latency per model
// ---------------------------------------------------------------------------------------------

describe('per-model latency', () => {
  const typicalMs = (id: string) => findModel(id)!.timing.typicalSeconds[0] * 1000;

  it('latencyScale: each task takes its model typical latency (low end) times the scale', async () => {
    const scaled = await startEmulator({ latencyScale: 0.002, latencyMs: 99_999 });
    try {
      const ids = ['gpt-image-2/text-to-image', 'nano-banana-pro', 'veo3', 'seedance-2.0'];
      const tasks = ids.map((model) => scaled.createTask({ prompt: 'p', model }));
      const latencies = tasks.map((taskId) => scaled.tasks.get(taskId)!.latencyMs);
      expect(latencies).toEqual(ids.map((id) => Math.round(typicalMs(id) * 0.002)));
      expect(latencies).toEqual([30, 60, 120, 240]); // 15 s, 30 s, 60 s, 120 s in the catalog
      const client = axios.create({ baseURL: scaled.url, headers: { Authorization: `Bearer ${scaled.apiKey}` } });
      const status = async (taskId: string) => (await client.get(`/api/v1/task/${taskId}`)).data.data.status;
      await sleep(70);
      expect(await status(tasks[0])).toBe('SUCCESS');
      expect(await status(tasks[3])).not.toBe('SUCCESS');
      const stats = scaled.stats().byTask[tasks[0]];
      expect(stats.completedAt! - stats.createdAt).toBe(30);
      // The per-task overrides still win.
      expect(scaled.tasks.get(scaled.createTask({ prompt: 'p #latency:5', model: 'veo3' }))!.latencyMs).toBe(5);
      expect(scaled.tasks.get(scaled.createTask({ prompt: 'p', model: 'veo3', latencyMs: 7 }))!.latencyMs).toBe(7);
    } finally {
      await scaled.close();
    }
  });

  it('modelLatencyMs sets one model latency; latencyMs stays the default', async () => {
    const custom = await startEmulator({ latencyMs: 50, modelLatencyMs: { veo3_fast: 500 } });
    try {
      expect(custom.tasks.get(custom.createTask({ prompt: 'p', model: 'veo3_fast' }))!.latencyMs).toBe(500);
      expect(custom.tasks.get(custom.createTask({ prompt: 'p', model: 'veo3' }))!.latencyMs).toBe(50);
    } finally {
      await custom.close();
    }
    await expect(startEmulator({ modelLatencyMs: { 'no-such-model': 1 } })).rejects.toThrow(/modelLatencyMs/);
    await expect(startEmulator({ latencyScale: -1 })).rejects.toThrow(/latencyScale/);
  });
});
