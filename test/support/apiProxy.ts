// A Max API proxy in front of the emulator, for two things the emulator does not do:
//   - record the exact JSON body of every submit, as the node sent it (`submits`);
//   - play a newer Max API that serves model ids the catalog (and so the emulator) does not know:
//     `aliases` maps such an id to a catalog id the emulator runs instead, and the task's echoed
//     `input.model` is turned back into the id that was submitted. Result URLs still point at the emulator.
// Everything else is passed through untouched.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ApiProxy {
	url: string;
	/** The parsed JSON body of every POST /api/v1/task/submit, in arrival order. */
	submits: unknown[];
	close(): Promise<void>;
}

async function readBody(stream: http.IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

function parse(body: Buffer): unknown {
	try {
		return JSON.parse(body.toString('utf8'));
	} catch {
		return body.toString('utf8');
	}
}

export async function startApiProxy(
	targetUrl: string,
	options: { aliases?: Record<string, string> } = {},
): Promise<ApiProxy> {
	const target = new URL(targetUrl);
	const aliases = options.aliases ?? {};
	const submittedAs = new Map<string, string>(); // task id → the model id the client submitted
	const submits: unknown[] = [];

	const server = http.createServer((req, res) => {
		void (async () => {
			let body = await readBody(req);
			const isSubmit = req.method === 'POST' && req.url === '/api/v1/task/submit';
			let alias: string | undefined;
			if (isSubmit) {
				const parsed = parse(body);
				submits.push(parsed);
				const model = (parsed as { model?: unknown })?.model;
				if (typeof model === 'string' && aliases[model]) {
					alias = model;
					body = Buffer.from(JSON.stringify({ ...(parsed as object), model: aliases[model] }));
				}
			}
			const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
			const upstream = http.request(
				{ host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
				(answer) => {
					void (async () => {
						let out = await readBody(answer);
						const envelope = parse(out) as
							| { data?: { taskId?: unknown; input?: { model?: unknown } } }
							| string;
						if (typeof envelope === 'object' && envelope?.data) {
							const taskId = envelope.data.taskId;
							if (alias && typeof taskId === 'string') submittedAs.set(taskId, alias);
							const original = typeof taskId === 'string' ? submittedAs.get(taskId) : undefined;
							if (!isSubmit && original && envelope.data.input) {
								envelope.data.input.model = original;
								out = Buffer.from(JSON.stringify(envelope));
							}
						}
						const outHeaders = { ...answer.headers, 'content-length': String(out.length) };
						delete outHeaders['transfer-encoding'];
						res.writeHead(answer.statusCode ?? 502, outHeaders);
						res.end(out);
					})().catch(() => res.destroy());
				},
			);
			upstream.on('error', () => res.destroy());
			upstream.end(body);
		})().catch(() => res.destroy());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		submits,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
