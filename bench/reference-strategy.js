'use strict';
/**
 * REFERENCE STRATEGY (b) — NOT PART OF n8n-nodes-maxapi. Benchmark comparison only.
 *
 * What community nodes for asynchronous generation APIs typically do today: n8n calls execute() once,
 * the node loops over the input items one after the other, and for each item it submits the task,
 * then polls it at a FIXED interval (3 s is the common choice) until the status is terminal,
 * downloads the result into a buffer, and only then moves on to the next item. Written here over
 * plain HTTP (Node's fetch) against the same emulator, with the same request shapes as the Max API
 * node, so that only the strategy differs.
 */

const TERMINAL = new Set(['SUCCESS', 'FAILURE', 'TIMEOUT', 'CANCELLED']);
const { sleep } = require('../scripts/lib/time');

async function call(url, init) {
	const response = await fetch(url, init);
	const body = await response.json();
	if (!response.ok || body.code !== 0)
		throw new Error(`${init?.method || 'GET'} ${url}: HTTP ${response.status} code ${body.code}`);
	return body.data;
}

/**
 * @param {{ baseUrl: string, apiKey: string, prompts: string[], intervalMs?: number, download?: boolean,
 *   timeoutMs?: number, input?: Record<string, unknown> }} options
 * @returns {Promise<Array<{ taskId: string, status: string, bytes: number }>>}
 */
async function runReferenceStrategy({
	baseUrl,
	apiKey,
	prompts,
	intervalMs = 3000,
	download = true,
	timeoutMs = 600_000,
	input = {},
}) {
	const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
	const deadline = Date.now() + timeoutMs;
	const results = [];
	for (const prompt of prompts) {
		// 1. submit this item
		const { taskId } = await call(`${baseUrl}/api/v1/task/submit`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ model: 'gpt-image-2/text-to-image', input: { prompt, ...input } }),
		});
		// 2. poll it every intervalMs until it ends (bounded by the timeout)
		let task;
		for (;;) {
			if (Date.now() > deadline)
				throw new Error(`reference strategy: task ${taskId} not finished before the timeout`);
			await sleep(intervalMs);
			task = await call(`${baseUrl}/api/v1/task/${taskId}`, { headers });
			if (TERMINAL.has(task.status)) break;
		}
		// 3. download its images into memory, then 4. the next item
		let bytes = 0;
		if (download && task.status === 'SUCCESS') {
			for (const url of task.result?.urls ?? []) {
				const response = await fetch(url);
				bytes += Buffer.from(await response.arrayBuffer()).length;
			}
		}
		results.push({ taskId, status: task.status, bytes });
	}
	return results;
}

module.exports = { runReferenceStrategy };
