// @ts-check
'use strict';

/**
 * The HTTP front: the server, the request log, routing of the Max API routes, result files and the
 * /__emulator/ control API to the emulator's core, acting out injected faults, and writing answers
 * (JSON, buffers, and streamed bodies with backpressure).
 */

const http = require('http');
const { URL } = require('url');
const { BODY_LIMIT_BYTES, fail, ok } = require('./contract');
const { BEFORE_PROCESSING } = require('./faults');
const { parseFilePath } = require('./files');
const { zeros } = require('./mp4');
const { Timers } = require('./timers');

/** @typedef {import('./contract').Reply} Reply */
/** @typedef {import('./faults').Fault} Fault */
/** @typedef {import('./faults').Route} Route */

const REQUEST_LOG_LIMIT = 10000;

/**
 * @typedef {object} RequestLogEntry
 * @property {string} method
 * @property {string} path
 * @property {number} time epoch ms when the request arrived
 * @property {number|null} status HTTP status answered, null when no answer was written (reset, hang)
 * @property {string|null} fault kind of the injected fault that handled it
 */

/**
 * What the HTTP front needs from the emulator.
 * @typedef {object} Core
 * @property {(authorization: string|undefined) => boolean} authorized
 * @property {(route: Route, taskId: string|undefined) => void} count a request arrived on the route
 * @property {(route: Route, taskId: string|undefined) => Fault|null} takeFault
 * @property {(body: unknown) => Reply} submit a parsed submit body
 * @property {(taskId: string) => Reply} query
 * @property {(taskId: string) => Reply} cancel
 * @property {(taskId: string|undefined, name: string|undefined) => Reply} download
 * @property {(route: string, readJson: () => Promise<{ body: unknown } | { error: Reply }>) => Promise<Reply>} control
 *   `route` is "METHOD /__emulator/..." without a trailing slash
 */

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
			resolve(
				size > limit
					? { tooLarge: true, text: '' }
					: { tooLarge: false, text: Buffer.concat(chunks).toString('utf8') },
			);
		});
		req.on('error', reject);
		req.on('close', () =>
			reject(new Error('client closed the connection before sending the whole body')),
		);
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

