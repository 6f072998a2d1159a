// @ts-check
'use strict';

/**
 * An in-process emulator of the Max API task endpoints used by the GPT Image 2 models
 * (docs.maxapi.io as the team noted it; see README.md beside this file).
 * Standard library only, so it runs without compiling and without dependencies.
 */

const crypto = require('crypto');
const http = require('http');
const https = require('https');
const { URL } = require('url');
const { encodePng } = require('./png');

// ---------------------------------------------------------------------------------------------
// Documented constants
// ---------------------------------------------------------------------------------------------

const MODELS = Object.freeze(['gpt-image-2/text-to-image', 'gpt-image-2/image-to-image']);
const IMAGE_TO_IMAGE = MODELS[1];
const RATIOS = Object.freeze([
  '1:1', '3:2', '2:3', '4:3', '3:4', '5:4', '4:5', '16:9', '9:16', '2:1', '1:2', '21:9', '9:21',
]);
const RESOLUTIONS = Object.freeze(['1k', '2k', '4k']);
const FOURK_RATIOS = Object.freeze(['16:9', '9:16', '2:1', '1:2', '21:9', '9:21']);
const UNIT_PRICE_USD = Object.freeze({ '1k': 0.02, '2k': 0.04, '4k': 0.06 });
const STATUSES = Object.freeze(['PENDING', 'PROCESSING', 'SUBMITTED', 'SUCCESS', 'FAILURE', 'TIMEOUT', 'CANCELLED']);
const TERMINAL_STATUSES = Object.freeze(['SUCCESS', 'FAILURE', 'TIMEOUT', 'CANCELLED']);

// Undocumented limits chosen by the emulator (README: "Where the docs are silent").
const MAX_IMAGE_URLS = 16;
const MAX_N = 10;
const BODY_LIMIT_BYTES = 1024 * 1024;
const REQUEST_LOG_LIMIT = 10000;
const CALLBACK_TIMEOUT_MS = 10000;
const CALLBACK_RESPONSE_KEEP_CHARS = 65536;
const MAX_TIMER_MS = 2 ** 31 - 1; // setTimeout's ceiling

/**
 * Landscape (and square) sizes as [width, height]; the portrait ratios are their transposes.
 * Documented in maxapi-api.md: 1:1, 3:2 (and 2:3), 4:3, 16:9, 21:9. Derived by the emulator, with the
 * same rule the documented sizes of the neighbouring ratio follow (all multiples of 16):
 * 5:4 like 4:3 (long side 1024 / 2048), 2:1 like 16:9 and 21:9 (short side 864 / 1152, long side 3840 at 4k).
 * @type {Record<string, Partial<Record<string, [number, number]>>>}
 */
const LANDSCAPE_SIZES = {
  '1:1': { '1k': [1024, 1024], '2k': [2048, 2048] },
  '3:2': { '1k': [1536, 1024], '2k': [2048, 1360] },
  '4:3': { '1k': [1024, 768], '2k': [2048, 1536] },
  '5:4': { '1k': [1024, 816], '2k': [2048, 1632] },
  '16:9': { '1k': [1536, 864], '2k': [2048, 1152], '4k': [3840, 2160] },
  '2:1': { '1k': [1728, 864], '2k': [2304, 1152], '4k': [3840, 1920] },
  '21:9': { '1k': [2016, 864], '2k': [2688, 1152], '4k': [3840, 1648] },
};
const PORTRAIT_OF = { '2:3': '3:2', '3:4': '4:3', '4:5': '5:4', '9:16': '16:9', '1:2': '2:1', '9:21': '21:9' };

/** PIXEL_SIZES[resolution][ratio] = { width, height }; absent where the combination is rejected (4k). */
const PIXEL_SIZES = (() => {
  /** @type {Record<string, Record<string, { width: number, height: number }>>} */
  const sizes = {};
  for (const resolution of RESOLUTIONS) {
    /** @type {Record<string, { width: number, height: number }>} */
    const byRatio = {};
    for (const ratio of RATIOS) {
      const portraitOf = /** @type {Record<string, string>} */ (PORTRAIT_OF)[ratio];
      const pair = LANDSCAPE_SIZES[portraitOf ?? ratio][resolution];
      if (!pair) continue;
      const [w, h] = portraitOf ? [pair[1], pair[0]] : pair;
      byRatio[ratio] = Object.freeze({ width: w, height: h });
    }
    sizes[resolution] = Object.freeze(byRatio);
  }
  return Object.freeze(sizes);
})();

const FAULT_TARGETS = Object.freeze(['submit', 'query', 'download', 'any']);
const FAULT_KINDS = Object.freeze([
  'http', 'code', 'reset', 'resetAfterProcess', 'hang', 'malformed', 'noTaskId', 'truncated', 'notImage', 'huge', 'delay',
]);
/** Kinds that only make sense on one route; on `any` they only match that route. */
const FAULT_ONLY_ON = Object.freeze({ noTaskId: 'submit', truncated: 'download', notImage: 'download', huge: 'download' });
/** Default size of a `huge` download body: far past any real image (a 4k PNG is 10-25 MB). */
const HUGE_BODY_DEFAULT_BYTES = 128 * 1024 * 1024;
const HUGE_BODY_CHUNK = Buffer.alloc(64 * 1024);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const MODERATION_WORD = /\bMODERATION_REJECT\b/;
const MODERATION_CATEGORIES = Object.freeze({
  violence: true, sexual: false, hate: false, harassment: false, self_harm: false,
});

// ---------------------------------------------------------------------------------------------
// Types (the public ones are mirrored in index.d.ts)
// ---------------------------------------------------------------------------------------------

