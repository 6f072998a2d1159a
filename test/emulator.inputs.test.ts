// Tests of the Max API emulator itself: option fetchInputs, which downloads a task's input URLs the way
// Max API would (with retries) and records the bytes' sha256 per task.
import axios from 'axios';
import * as crypto from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';

import { startEmulator, type Emulator } from './emulator';

const FILE = crypto.randomBytes(5000);
const SHA = crypto.createHash('sha256').update(FILE).digest('hex');

let emu: Emulator;
let files: http.Server;
let filesUrl: string;
/** Status to answer for the next requests (then 200): how a waiting execution answers before it is saved. */
let refusals: number[] = [];
let served = 0;

beforeAll(async () => {
	emu = await startEmulator({ latencyMs: 100, fetchInputs: { firstDelayMs: 20 } });
	files = http.createServer((req, res) => {
		served++;
		const refusal = refusals.shift();
		if (refusal) res.writeHead(refusal).end();
		else if (!req.url?.startsWith('/ok')) res.writeHead(404).end();
		else
			res.writeHead(200, { 'content-type': 'image/png', 'content-length': FILE.length }).end(FILE);
	});
	await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
	filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await emu.close();
	await new Promise((resolve) => files.close(resolve));
});
beforeEach(() => {
	emu.reset();
	refusals = [];
	served = 0;
});

async function submitI2I(urls: string[]): Promise<string> {
	const res = await axios.post(
		`${emu.url}/api/v1/task/submit`,
		{ model: 'gpt-image-2/image-to-image', input: { prompt: 'edit', imageUrls: urls } },
		{ headers: { Authorization: `Bearer ${emu.apiKey}` } },
	);
	return res.data.data.taskId as string;
}

async function ended(taskId: string, timeoutMs = 5000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const stats = emu.stats().byTask[taskId];
		if (['SUCCESS', 'FAILURE'].includes(stats.status)) return stats;
		if (Date.now() > deadline) throw new Error(`task ${taskId} is ${stats.status}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe('fetchInputs', () => {
	it('downloads every input, retrying refusals (409 before n8n saved the execution), and records its sha256', async () => {
		refusals = [409, 500];
		const taskId = await submitI2I([`${filesUrl}/ok/a.png`, `${filesUrl}/ok/b.png`]);
		expect(emu.stats().byTask[taskId].status).not.toBe('SUCCESS');
		const stats = await ended(taskId);
		expect(stats.status).toBe('SUCCESS');
		expect(stats.inputs).toEqual([
			expect.objectContaining({
				index: 0,
				field: 'imageUrls',
				status: 200,
				bytes: 5000,
				sha256: SHA,
				error: null,
			}),
			expect.objectContaining({
				index: 1,
				field: 'imageUrls',
				status: 200,
				bytes: 5000,
				sha256: SHA,
				error: null,
			}),
		]);
		// Both files are fetched at once: two refusals cost two more attempts in all.
		expect(stats.inputs!.reduce((sum, input) => sum + input.attempts, 0)).toBe(4);
		expect(served).toBe(4);
	});

	it('a task whose input cannot be downloaded ends FAILURE (INVALID_PARAMETERS), after its attempts', async () => {
		const taskId = await submitI2I([`${filesUrl}/missing.png`]);
		const stats = await ended(taskId);
		expect(stats.status).toBe('FAILURE');
		expect(stats.inputs).toEqual([
			expect.objectContaining({ status: 404, sha256: null, error: 'HTTP 404', attempts: 6 }),
		]);
		const task = await axios.get(`${emu.url}/api/v1/task/${taskId}`, {
			headers: { Authorization: `Bearer ${emu.apiKey}` },
		});
		expect(task.data.data.failure_reason).toBe('INVALID_PARAMETERS');
	});

	it('is off by default: tasks end without fetching anything', async () => {
		const quiet = await startEmulator({ latencyMs: 50 });
		try {
			const res = await axios.post(
				`${quiet.url}/api/v1/task/submit`,
				{
					model: 'gpt-image-2/image-to-image',
					input: { prompt: 'x', imageUrls: [`${filesUrl}/ok/a.png`] },
				},
				{ headers: { Authorization: `Bearer ${quiet.apiKey}` } },
			);
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(quiet.stats().byTask[res.data.data.taskId]).toEqual(
				expect.objectContaining({ status: 'SUCCESS', inputs: null }),
			);
			expect(served).toBe(0);
		} finally {
			await quiet.close();
		}
	});
});
