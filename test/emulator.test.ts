// Tests of the Max API emulator itself (test/emulator/), through plain HTTP with axios.
import axios, { AxiosInstance } from 'axios';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as zlib from 'zlib';
import {
  startEmulator,
  Emulator,
  FOURK_RATIOS,
  MAX_IMAGE_URLS,
  PIXEL_SIZES,
  RATIOS,
  RESOLUTIONS,
  TaskData,
} from './emulator';
import { crc32, encodePng, readPngSize } from './emulator/png';

const LATENCY_MS = 200;
const T2I = 'gpt-image-2/text-to-image';
const I2I = 'gpt-image-2/image-to-image';

let emu: Emulator;
let api: AxiosInstance;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    ['other model', { model: 'nano-banana', input: { prompt: 'x' } }],
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