/**
 * What a task ends as. `status: null` means it never finishes (stays SUBMITTED).
 * @typedef {object} Outcome
 * @property {'SUCCESS'|'FAILURE'|'TIMEOUT'|'CANCELLED'|null} status
 * @property {string|null} failureReason
 * @property {boolean} noUrls
 * @property {number|null} latencyMs per-task latency from `#latency:`, else null
 */

/**
 * @typedef {object} Task
 * @property {string} taskId
 * @property {string} model
 * @property {Record<string, unknown>} input the submitted input object (prompt included, model not)
 * @property {string} prompt
 * @property {string|null} callBackUrl
 * @property {string|null} userId
 * @property {number} createdAt epoch ms
 * @property {number} latencyMs time from creation to the terminal status
 * @property {Outcome} outcome
 * @property {string|null} pinnedStatus set by createTask({status}): the task stays in it forever
 * @property {number} queries
 * @property {number} downloads
 * @property {number|null} firstTerminalQueryAt epoch ms
 */

/**
 * @typedef {object} Fault
 * @property {'submit'|'query'|'download'|'any'} on
 * @property {string} kind
 * @property {number} times
 * @property {number|undefined} status
 * @property {number|string|undefined} retryAfter
 * @property {string|undefined} taskId
 * @property {number} delayMs
 * @property {number} probability chance (0-1] that a matching request takes the fault; 1 = always
 * @property {number} bytes `huge`: body size
 * @property {boolean} contentLength `huge`: send a Content-Length header
 */

/**
 * What a route handler wants sent. `raw` for binary bodies, otherwise `json`.
 * @typedef {object} Reply
 * @property {number} status
 * @property {unknown} [json]
 * @property {Buffer} [raw]
 * @property {string} [contentType]
 * @property {Record<string, string>} [headers]
 * @property {() => void} [onSent] called once the answer has been fully written
 */

/**
 * @typedef {object} CallbackRecord
 * @property {string} taskId
 * @property {string} url
 * @property {unknown} body what was POSTed (an object, or the raw string given to sendCallback)
 * @property {number|null} statusCode what the receiver answered, null when it did not answer
 * @property {string|null} error
 * @property {string|null} responseBody first 64 KiB of the receiver's answer
 * @property {number} sentAt epoch ms
 * @property {number|null} answeredAt epoch ms when the receiver's answer (status line) arrived
 * @property {'auto'|'manual'} source auto = terminal-state callback, manual = sendCallback()
 */

/**
 * @typedef {object} RequestLogEntry
 * @property {string} method
 * @property {string} path
 * @property {number} time epoch ms when the request arrived
 * @property {number|null} status HTTP status answered, null when no answer was written (reset, hang)
 * @property {string|null} fault kind of the injected fault that handled it
 */

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** @param {unknown} v @returns {v is Record<string, any>} */
function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** @param {readonly string[]} list @param {unknown} value */
function oneOf(list, value) {
  return typeof value === 'string' && list.includes(value);
}

/** @param {unknown} v */
function isHttpUrl(v) {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** @param {string} url an http(s) URL */
function isLocalhostUrl(url) {
  const host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\./.test(host) ||
    host === '0.0.0.0' ||
    host === '::1' ||
    host === '::' ||
    /^::ffff:(127\.|7f)/.test(host)
  );
}

/** @param {number} ms */
const iso = (ms) => new Date(ms).toISOString();

/** @param {unknown} data @returns {Reply} */
const ok = (data) => ({ status: 200, json: { code: 0, msg: 'ok', data } });

/** @param {number} status @param {string} msg @param {unknown} [data] @returns {Reply} */
const fail = (status, msg, data) => ({
  status,
  json: data === undefined ? { code: status, msg } : { code: status, msg, data },
});

/**
 * Read a request body as UTF-8, keeping at most `limit` bytes (the rest is drained, so the
 * answer can still be written on the same connection).
 * @param {http.IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<{ tooLarge: boolean, text: string }>}
 */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(size > limit ? { tooLarge: true, text: '' } : { tooLarge: false, text: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', reject);
    req.on('close', () => reject(new Error('client closed the connection before sending the whole body')));
  });
}

/**
 * Read and parse a JSON request body, or return the error reply to send.
 * @param {http.IncomingMessage} req
 * @param {{ emptyAsObject?: boolean }} [options] emptyAsObject: an empty body counts as {}
 * @returns {Promise<{ body: unknown } | { error: Reply }>}
 */
async function readJson(req, options = {}) {
  const { tooLarge, text } = await readBody(req, BODY_LIMIT_BYTES);
  if (tooLarge) return { error: fail(413, 'request body too large') };
  if (options.emptyAsObject && text.trim() === '') return { body: {} };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { error: fail(400, 'invalid JSON body') };
  }
}

/**
 * Terminal behaviour requested by directives inside the prompt. Outcome directives (#fail, #status,
 * #never, #nourls): the last one in the prompt wins. Unknown directives are plain prompt text.
 * @param {string} prompt
 * @returns {Outcome}
 */
function parseDirectives(prompt) {
  /** @type {Outcome} */
  const outcome = { status: 'SUCCESS', failureReason: null, noUrls: false, latencyMs: null };
  const re = /#fail:(null|[A-Z][A-Z0-9_]*)|#status:(TIMEOUT|CANCELLED)\b|#latency:(\d+)|#(never|nourls)\b/g;
  for (const m of prompt.matchAll(re)) {
    const [, failReason, status, latency, flag] = m;
    if (latency !== undefined) {
      outcome.latencyMs = Number(latency);
      continue;
    }
    // Any outcome directive replaces the previous one entirely.
    Object.assign(outcome, { status: 'SUCCESS', failureReason: null, noUrls: false });
    if (failReason !== undefined) {
      outcome.status = 'FAILURE';
      outcome.failureReason = failReason === 'null' ? null : failReason;
    } else if (status !== undefined) {
      outcome.status = status === 'TIMEOUT' ? 'TIMEOUT' : 'CANCELLED';
    } else if (flag === 'never') {
      outcome.status = null;
    } else {
      outcome.noUrls = true;
    }
  }
  return outcome;
}

