'use strict';
// Starts the emulator in a child process (bench/lib/emulator-child.js) and talks to its control API
// (/__emulator/*, loopback only) for stats and resets.
const http = require('http');
const path = require('path');
const { spawn } = require('child_process');
const { register } = require('./cleanup');

function request(method, url, body, { timeoutMs = 30_000, headers = {} } = {}) {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		const req = http.request(
			{
				method,
				hostname: u.hostname,
				port: u.port,
				path: u.pathname + u.search,
				agent: false,
				headers: { accept: 'application/json', ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, text, json, bytes: Buffer.concat(chunks).length });
				});
				res.on('error', reject);
			},
		);
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer after ${timeoutMs} ms`)));
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

/**
 * @param {{ latencyMs: number, noiseImages?: boolean, apiKey?: string }} options
 */
async function startEmulatorProcess(options) {
	const child = spawn(process.execPath, [path.join(__dirname, 'emulator-child.js'), JSON.stringify(options)], {
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let exited = false;
	const exitPromise = new Promise((resolve) => child.once('exit', () => ((exited = true), resolve())));
	let stderr = '';
	child.stderr.on('data', (c) => (stderr += c));
	const stop = async () => {
		if (exited) return;
		child.stdin.end();
		const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
		await exitPromise;
		clearTimeout(timer);
	};
	const unregister = register('emulator', stop);
	const info = await new Promise((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => reject(new Error(`emulator did not start in 15 s: ${stderr}`)), 15_000);
		child.stdout.on('data', (chunk) => {
			out += chunk;
			const nl = out.indexOf('\n');
			if (nl >= 0) {
				clearTimeout(timer);
				try {
					resolve(JSON.parse(out.slice(0, nl)));
				} catch (error) {
					reject(error);
				}
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`emulator exited (${code}) before starting: ${stderr}`));
		});
	}).catch(async (error) => {
		await stop();
		unregister();
		throw error;
	});
	const control = async (method, route, body) => {
		const res = await request(method, `${info.url}/__emulator/${route}`, body);
		if (res.status !== 200 || !res.json || res.json.code !== 0) {
			throw new Error(`emulator ${method} /__emulator/${route}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
		}
		return res.json.data;
	};
	return {
		url: info.url,
		apiKey: info.apiKey,
		pid: child.pid,
		/** @returns {Promise<import('../../test/emulator').EmulatorStats>} */
		stats: () => control('GET', 'stats'),
		reset: () => control('POST', 'reset', {}),
		callbacks: () => control('GET', 'callbacks'),
		stop: async () => {
			await stop();
			unregister();
		},
	};
}

module.exports = { startEmulatorProcess, request };
