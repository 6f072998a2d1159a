'use strict';
// Starts the emulator in a child process (bench/lib/emulator-child.js) and talks to its control API
// (/__emulator/*, loopback only) for stats and resets.
const path = require('path');
const { spawn } = require('child_process');
const { register } = require('./cleanup');
const { request: httpRequest } = require('../../scripts/lib/net');

/** The shared loopback client (scripts/lib/net.js), with the body as third argument. */
const request = (method, url, body, options = {}) => httpRequest(method, url, { ...options, body });

/**
 * @param {{ latencyMs: number, noiseImages?: boolean, apiKey?: string }} options
 */
async function startEmulatorProcess(options) {
	const child = spawn(
		process.execPath,
		[path.join(__dirname, 'emulator-child.js'), JSON.stringify(options)],
		{
			stdio: ['pipe', 'pipe', 'pipe'],
		},
	);
	let exited = false;
	const exitPromise = new Promise((resolve) =>
		child.once('exit', () => ((exited = true), resolve())),
	);
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
		const timer = setTimeout(
			() => reject(new Error(`emulator did not start in 15 s: ${stderr}`)),
			15_000,
		);
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
			throw new Error(
				`emulator ${method} /__emulator/${route}: HTTP ${res.status} ${res.text.slice(0, 300)}`,
			);
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
		/** The last 10,000 requests the emulator received: { method, path, time, status, fault }. */
		requests: () => control('GET', 'requests'),
		/** A task made without a submit (createTask's options, e.g. { prompt, status: 'SUCCESS' }); resolves to its id. */
		createTask: async (options) => (await control('POST', 'tasks', options)).taskId,
		stop: async () => {
			await stop();
			unregister();
		},
	};
}

module.exports = { startEmulatorProcess, request };