/**
 * Validate a submit body the way the emulator's Max API does. Returns the error message or null.
 * @param {Record<string, any>} body
 * @param {{ rejectLocalhostCallbacks: boolean }} rules
 * @returns {string|null}
 */
function validateSubmit(body, rules) {
  const { model, input, callBackUrl, user_id: userId } = body;
  if (model === undefined) return 'model is required';
  if (!oneOf(MODELS, model)) return `unsupported model: ${JSON.stringify(model)}`;
  if (!isPlainObject(input)) return 'input must be an object';
  if (typeof input.prompt !== 'string' || input.prompt.trim() === '') return 'input.prompt must be a non-empty string';

  if (model === IMAGE_TO_IMAGE) {
    const urls = input.imageUrls;
    if (!Array.isArray(urls) || urls.length === 0) return 'input.imageUrls must be a non-empty array of image URLs';
    if (urls.length > MAX_IMAGE_URLS) return `input.imageUrls accepts at most ${MAX_IMAGE_URLS} URLs`;
    const bad = urls.findIndex((u) => !isHttpUrl(u));
    if (bad >= 0) return `input.imageUrls[${bad}] must be an http(s) URL`;
  } else if (input.imageUrls !== undefined) {
    return `input.imageUrls is not accepted by ${model}`;
  }

  if (input.ratio !== undefined && !oneOf(RATIOS, input.ratio)) return `input.ratio must be one of ${RATIOS.join(', ')}`;
  if (input.resolution !== undefined && !oneOf(RESOLUTIONS, input.resolution)) {
    return `input.resolution must be one of ${RESOLUTIONS.join(', ')}`;
  }
  if (input.resolution === '4k' && !oneOf(FOURK_RATIOS, input.ratio)) {
    return `input.resolution 4k requires input.ratio ${FOURK_RATIOS.join(', ')}`;
  }
  if (input.n !== undefined && !(Number.isInteger(input.n) && input.n >= 1 && input.n <= MAX_N)) {
    return `input.n must be an integer from 1 to ${MAX_N}`;
  }
  if (callBackUrl !== undefined) {
    if (!isHttpUrl(callBackUrl)) return 'callBackUrl must be an http(s) URL';
    if (rules.rejectLocalhostCallbacks && isLocalhostUrl(callBackUrl)) return 'callBackUrl must not point to localhost';
  }
  if (userId !== undefined && typeof userId !== 'string') return 'user_id must be a string';
  return null;
}

/**
 * @param {unknown} raw
 * @returns {Fault}
 */
function normalizeFault(raw) {
  if (!isPlainObject(raw)) throw new TypeError('a fault must be an object');
  const {
    on, kind, times = 1, status, retryAfter, taskId, delayMs = 0, probability = 1, bytes = HUGE_BODY_DEFAULT_BYTES,
    contentLength = true,
  } = raw;
  if (!oneOf(FAULT_TARGETS, on)) throw new TypeError(`fault.on must be one of ${FAULT_TARGETS.join(', ')}`);
  if (!oneOf(FAULT_KINDS, kind)) throw new TypeError(`fault.kind must be one of ${FAULT_KINDS.join(', ')}`);
  const onlyOn = /** @type {Record<string, string>} */ (FAULT_ONLY_ON)[kind];
  if (onlyOn && on !== onlyOn && on !== 'any') throw new TypeError(`fault kind ${kind} only applies on ${onlyOn}`);
  if (typeof times !== 'number' || !(times >= 1) || !(Number.isInteger(times) || times === Infinity)) {
    throw new TypeError('fault.times must be a positive integer (or Infinity)');
  }
  if (status !== undefined && !Number.isInteger(status)) throw new TypeError('fault.status must be an integer');
  if (kind === 'http' && status !== undefined && (status < 100 || status > 599)) {
    throw new TypeError('fault.status must be an HTTP status (100-599) for kind http');
  }
  if (retryAfter !== undefined && typeof retryAfter !== 'number' && typeof retryAfter !== 'string') {
    throw new TypeError('fault.retryAfter must be a number or a string');
  }
  if (taskId !== undefined && typeof taskId !== 'string') throw new TypeError('fault.taskId must be a string');
  if (typeof delayMs !== 'number' || !(delayMs >= 0)) throw new TypeError('fault.delayMs must be a number >= 0');
  if (typeof probability !== 'number' || !(probability > 0 && probability <= 1)) {
    throw new TypeError('fault.probability must be a number in (0, 1]');
  }
  if (!Number.isInteger(bytes) || bytes < PNG_SIGNATURE.length) throw new TypeError('fault.bytes must be an integer >= 8');
  if (typeof contentLength !== 'boolean') throw new TypeError('fault.contentLength must be a boolean');
  return { on, kind, times, status, retryAfter, taskId, delayMs, probability, bytes, contentLength };
}

/**
 * @param {unknown} raw
 * @returns {{ duplicate: boolean, delayMs: number }}
 */
function normalizeCallbackMode(raw) {
  if (!isPlainObject(raw)) throw new TypeError('callbackMode must be an object');
  const { duplicate = false, delayMs = 0 } = raw;
  if (typeof duplicate !== 'boolean') throw new TypeError('callbackMode.duplicate must be a boolean');
  if (typeof delayMs !== 'number' || !(delayMs >= 0)) throw new TypeError('callbackMode.delayMs must be a number >= 0');
  return { duplicate, delayMs };
}