/** @param {http.IncomingMessage} req */
function isLoopbackPeer(req) {
	const addr = req.socket.remoteAddress ?? '';
	return /^127\./.test(addr) || addr === '::1' || /^::ffff:127\./.test(addr);
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
 * Write `chunks` with backpressure, then end. With `limit`, stop after that many bytes and destroy
 * the socket instead (a cut transfer). Stops when the client goes away.
 * @param {http.ServerResponse} res
 * @param {Iterator<Buffer>} chunks
 * @param {number} [limit]
 */
function writeChunks(res, chunks, limit) {
	let written = 0;
	let stopped = false;
	res.on('close', () => {
		stopped = true;
	});
	const pump = () => {
		while (!stopped && !res.destroyed) {
			const next = chunks.next();
			if (next.done) {
				res.end();
				return;
			}
			let chunk = next.value;
			if (limit !== undefined && written + chunk.length >= limit) {
				chunk = chunk.subarray(0, limit - written);
				stopped = true;
				res.write(chunk, () => res.socket?.destroy());
				return;
			}
			written += chunk.length;
			if (!res.write(chunk)) {
				res.once('drain', pump);
				return;
			}
		}
	};
	pump();
}

class HttpFront {
	/** @type {http.Server} */
	server;
	/** @type {RequestLogEntry[]} the last REQUEST_LOG_LIMIT requests */
	requests = [];
	#core;
	/** timers delaying an answer (fault delayMs); cleared by close() */
	#requestTimers = new Timers();
	/** @type {Set<import('net').Socket>} sockets held open by `hang` faults */
	#hungSockets = new Set();

	/** @param {Core} core */
	constructor(core) {
		this.#core = core;
		// requestTimeout 0: a `hang` fault must keep its socket until close(), not get a 408 after 5 min.
		this.server = http.createServer({ requestTimeout: 0 }, (req, res) => this.#onRequest(req, res));
		// Longer than clients' idle keep-alive (Node's agent: 5 s), so the server never closes an idle
		// socket at the moment a client reuses it (that race shows up as a random ECONNRESET).
		this.server.keepAliveTimeout = 65000;
		this.server.headersTimeout = 66000;
	}

	/**
	 * Listen; resolves to the URL (http://HOST:PORT) and port.
	 * @param {number} port
	 * @param {string} host
	 * @returns {Promise<{ url: string, port: number }>}
	 */
	async listen(port, host) {
		const server = this.server;
		await new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, host, () => {
				server.off('error', reject);
				resolve(undefined);
			});
		});
		const addr = /** @type {import('net').AddressInfo} */ (server.address());
		return {
			url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
			port: addr.port,
		};
	}

	/** Destroy the sockets held by `hang` faults and forget the request log. */
	reset() {
		for (const socket of this.#hungSockets) socket.destroy();
		this.#hungSockets.clear();
		this.requests.length = 0;
	}

	/** Stop listening, destroy every connection, clear the answer delays. @returns {Promise<void>} */
	close() {
		this.#requestTimers.clear();
		return new Promise((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	#onRequest(req, res) {
		/** @type {RequestLogEntry} */
		const entry = {
			method: req.method ?? '',
			path: req.url ?? '',
			time: Date.now(),
			status: null,
			fault: null,
		};
		this.requests.push(entry);
		if (this.requests.length > REQUEST_LOG_LIMIT) this.requests.shift();
		res.on('finish', () => {
			entry.status = res.statusCode;
		});
		this.#handle(req, res, entry).catch((err) => {
			// A bug or a client that went away mid-body: answer if still possible, never crash.
			if (!res.headersSent && !req.socket.destroyed)
				this.#send(req, res, fail(500, `emulator error: ${err.message}`));
			else req.socket.destroy();
		});
	}

	/**
	 * Which Max API route a request is on, and the task it is about.
	 * @param {string} method
	 * @param {string} path
	 * @returns {{ route: Route, taskId?: string, file?: string } | null}
	 */
	#route(method, path) {
		let match;
		if (method === 'POST' && path === '/api/v1/task/submit') return { route: 'submit' };
		if (method === 'GET' && (match = /^\/api\/v1\/task\/([^/]+)$/.exec(path)))
			return { route: 'query', taskId: safeDecode(match[1]) };
		if (method === 'POST' && (match = /^\/api\/v1\/task\/([^/]+)\/cancel$/.exec(path))) {
			return { route: 'cancel', taskId: safeDecode(match[1]) };
		}
		if ((method === 'GET' || method === 'HEAD') && path.startsWith('/files/')) {
			const file = parseFilePath(path);
			return file
				? { route: 'download', taskId: safeDecode(file.taskId), file: file.name }
				: { route: 'download' };
		}
		return null;
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {RequestLogEntry} entry
	 */
	async #handle(req, res, entry) {
		const method = req.method ?? '';
		const path = new URL(req.url ?? '/', 'http://emulator').pathname;
		const core = this.#core;

		if (path === '/__emulator' || path.startsWith('/__emulator/')) {
			const reply = isLoopbackPeer(req)
				? await core.control(`${method} ${path.replace(/\/+$/, '')}`, () =>
						readJson(req, { emptyAsObject: true }),
					)
				: fail(403, 'forbidden');
			this.#send(req, res, reply);
			return;
		}

		const target = this.#route(method, path);
		if (target) core.count(target.route, target.taskId);
		const fault = target ? core.takeFault(target.route, target.taskId) : null;
		if (fault) {
			entry.fault = fault.kind;
			if (fault.delayMs > 0) await this.#requestTimers.sleep(fault.delayMs);
			if (BEFORE_PROCESSING.includes(fault.kind)) {
				this.#actOut(req, res, fault);
				return;
			}
		}

		/** @type {Reply} */
		let reply;
		if (target?.route === 'download') {
			reply = core.download(target.taskId, target.file);
		} else if (path === '/api/v1' || path.startsWith('/api/v1/')) {
			if (!core.authorized(req.headers.authorization)) {
				reply = fail(401, 'unauthorized');
			} else if (target?.route === 'submit') {
				const parsed = await readJson(req);
				reply = 'error' in parsed ? parsed.error : core.submit(parsed.body);
			} else if (target?.route === 'query') {
				reply = core.query(/** @type {string} */ (target.taskId));
			} else if (target?.route === 'cancel') {
				await readBody(req, 0); // no body is documented: whatever comes is read and ignored
				reply = core.cancel(/** @type {string} */ (target.taskId));
			} else {
				reply = fail(404, 'not found');
			}
		} else {
			reply = fail(404, 'not found');
		}

		if (fault?.kind === 'resetAfterProcess') {
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'noTaskId') reply = ok({});
		const isFile = reply.status === 200 && (reply.raw !== undefined || reply.stream !== undefined);
		if (fault?.kind === 'huge' && isFile) {
			this.#sendHuge(req, res, fault, reply);
			return;
		}
		if (fault?.kind === 'truncated' && isFile) {
			const length = reply.raw?.length ?? reply.stream?.length ?? 0;
			res.writeHead(200, {
				'Content-Type': reply.contentType ?? 'application/octet-stream',
				'Content-Length': length,
			});
			const chunks = reply.raw
				? [reply.raw].values()
				: /** @type {NonNullable<Reply['stream']>} */ (reply.stream).chunks();
			writeChunks(res, chunks, Math.floor(length / 2));
			return;
		}
		this.#send(req, res, reply);
	}

	/**
	 * Faults that replace the processing entirely (they come before authentication, like a gateway's).
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {Fault} fault
	 */
	#actOut(req, res, fault) {
		switch (fault.kind) {
			case 'http': {
				const status = fault.status ?? 500;
				const reply = fail(status, 'injected');
				if (fault.retryAfter !== undefined)
					reply.headers = { 'Retry-After': String(fault.retryAfter) };
				this.#send(req, res, reply);
				return;
			}
			case 'code':
				this.#send(req, res, { status: 200, json: { code: fault.status ?? 500, msg: 'injected' } });
				return;
			case 'reset':
				req.socket.destroy();
				return;
			case 'hang': {
				const socket = req.socket;
				this.#hungSockets.add(socket);
				socket.once('close', () => this.#hungSockets.delete(socket));
				return;
			}
			case 'malformed':
				this.#send(req, res, {
					status: 200,
					raw: Buffer.from('{"code":0,"msg":"ok","data":'),
					contentType: 'application/json; charset=utf-8',
				});
				return;
			case 'notImage':
				this.#send(req, res, {
					status: 200,
					raw: Buffer.from('<html>expired</html>'),
					contentType: 'text/html; charset=utf-8',
				});
				return;
		}
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {Reply} reply
	 */
	#send(req, res, reply) {
		if (res.socket?.destroyed) return;
		if (reply.stream) {
			res.writeHead(reply.status, {
				'Content-Type': reply.contentType ?? 'application/octet-stream',
				'Content-Length': reply.stream.length,
				...reply.headers,
			});
			if (req.method === 'HEAD') res.end(reply.onSent);
			else writeChunks(res, reply.stream.chunks());
			return;
		}
		const body = reply.raw ?? Buffer.from(JSON.stringify(reply.json));
		res.writeHead(reply.status, {
			'Content-Type': reply.contentType ?? 'application/json; charset=utf-8',
			'Content-Length': body.length,
			...reply.headers,
		});
		res.end(body, reply.onSent);
	}

	/**
	 * A `huge` download: the file kind's first bytes (PNG signature, MP4 `ftyp` box) followed by zeros up
	 * to `fault.bytes`, written in 64 KiB chunks as the client reads them (never held in memory).
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {Fault} fault
	 * @param {Reply} file the reply that would have served the file
	 */
	#sendHuge(req, res, fault, file) {
		res.writeHead(200, {
			'Content-Type': file.contentType ?? 'application/octet-stream',
			...(fault.contentLength ? { 'Content-Length': fault.bytes } : {}),
		});
		if (req.method === 'HEAD') {
			res.end();
			return;
		}
		const magic = (file.magic ?? Buffer.alloc(0)).subarray(0, fault.bytes);
		writeChunks(
			res,
			(function* body() {
				yield magic;
				yield* zeros(fault.bytes - magic.length);
			})(),
		);
	}
}

module.exports = { REQUEST_LOG_LIMIT, HttpFront, readBody, readJson, safeDecode };
