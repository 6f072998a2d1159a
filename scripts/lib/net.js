'use strict';
/**
 * Loopback networking helpers shared by the scripts and the bench: free ports on 127.0.0.1 and a
 * minimal JSON HTTP client. Plain CommonJS, no dependencies, runs on Node 20.
 */
const net = require('net');
const http = require('http');

function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

function portIsFree(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.unref();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/** `count` different free ports, none of them in `taken`. */
async function distinctFreePorts(count, taken = []) {
	const ports = [];
	while (ports.length < count) {
		const p = await freePort();
		if (!ports.includes(p) && !taken.includes(p)) ports.push(p);
	}
	return ports;
}

/**
 * Minimal HTTP client (no keep-alive, so nothing lingers in a jest process). A body that is not a
 * string is sent as JSON. Resolves to { status, headers, text, json } (json undefined if not JSON).
 */
function request(method, url, { headers = {}, body, timeoutMs = 30000 } = {}) {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		let payload;
		const h = { accept: 'application/json', ...headers };
		if (body !== undefined) {
			payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
			h['content-type'] = h['content-type'] || 'application/json';
			h['content-length'] = String(payload.length);
		}
		const req = http.request(
			{
				method,
				hostname: u.hostname,
				port: u.port,
				path: u.pathname + u.search,
				headers: h,
				agent: false,
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = text ? JSON.parse(text) : undefined;
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, text, json });
				});
				res.on('error', reject);
			},
		);
		req.setTimeout(timeoutMs, () =>
			req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs} ms`)),
		);
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

/** An Error for a non-2xx answer, with err.status and err.body (JSON if it parsed). */
function httpError(what, res) {
	const err = new Error(`${what} -> HTTP ${res.status}: ${res.text.slice(0, 800)}`);
	err.status = res.status;
	err.body = res.json !== undefined ? res.json : res.text;
	return err;
}

module.exports = { freePort, portIsFree, distinctFreePorts, request, httpError };