/**
 * mulberry32: a small seeded PRNG, so that probabilistic faults hit the same requests on every run.
 * @param {number} seed
 * @returns {() => number} numbers in [0, 1)
 */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @param {http.IncomingMessage} req
 */
function isLoopbackPeer(req) {
  const addr = req.socket.remoteAddress ?? '';
  return /^127\./.test(addr) || addr === '::1' || /^::ffff:127\./.test(addr);
}

// ---------------------------------------------------------------------------------------------
// The emulator
// ---------------------------------------------------------------------------------------------

class Emulator {
  /** @type {http.Server} */
  #server;
  #port = 0;
  #url = '';
  #apiKey;
  #latencyMs;
  #phases;
  #rejectLocalhostCallbacks;
  #publicBaseUrl;
  #noiseImages;
  #callbackMode;
  #seed;
  /** @type {() => number} draws of probabilistic faults; re-seeded by reset() */
  #random;
  /** @type {Fault[]} */
  #faults = [];
  #counters = { submits: 0, tasksCreated: 0, queries: 0, downloads: 0 };
  /** @type {Map<string, number>} */
  #submitsByPrompt = new Map();
  /** @type {Set<NodeJS.Timeout>} timers of tasks (terminal callbacks); cleared by reset() and close() */
  #taskTimers = new Set();
  /** @type {Set<NodeJS.Timeout>} timers delaying an answer (fault delayMs); cleared by close() */
  #requestTimers = new Set();
  /** @type {Set<import('net').Socket>} sockets held open by `hang` faults */
  #hungSockets = new Set();
  /** @type {Set<http.ClientRequest>} callback POSTs in flight */
  #outgoing = new Set();
  /** @type {Promise<void> | null} */
  #closing = null;

  /** @type {Map<string, Task>} */
  tasks = new Map();
  /** @type {CallbackRecord[]} */
  callbacks = [];
  /** @type {RequestLogEntry[]} */
  requests = [];

  /**
   * @param {Record<string, any>} options see EmulatorOptions in index.d.ts
   */
  constructor(options) {
    const {
      apiKey = 'emulator-key',
      latencyMs = 3000,
      phases = {},
      rejectLocalhostCallbacks = false,
      publicBaseUrl,
      noiseImages = false,
      callbackMode = {},
      seed = 1,
    } = options;
    if (typeof apiKey !== 'string' || apiKey === '') throw new TypeError('apiKey must be a non-empty string');
    if (typeof latencyMs !== 'number' || !(latencyMs >= 0)) throw new TypeError('latencyMs must be a number >= 0');
    const { pending = 0.15, processing = 0.4 } = phases;
    if (!(pending >= 0 && pending <= processing && processing <= 1)) {
      throw new TypeError('phases must satisfy 0 <= pending <= processing <= 1');
    }
    if (publicBaseUrl !== undefined && !isHttpUrl(publicBaseUrl)) throw new TypeError('publicBaseUrl must be an http(s) URL');
    if (!Number.isInteger(seed)) throw new TypeError('seed must be an integer');
    this.#seed = seed;
    this.#random = seededRandom(seed);
    this.#apiKey = apiKey;
    this.#latencyMs = latencyMs;
    this.#phases = { pending, processing };
    this.#rejectLocalhostCallbacks = Boolean(rejectLocalhostCallbacks);
    this.#publicBaseUrl = publicBaseUrl === undefined ? undefined : String(publicBaseUrl).replace(/\/+$/, '');
    this.#noiseImages = Boolean(noiseImages);
    this.#callbackMode = normalizeCallbackMode(callbackMode);

    // requestTimeout 0: a `hang` fault must keep its socket until close(), not get a 408 after 5 min.
    this.#server = http.createServer({ requestTimeout: 0 }, (req, res) => this.#onRequest(req, res));
    // Longer than clients' idle keep-alive (Node's agent: 5 s), so the server never closes an idle
    // socket at the moment a client reuses it (that race shows up as a random ECONNRESET).
    this.#server.keepAliveTimeout = 65000;
    this.#server.headersTimeout = 66000;
  }

