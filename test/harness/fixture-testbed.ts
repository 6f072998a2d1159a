// The set-up of the harness' own tests (engine.test.ts, webhooks.test.ts): the throwaway package of
// fixture.ts written to a temp folder and loaded as n8n loads it, the local API its nodes talk to, and
// the pieces of workflow the tests are built from.
//
// useFixturePackage() sets `pkg` and `fixtureDir` in its beforeAll (live bindings, read by the tests as
// their own variables) and removes everything afterwards.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { removeFixturePackage, writeFixturePackage } from './fixture';
import { cleanupHarness, loadPackage, type HarnessNode, type LoadedPackage } from './index';

export const NODE = 'n8n-nodes-fixture.fixture';
export const TRIGGER = 'n8n-nodes-fixture.fixtureTrigger';
export const PNG = Buffer.from(
	'89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
		'1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082',
	'hex',
);

export type FixtureEvent = { type: string; afterMs?: number; url?: string };
export const fixtureEvents = (): FixtureEvent[] =>
	((globalThis as Record<string, unknown>).__fixtureEvents as FixtureEvent[] | undefined) ?? [];

/** The API the fixture node talks to. */
function startApi(): Promise<{ server: http.Server; url: string }> {
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const json = (status: number, body: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			};
			const auth = req.headers.authorization;
			const token = url.searchParams.get('token');
			if (url.pathname === '/echo') {
				const raw = Buffer.concat(chunks).toString('utf8');
				json(200, {
					authorization: auth ?? null,
					apiVersion: req.headers['x-api-version'] ?? null,
					token,
					received: raw ? JSON.parse(raw) : null,
				});
			} else if (url.pathname === '/image') {
				res.writeHead(200, { 'content-type': 'image/png' });
				res.end(PNG);
			} else if (url.pathname === '/slow') {
				const timer = setTimeout(() => json(200, { late: true }), 10_000);
				res.on('close', () => clearTimeout(timer));
			} else if (url.pathname === '/fail') {
				json(Number(url.searchParams.get('status') ?? 500), { message: 'boom from api' });
			} else if (url.pathname === '/me') {
				if (auth === 'Bearer good' || token === 'good') json(200, { ok: true });
				else if (auth === 'Bearer forbidden') json(403, { message: 'forbidden' });
				else json(401, { message: 'unauthorized' });
			} else {
				json(404, { message: 'not found' });
			}
		});
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
		),
	);
}

export const startNode = (items?: IDataObject[]): HarnessNode => ({
	name: 'Start',
	type: 'harness.start',
	parameters: items ? { items } : {},
});
export const main = (from: string, to: string) => ({
	[from]: { main: [[{ node: to, type: 'main' as const, index: 0 }]] },
});

/** The fixture package as loaded. */
export let pkg: LoadedPackage;
/** Where it was written. */
export let fixtureDir: string;

/** Writes and loads the fixture package, with the API it talks to, for the test file. */
export function useFixturePackage(): void {
	let api: { server: http.Server; url: string };

	beforeAll(async () => {
		api = await startApi();
		fixtureDir = writeFixturePackage(api.url);
		pkg = await loadPackage(fixtureDir);
	});

	afterAll(async () => {
		await new Promise((resolve) => api.server.close(resolve));
		removeFixturePackage(fixtureDir);
		cleanupHarness();
	});
}
