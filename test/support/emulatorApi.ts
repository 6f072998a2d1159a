// The emulator's own tests (test/emulator.*.test.ts, one file an area of the API): the emulator of each
// test file, reached over plain HTTP with axios, and the requests and waits they share.
//
// useEmulator() starts one emulator for the test file (reset before each test); `emu` and `api` are
// live bindings it sets in beforeAll, so the tests read them as the file's own variables.
import axios, { type AxiosInstance } from 'axios';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { sleep } from '../../scripts/lib/time';
import { startEmulator, type Emulator, type TaskData } from '../emulator';

export const LATENCY_MS = 200;
export const T2I = 'gpt-image-2/text-to-image';
export const I2I = 'gpt-image-2/image-to-image';

/** The test file's emulator. */
export let emu: Emulator;
/** A client of it with its Bearer key, resolving on every status. */
export let api: AxiosInstance;

/** One emulator for the test file, reset before each test. */
export function useEmulator(): void {
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
}

export async function waitFor<T>(
	probe: () => T | Promise<T>,
	timeoutMs = 2000,
): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value as NonNullable<T>;
		if (Date.now() > deadline) throw new Error('waitFor: timed out');
		await sleep(10);
	}
}

export async function submit(body: unknown): Promise<string> {
	const res = await api.post('/api/v1/task/submit', body);
	expect(res.status).toBe(200);
	expect(res.data.code).toBe(0);
	return res.data.data.taskId;
}

export const submitT2I = (
	prompt: string,
	input: Record<string, unknown> = {},
	extra: Record<string, unknown> = {},
) => submit({ model: T2I, input: { prompt, ...input }, ...extra });

export async function query(taskId: string): Promise<TaskData> {
	const res = await api.get(`/api/v1/task/${taskId}`);
	expect(res.status).toBe(200);
	expect(res.data.code).toBe(0);
	return res.data.data;
}

export const TERMINAL = ['SUCCESS', 'FAILURE', 'TIMEOUT', 'CANCELLED'];
export const waitTerminal = (taskId: string) =>
	waitFor(async () => {
		const data = await query(taskId);
		return TERMINAL.includes(data.status) ? data : null;
	});

export async function download(url: string) {
	// No Authorization header: result files are served like a CDN's.
	return axios.get(url, { responseType: 'arraybuffer', validateStatus: () => true });
}

/** GETs `url` until at least `bytes` have arrived, then hangs up; resolves to how many arrived. */
export function readThenHangUp(url: string, bytes: number): Promise<number> {
	return new Promise<number>((resolve, reject) => {
		http
			.get(url, (res) => {
				let size = 0;
				res.on('data', (chunk: Buffer) => {
					size += chunk.length;
					if (size >= bytes) {
						res.destroy();
						resolve(size);
					}
				});
			})
			.on('error', reject);
	});
}

/** A local HTTP server that records what is POSTed to it. */
export async function startSink(status = 200) {
	const received: { url: string; headers: http.IncomingHttpHeaders; body: string; at: number }[] =
		[];
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