  /**
   * Create an emulator and wait until it listens.
   * @param {Record<string, any>} options see EmulatorOptions in index.d.ts
   * @returns {Promise<Emulator>}
   */
  static async start(options) {
    const { port = 0, host = '127.0.0.1' } = options;
    const emulator = new Emulator(options);
    const server = emulator.#server;
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(undefined);
      });
    });
    const addr = /** @type {import('net').AddressInfo} */ (server.address());
    emulator.#port = addr.port;
    emulator.#url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
    return emulator;
  }

  /** Port listened on. */
  get port() {
    return this.#port;
  }

  /** http://HOST:PORT, no trailing slash. */
  get url() {
    return this.#url;
  }

  get apiKey() {
    return this.#apiKey;
  }

  get callbackMode() {
    return { ...this.#callbackMode };
  }

  set callbackMode(mode) {
    this.#callbackMode = normalizeCallbackMode(mode);
  }

  // ------------------------------------------------------------------ controls

  /** @param {unknown} fault one fault or an array of them, queued in order */
  inject(fault) {
    const list = Array.isArray(fault) ? fault : [fault];
    this.#faults.push(...list.map(normalizeFault));
  }

  clearFaults() {
    this.#faults.length = 0;
  }

  stats() {
    const now = Date.now();
    /** @type {Record<string, object>} */
    const byTask = {};
    for (const task of this.tasks.values()) {
      const { status, since } = this.#state(task, now);
      byTask[task.taskId] = {
        queries: task.queries,
        downloads: task.downloads,
        prompt: task.prompt,
        status,
        createdAt: task.createdAt,
        completedAt: TERMINAL_STATUSES.includes(status) ? since : null,
        firstTerminalQueryAt: task.firstTerminalQueryAt,
      };
    }
    return { ...this.#counters, byTask, submitsByPrompt: Object.fromEntries(this.#submitsByPrompt) };
  }

  reset() {
    this.tasks.clear();
    for (const t of this.#taskTimers) clearTimeout(t);
    this.#taskTimers.clear();
    for (const socket of this.#hungSockets) socket.destroy();
    this.#hungSockets.clear();
    this.#faults.length = 0;
    this.#random = seededRandom(this.#seed);
    this.#counters = { submits: 0, tasksCreated: 0, queries: 0, downloads: 0 };
    this.#submitsByPrompt.clear();
    this.callbacks.length = 0;
    this.requests.length = 0;
  }

  /**
   * Create a task without a submit (counted in tasksCreated, not in submits). The input is validated
   * like a submit's (moderation and the localhost-callback rule excepted); errors are thrown.
   * @param {Record<string, any>} options see CreateTaskOptions in index.d.ts
   * @returns {string} the taskId
   */
  createTask(options) {
    if (!isPlainObject(options)) throw new TypeError('createTask options must be an object');
    const { prompt, model = MODELS[0], input = {}, callBackUrl, status, failureReason, latencyMs } = options;
    if (!isPlainObject(input)) throw new TypeError('input must be an object');
    const fullInput = Object.assign({ prompt }, input, { prompt });
    const problem = validateSubmit(
      { model, input: fullInput, ...(callBackUrl === undefined ? {} : { callBackUrl }) },
      { rejectLocalhostCallbacks: false },
    );
    if (problem) throw new Error(problem);
    if (status !== undefined && !oneOf(STATUSES, status)) throw new TypeError(`status must be one of ${STATUSES.join(', ')}`);
    if (latencyMs !== undefined && (typeof latencyMs !== 'number' || !(latencyMs >= 0))) {
      throw new TypeError('latencyMs must be a number >= 0');
    }
    const outcome = parseDirectives(fullInput.prompt);
    if (failureReason !== undefined) {
      if (status !== undefined && status !== 'FAILURE') throw new TypeError('failureReason needs status FAILURE');
      if (failureReason !== null && typeof failureReason !== 'string') throw new TypeError('failureReason must be a string or null');
      Object.assign(outcome, { status: 'FAILURE', failureReason, noUrls: false });
    }
    if (latencyMs !== undefined) outcome.latencyMs = latencyMs;
    const task = this.#addTask({
      model,
      input: fullInput,
      callBackUrl: callBackUrl ?? null,
      userId: null,
      outcome,
      pinnedStatus: status ?? null,
    });
    return task.taskId;
  }

  /**
   * POST a callback now: the task's current envelope, or `body` (an object, or a raw string sent as
   * is), to `url` or the task's callBackUrl, `times` times in a row. Resolves to the last HTTP status
   * answered (null when the receiver did not answer); every attempt is in `callbacks`.
   * @param {string} taskId
   * @param {{ url?: string, body?: unknown, times?: number }} [options]
   * @returns {Promise<number|null>}
   */
  async sendCallback(taskId, options = {}) {
    const { url, body, times = 1 } = options;
    const task = this.tasks.get(taskId);
    const target = url ?? task?.callBackUrl;
    if (!target) throw new Error(task ? `task ${taskId} has no callBackUrl: pass options.url` : `unknown task ${taskId}: pass options.url`);
    if (body === undefined && !task) throw new Error(`unknown task ${taskId}: pass options.body`);
    if (!Number.isInteger(times) || times < 1) throw new TypeError('times must be a positive integer');
    let status = null;
    for (let i = 0; i < times; i++) {
      const payload = body === undefined && task ? this.#envelope(task, Date.now()) : body;
      status = await this.#postCallback(taskId, target, payload, 'manual');
    }
    return status;
  }

  /** Stop listening, destroy every connection (hung ones included) and clear every timer. */
  close() {
    if (!this.#closing) {
      this.#closing = new Promise((resolve) => {
        for (const t of [...this.#taskTimers, ...this.#requestTimers]) clearTimeout(t);
        this.#taskTimers.clear();
        this.#requestTimers.clear();
        for (const req of this.#outgoing) req.destroy();
        this.#server.close(() => resolve());
        this.#server.closeAllConnections();
      });
    }
    return this.#closing;
  }

  // ------------------------------------------------------------------ tasks

  /**
   * @param {{ model: string, input: Record<string, any>, callBackUrl: string|null, userId: string|null,
   *   outcome: Outcome, pinnedStatus: string|null }} spec
   * @returns {Task}
   */
  #addTask(spec) {
    /** @type {Task} */
    const task = {
      taskId: crypto.randomUUID(),
      model: spec.model,
      input: spec.input,
      prompt: spec.input.prompt,
      callBackUrl: spec.callBackUrl,
      userId: spec.userId,
      createdAt: Date.now(),
      latencyMs: Math.min(spec.outcome.latencyMs ?? this.#latencyMs, MAX_TIMER_MS),
      outcome: spec.outcome,
      pinnedStatus: spec.pinnedStatus,
      queries: 0,
      downloads: 0,
      firstTerminalQueryAt: null,
    };
    this.tasks.set(task.taskId, task);
    this.#counters.tasksCreated++;
    // Status is computed from the clock when asked; the timer only exists so the callback goes out
    // on time even when nobody polls. Tasks created already terminal (pinned) send none.
    const { callBackUrl } = task;
    if (callBackUrl && task.pinnedStatus === null && task.outcome.status !== null) {
      this.#later(this.#taskTimers, task.latencyMs, () => this.#dispatchTerminalCallback(task, callBackUrl));
    }
    return task;
  }

  /**
   * Status of a task at `now`, and since when it has had it.
   * @param {Task} task
   * @param {number} now
   * @returns {{ status: string, since: number }}
   */
  #state(task, now) {
    if (task.pinnedStatus !== null) return { status: task.pinnedStatus, since: task.createdAt };
    const start = task.createdAt;
    const latency = task.latencyMs;
    if (task.outcome.status !== null && now - start >= latency) return { status: task.outcome.status, since: start + latency };
    const pendingEnd = start + Math.round(latency * this.#phases.pending);
    const processingEnd = start + Math.round(latency * this.#phases.processing);
    if (now < pendingEnd) return { status: 'PENDING', since: start };
    if (now < processingEnd) return { status: 'PROCESSING', since: pendingEnd };
    return { status: 'SUBMITTED', since: processingEnd };
  }

  /**
   * The query response envelope of a task at `now`.
   * @param {Task} task
   * @param {number} now
   */
  #envelope(task, now) {
    const { status, since } = this.#state(task, now);
    const n = Number.isInteger(task.input.n) ? Number(task.input.n) : 1;
    const base = this.#publicBaseUrl ?? this.url;
    const urls = task.outcome.noUrls
      ? []
      : Array.from({ length: n }, (_, k) => `${base}/files/${task.taskId}/image-${k}.png`);
    return {
      code: 0,
      msg: 'ok',
      data: {
        taskId: task.taskId,
        status,
        input: Object.assign({ model: task.model }, task.input, { model: task.model }),
        result: status === 'SUCCESS' ? { type: 'image', urls } : null,
        failure_reason: status === 'FAILURE' ? task.outcome.failureReason : null,
        created_at: iso(task.createdAt),
        updated_at: iso(since),
      },
    };
  }

  /**
   * Runs from the task's timer, once, when it reaches its terminal status.
   * @param {Task} task
   * @param {string} url
   */
  #dispatchTerminalCallback(task, url) {
    const { duplicate, delayMs } = this.#callbackMode;
    // A timer may fire a millisecond early by the wall clock: never let that show a non-terminal status.
    const terminalAt = task.createdAt + task.latencyMs;
    const send = async () => {
      for (let i = 0; i < (duplicate ? 2 : 1); i++) {
        await this.#postCallback(task.taskId, url, this.#envelope(task, Math.max(Date.now(), terminalAt)), 'auto');
      }
    };
    if (delayMs > 0) this.#later(this.#taskTimers, delayMs, send);
    else send();
  }

  /**
   * One callback POST; never rejects.
   * @param {string} taskId
   * @param {string} url
   * @param {unknown} body
   * @param {'auto'|'manual'} source
   * @returns {Promise<number|null>}
   */
  #postCallback(taskId, url, body, source) {
    /** @type {CallbackRecord} */
    const record = {
      taskId, url, body, statusCode: null, error: null, responseBody: null, sentAt: Date.now(), answeredAt: null, source,
    };
    this.callbacks.push(record);
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve) => {
      if (!isHttpUrl(url)) {
        record.error = 'callback URL is not an http(s) URL';
        resolve(null);
        return;
      }
      const target = new URL(url);
      /** @type {http.ClientRequest} */
      let req;
      /** @param {string|null} error */
      const finish = (error) => {
        if (!this.#outgoing.delete(req)) return; // already settled
        record.error = error;
        resolve(record.statusCode);
      };
      req = (target.protocol === 'https:' ? https : http).request(
        target,
        {
          method: 'POST',
          agent: false, // a fresh connection per callback: nothing pooled outlives close()
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
        },
        (res) => {
          record.statusCode = res.statusCode ?? null;
          record.answeredAt = Date.now();
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => {
            if (text.length < CALLBACK_RESPONSE_KEEP_CHARS) text += chunk;
          });
          res.on('end', () => {
            record.responseBody = text.slice(0, CALLBACK_RESPONSE_KEEP_CHARS);
            finish(null);
          });
          res.on('error', (err) => finish(err.message));
        },
      );
      this.#outgoing.add(req);
      req.setTimeout(CALLBACK_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${CALLBACK_TIMEOUT_MS} ms`)));
      req.on('error', (err) => finish(err.message));
      req.end(payload);
    });
  }

  /**
   * setTimeout tracked in `set` so reset()/close() can clear it.
   * @param {Set<NodeJS.Timeout>} set
   * @param {number} ms
   * @param {() => void} fn
   */
  #later(set, ms, fn) {
    const timer = setTimeout(() => {
      set.delete(timer);
      fn();
    }, Math.min(ms, MAX_TIMER_MS));
    set.add(timer);
  }

  // ------------------------------------------------------------------ HTTP

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  #onRequest(req, res) {
    /** @type {RequestLogEntry} */
    const entry = { method: req.method ?? '', path: req.url ?? '', time: Date.now(), status: null, fault: null };
    this.requests.push(entry);
    if (this.requests.length > REQUEST_LOG_LIMIT) this.requests.shift();
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    this.#handle(req, res, entry).catch((err) => {
      // A bug or a client that went away mid-body: answer if still possible, never crash.
      if (!res.headersSent && !req.socket.destroyed) this.#send(res, fail(500, `emulator error: ${err.message}`));
      else req.socket.destroy();
    });
  }

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {RequestLogEntry} entry
   */
  async #handle(req, res, entry) {
    const method = req.method ?? '';
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;

    if (path === '/__emulator' || path.startsWith('/__emulator/')) {
      this.#send(res, isLoopbackPeer(req) ? await this.#control(req, method, path) : fail(403, 'forbidden'));
      return;
    }

    /** @type {'submit'|'query'|'download'|null} */
    let route = null;
    /** @type {string|undefined} */
    let taskId;
    let queryMatch;
    let fileMatch;
    if (method === 'POST' && path === '/api/v1/task/submit') {
      route = 'submit';
      this.#counters.submits++;
    } else if (method === 'GET' && (queryMatch = /^\/api\/v1\/task\/([^/]+)$/.exec(path))) {
      route = 'query';
      taskId = safeDecode(queryMatch[1]);
      this.#counters.queries++;
      const task = this.tasks.get(taskId);
      if (task) task.queries++;
    } else if ((method === 'GET' || method === 'HEAD') && path.startsWith('/files/')) {
      route = 'download';
      fileMatch = /^\/files\/([^/]+)\/image-(\d+)\.png$/.exec(path);
      taskId = fileMatch ? safeDecode(fileMatch[1]) : undefined;
      this.#counters.downloads++;
      const task = taskId === undefined ? undefined : this.tasks.get(taskId);
      if (task) task.downloads++;
    }

    const fault = route ? this.#takeFault(route, taskId) : null;
    if (fault) {
      entry.fault = fault.kind;
      if (fault.delayMs > 0) await new Promise((resolve) => this.#later(this.#requestTimers, fault.delayMs, () => resolve(undefined)));
      if (this.#answerFaultBeforeProcessing(req, res, fault)) return;
    }

    /** @type {Reply} */
    let reply;
    if (route === 'download') {
      reply = this.#download(taskId, fileMatch ? Number(fileMatch[2]) : -1);
    } else if (path === '/api/v1' || path.startsWith('/api/v1/')) {
      if (!this.#authorized(req)) reply = fail(401, 'unauthorized');
      else if (route === 'submit') reply = await this.#submit(req);
      else if (route === 'query') reply = this.#query(/** @type {string} */ (taskId));
      else reply = fail(404, 'not found');
    } else {
      reply = fail(404, 'not found');
    }

    if (fault?.kind === 'resetAfterProcess') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'noTaskId') reply = ok({});
    if (fault?.kind === 'huge' && reply.raw && reply.status === 200) {
      this.#sendHuge(res, fault);
      return;
    }
    if (fault?.kind === 'truncated' && reply.raw && reply.status === 200) {
      const { raw } = reply;
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': raw.length });
      res.write(raw.subarray(0, Math.floor(raw.length / 2)), () => req.socket.destroy());
      return;
    }
    this.#send(res, reply);
  }

  /**
   * First queued fault that applies to this request; consumes one use of it.
   * @param {'submit'|'query'|'download'} route
   * @param {string|undefined} taskId
   * @returns {Fault|null}
   */
  #takeFault(route, taskId) {
    const index = this.#faults.findIndex((f) => {
      if (f.on !== route && f.on !== 'any') return false;
      const onlyOn = /** @type {Record<string, string>} */ (FAULT_ONLY_ON)[f.kind];
      if (onlyOn && onlyOn !== route) return false;
      if (f.taskId !== undefined && f.taskId !== taskId) return false;
      // A probabilistic fault that does not fire lets the request go on to the next queued fault.
      return f.probability >= 1 || this.#random() < f.probability;
    });
    if (index < 0) return null;
    const fault = this.#faults[index];
    fault.times--;
    if (fault.times <= 0) this.#faults.splice(index, 1);
    return fault;
  }

  /**
   * Faults that replace the processing entirely (they come before authentication, like a gateway's).
   * Returns true when the request has been dealt with.
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {Fault} fault
   */
  #answerFaultBeforeProcessing(req, res, fault) {
    switch (fault.kind) {
      case 'http': {
        const status = fault.status ?? 500;
        const reply = fail(status, 'injected');
        if (fault.retryAfter !== undefined) reply.headers = { 'Retry-After': String(fault.retryAfter) };
        this.#send(res, reply);
        return true;
      }
      case 'code':
        this.#send(res, { status: 200, json: { code: fault.status ?? 500, msg: 'injected' } });
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'hang': {
        const socket = req.socket;
        this.#hungSockets.add(socket);
        socket.once('close', () => this.#hungSockets.delete(socket));
        return true;
      }
      case 'malformed':
        this.#send(res, { status: 200, raw: Buffer.from('{"code":0,"msg":"ok","data":'), contentType: 'application/json; charset=utf-8' });
        return true;
      case 'notImage':
        this.#send(res, { status: 200, raw: Buffer.from('<html>expired</html>'), contentType: 'text/html; charset=utf-8' });
        return true;
      default:
        return false; // delay, resetAfterProcess, noTaskId, truncated: processed normally first
    }
  }

  /**
   * @param {http.ServerResponse} res
   * @param {Reply} reply
   */
  #send(res, reply) {
    if (res.socket?.destroyed) return;
    const body = reply.raw ?? Buffer.from(JSON.stringify(reply.json));
    res.writeHead(reply.status, {
      'Content-Type': reply.contentType ?? 'application/json; charset=utf-8',
      'Content-Length': body.length,
      ...reply.headers,
    });
    res.end(body, reply.onSent);
  }

  /**
   * A `huge` download: a PNG signature followed by zeros up to `fault.bytes`, written in 64 KiB
   * chunks as the client reads them (never held in memory); stops when the client goes away.
   * @param {http.ServerResponse} res
   * @param {Fault} fault
   */
  #sendHuge(res, fault) {
    res.writeHead(200, {
      'Content-Type': 'image/png',
      ...(fault.contentLength ? { 'Content-Length': fault.bytes } : {}),
    });
    let left = fault.bytes - PNG_SIGNATURE.length;
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const chunk = left >= HUGE_BODY_CHUNK.length ? HUGE_BODY_CHUNK : HUGE_BODY_CHUNK.subarray(0, left);
        left -= chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (left <= 0 && !res.destroyed) res.end();
    };
    res.on('close', () => {
      left = 0;
    });
    res.write(PNG_SIGNATURE);
    pump();
  }

  /** @param {http.IncomingMessage} req */
  #authorized(req) {
    return req.headers.authorization === `Bearer ${this.#apiKey}`;
  }

  /**
   * @param {http.IncomingMessage} req
   * @returns {Promise<Reply>}
   */
  async #submit(req) {
    const parsed = await readJson(req);
    if ('error' in parsed) return parsed.error;
    const { body } = parsed;
    if (!isPlainObject(body)) return fail(400, 'body must be a JSON object');
    const prompt = isPlainObject(body.input) ? body.input.prompt : undefined;
    if (typeof prompt === 'string') this.#submitsByPrompt.set(prompt, (this.#submitsByPrompt.get(prompt) ?? 0) + 1);

    const problem = validateSubmit(body, { rejectLocalhostCallbacks: this.#rejectLocalhostCallbacks });
    if (problem) return fail(400, problem);
    if (MODERATION_WORD.test(/** @type {string} */ (prompt))) {
      return fail(400, 'content rejected by moderation', { flagged: true, categories: { ...MODERATION_CATEGORIES } });
    }
    const task = this.#addTask({
      model: body.model,
      input: { ...body.input },
      callBackUrl: body.callBackUrl ?? null,
      userId: body.user_id ?? null,
      outcome: parseDirectives(/** @type {string} */ (prompt)),
      pinnedStatus: null,
    });
    return ok({ taskId: task.taskId });
  }

  /**
   * @param {string} taskId
   * @returns {Reply}
   */
  #query(taskId) {
    const task = this.tasks.get(taskId);
    if (!task) return fail(404, 'task not found');
    const envelope = this.#envelope(task, Date.now());
    /** @type {Reply} */
    const reply = { status: 200, json: envelope };
    if (TERMINAL_STATUSES.includes(envelope.data.status)) {
      reply.onSent = () => {
        task.firstTerminalQueryAt ??= Date.now();
      };
    }
    return reply;
  }

  /**
   * @param {string|undefined} taskId
   * @param {number} index
   * @returns {Reply}
   */
  #download(taskId, index) {
    const task = taskId === undefined ? undefined : this.tasks.get(taskId);
    const notFound = fail(404, 'file not found');
    if (!task || this.#state(task, Date.now()).status !== 'SUCCESS' || task.outcome.noUrls) return notFound;
    const n = Number.isInteger(task.input.n) ? Number(task.input.n) : 1;
    if (!(index >= 0 && index < n)) return notFound;
    const ratio = oneOf(RATIOS, task.input.ratio) ? String(task.input.ratio) : '1:1';
    const resolution = oneOf(RESOLUTIONS, task.input.resolution) ? String(task.input.resolution) : '1k';
    const { width, height } = PIXEL_SIZES[resolution][ratio];
    return {
      status: 200,
      raw: encodePng(width, height, { variant: index, noise: this.#noiseImages }),
      contentType: 'image/png',
    };
  }

  /**
   * The /__emulator/ control API (loopback peers only, no Bearer).
   * @param {http.IncomingMessage} req
   * @param {string} method
   * @param {string} path
   * @returns {Promise<Reply>}
   */
  async #control(req, method, path) {
    const route = `${method} ${path.replace(/\/+$/, '')}`;
    try {
      switch (route) {
        case 'GET /__emulator/stats':
          return ok(this.stats());
        case 'GET /__emulator/callbacks':
          return ok(this.callbacks);
        case 'GET /__emulator/requests':
          return ok(this.requests);
        case 'DELETE /__emulator/faults':
          this.clearFaults();
          return ok(null);
        case 'POST /__emulator/reset':
          this.reset();
          return ok(null);
        case 'POST /__emulator/faults':
          return this.#withJson(req, (body) => {
            this.inject(body);
            return ok(null);
          });
        case 'POST /__emulator/tasks':
          return this.#withJson(req, (body) => ok({ taskId: this.createTask(/** @type {any} */ (body)) }));
        case 'PUT /__emulator/callback-mode':
          return this.#withJson(req, (body) => {
            this.callbackMode = /** @type {any} */ (body);
            return ok(this.callbackMode);
          });
      }
      const callbackMatch = /^POST \/__emulator\/tasks\/([^/]+)\/callback$/.exec(route);
      if (callbackMatch) {
        const taskId = safeDecode(callbackMatch[1]);
        return this.#withJson(req, async (body) => ok({ statusCode: await this.sendCallback(taskId, /** @type {any} */ (body)) }));
      }
      return fail(404, 'not found');
    } catch (err) {
      return fail(400, err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * Parse a control request's JSON body (empty = {}) and hand it to `fn`; thrown errors become 400.
   * @param {http.IncomingMessage} req
   * @param {(body: unknown) => Reply | Promise<Reply>} fn
   * @returns {Promise<Reply>}
   */
  async #withJson(req, fn) {
    const parsed = await readJson(req, { emptyAsObject: true });
    if ('error' in parsed) return parsed.error;
    try {
      return await fn(parsed.body);
    } catch (err) {
      return fail(400, err instanceof Error ? err.message : String(err));
    }
  }
}

/** @param {string} segment */
function safeDecode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Start an emulator. Resolves once it listens.
 * @param {Record<string, any>} [options] see EmulatorOptions in index.d.ts
 * @returns {Promise<Emulator>}
 */
function startEmulator(options = {}) {
  return Emulator.start(options);
}

module.exports = {
  startEmulator,
  MODELS,
  RATIOS,
  RESOLUTIONS,
  PIXEL_SIZES,
  FOURK_RATIOS,
  UNIT_PRICE_USD,
  STATUSES,
  TERMINAL_STATUSES,
  MAX_IMAGE_URLS,
};
