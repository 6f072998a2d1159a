// The editor e2e's browser session (editor.e2e.test.ts): a real n8n with the package and a headless Chromium
// that reaches only 127.0.0.1, started once for the test file (useEditorSession), and the steps its tests
// take in the editor: open a page and wait for its first element, read and pick dropdown options, check
// the package's icon, take screenshots.
//
// Made for a loaded 2-core machine: a cold load of the editor (~450 module files) took 30 s there, so pages
// are opened without waiting for the "load" event, each step waits for the element it needs next, and the
// timeouts below leave room for that. Outside requests are aborted by a context-wide route set before any page
// exists.
//
// `n8n` and `context` are live bindings that useEditorSession() sets in its beforeAll.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ensureRuntime } from '../../scripts/n8n-install';
import { sleep } from '../../scripts/lib/time';
import { startN8n, N8nInstance } from '../../scripts/n8n-server';

const REPO = path.resolve(__dirname, '..', '..');
export const PACKAGE = 'n8n-nodes-maxapi';
const NODE_TYPE = `${PACKAGE}.maxApi`;
const TRIGGER_TYPE = `${PACKAGE}.maxApiTrigger`;
export const ICON_PATH = `/icons/${PACKAGE}/dist/icons/maxapi.svg`;
const SCREENSHOTS = path.join(REPO, 'artifacts', 'screenshots');
export const CHROMIUM = process.env.MAXAPI_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
// Measured on 2 cores at load average 14 (other test suites running): 28 s from navigation to the load event of a
// cold editor, ~450 requests. A step waits for one element; a page waits for its first element.
export const PAGE_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 30_000;
export const TEST_TIMEOUT_MS = 6 * 60_000;
export const IN_CI = !!process.env.CI && !/^(0|false)$/i.test(process.env.CI);
export const CHROMIUM_MISSING = !fs.existsSync(CHROMIUM);

// DOM shapes used inside page.evaluate (the test tsconfig has no DOM lib)
interface ImgEl {
	complete: boolean;
	naturalWidth: number;
	naturalHeight: number;
	addEventListener(type: 'load' | 'error', fn: () => void, opts: { once: boolean }): void;
}

export const $ = (id: string) => `[data-test-id="${id}"]`;
export const exactly = (text: string) =>
	new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

/** Polls `check` (the panel re-renders its inputs, so element handles go stale) until it holds. */
export async function until(
	check: () => Promise<boolean>,
	what: string,
	timeoutMs = STEP_TIMEOUT_MS,
): Promise<void> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		if (await check().catch(() => false)) return;
		if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
		await sleep(100);
	}
}

export function log(line: string): void {
	process.stdout.write(`[e2e-editor] ${line}\n`);
}

/** The n8n the editor runs in, and the browser's context (signed-in state, routes): set in beforeAll. */
export let n8n: N8nInstance | undefined;
export let context: BrowserContext | undefined;
let userDataDir: string | undefined;
const shots: string[] = [];
const blocked = new Set<string>();
const pageErrors: string[] = [];
const fileStart = Date.now();

export async function shot(page: Page, name: string): Promise<void> {
	const file = path.join(SCREENSHOTS, `editor-${name}.png`);
	await page.screenshot({ path: file, animations: 'disabled' }); // slide-ins and fades at their end state
	shots.push(file);
}

/** A new tab of the signed-in browser; on failure the test leaves a screenshot of it. */
export async function newPage(): Promise<Page> {
	const page = await context!.newPage();
	page.on('pageerror', (err) => pageErrors.push(err.message));
	return page;
}

export async function withFailureShot(
	page: Page,
	name: string,
	fn: () => Promise<void>,
): Promise<void> {
	try {
		await fn();
	} catch (err) {
		await shot(page, `FAILED-${name}`).catch(() => {});
		throw err;
	} finally {
		await page.close().catch(() => {});
	}
}

/**
 * Navigates to `urlPath` and waits for `ready`, the element the test needs first. Not for the "load" event: on
 * a loaded machine the editor's hundreds of module files can take longer than any fixed navigation timeout,
 * while the page is usable once its element is there.
 */
export async function openPage(page: Page, urlPath: string, ready: Locator): Promise<void> {
	const t = Date.now();
	await page.goto(`${n8n!.url}${urlPath}`, { waitUntil: 'commit', timeout: PAGE_TIMEOUT_MS });
	await ready.waitFor({ state: 'visible', timeout: PAGE_TIMEOUT_MS });
	log(`${urlPath} ready in ${((Date.now() - t) / 1000).toFixed(1)}s`);
}

/** A new, empty workflow in the editor: the canvas with its "Add first step" button. */
export async function openNewWorkflow(page: Page): Promise<void> {
	await openPage(page, '/workflow/new', page.locator($('canvas-add-button')));
}

/**
 * The package's icon inside `scope`: an <img> whose src is the package's SVG, loaded (naturalWidth > 0). Without
 * an icon, or when it fails to load, n8n draws the node's first letter instead and there is no such <img>.
 */
export async function expectPackageIcon(scope: Locator, what: string): Promise<void> {
	const img = scope.locator(`img[src$="${ICON_PATH}"]`).first();
	await img.waitFor({ state: 'visible' }).catch(() => {
		throw new Error(`${what}: no visible <img src="...${ICON_PATH}">`);
	});
	const src = await img.getAttribute('src');
	expect(new URL(src!, n8n!.url).pathname).toBe(ICON_PATH);
	await img.evaluate((el: ImgEl) =>
		el.complete && el.naturalWidth > 0
			? undefined
			: new Promise<void>((resolve, reject) => {
					el.addEventListener('load', () => resolve(), { once: true });
					el.addEventListener('error', () => reject(new Error('image failed to load')), {
						once: true,
					});
				}),
	);
	const size = await img.evaluate((el: ImgEl) => ({ w: el.naturalWidth, h: el.naturalHeight }));
	expect(size.w).toBeGreaterThan(0);
	expect(size.h).toBeGreaterThan(0);
}

/** The panel's header: node icon and name. */
export function ndvHeader(page: Page): Locator {
	return page
		.locator(`${$('ndv')} header`)
		.filter({ has: page.locator($('node-title-container')) });
}

/** The visible options of the open dropdown (element-plus renders them at the end of <body>). */
export function dropdownOptions(page: Page): Locator {
	return page.locator($('parameter-input-item')).filter({ visible: true });
}

export async function optionHeadlines(page: Page): Promise<string[]> {
	await dropdownOptions(page).first().waitFor();
	return (await dropdownOptions(page).locator('.option-headline').allInnerTexts()).map((t) =>
		t.trim(),
	);
}

/** Opens the dropdown of `param`, reads its option names, and closes it again (Escape). */
export async function listOptions(page: Page, param: Locator): Promise<string[]> {
	await param.click();
	const names = await optionHeadlines(page);
	await page.keyboard.press('Escape');
	await dropdownOptions(page).first().waitFor({ state: 'hidden' });
	return names;
}

/** Picks `label` in the dropdown of `param` (opening it unless it is open already) and waits for the value. */
export async function selectOption(
	page: Page,
	param: Locator,
	label: string,
	open = true,
): Promise<void> {
	if (open) await param.click();
	await dropdownOptions(page)
		.filter({ has: page.locator('.option-headline', { hasText: exactly(label) }) })
		.click();
	await dropdownOptions(page).first().waitFor({ state: 'hidden' });
	await until(
		async () => (await param.locator('input').inputValue()) === label,
		`${label} selected`,
	);
}

/** Starts n8n with the package and Chromium before the file's tests; stops both after them. */
export function useEditorSession(): void {
	beforeAll(
		async () => {
			if (CHROMIUM_MISSING) {
				throw new Error(
					`CI is set and Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`,
				);
			}
			fs.mkdirSync(SCREENSHOTS, { recursive: true });
			for (const f of fs.readdirSync(SCREENSHOTS))
				if (/^editor-.*\.png$/.test(f)) fs.rmSync(path.join(SCREENSHOTS, f));

			const given = process.env.MAXAPI_E2E_PACKAGE_TGZ;
			if (!given) {
				const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
				for (const file of [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])]) {
					if (!fs.existsSync(path.join(REPO, file)))
						throw new Error(`${file} is missing: run \`npm run build\` first`);
				}
			}
			const runtime = await ensureRuntime();
			let t = Date.now();
			n8n = await startN8n({
				runtime,
				...(given ? { packageTgz: path.resolve(given) } : { packageDir: REPO }),
				expectNodeTypes: [NODE_TYPE, TRIGGER_TYPE],
			});
			log(
				`n8n ${runtime.n8nVersion} on ${n8n.url} (pack + start ${((Date.now() - t) / 1000).toFixed(1)}s)`,
			);

			t = Date.now();
			userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-chromium-'));
			context = await chromium.launchPersistentContext(userDataDir, {
				executablePath: CHROMIUM,
				headless: true,
				args: CHROMIUM_ARGS,
				viewport: { width: 1440, height: 900 },
				locale: 'en-US',
				timezoneId: 'UTC',
				reducedMotion: 'reduce',
				serviceWorkers: 'block', // a service worker's requests would bypass the route below
			});
			context.setDefaultTimeout(STEP_TIMEOUT_MS);
			context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
			// Only 127.0.0.1, for every page of the context, set before the first one opens: the editor also asks
			// registry.npmjs.org about community packages, and a request that hangs outside would hold up the page.
			await context.route(
				(url) =>
					!(url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1'),
				(route) => {
					blocked.add(new URL(route.request().url()).origin);
					return route.abort('blockedbyclient');
				},
			);
			for (const p of context.pages()) await p.close();
			log(
				`Chromium ${context.browser()?.version() ?? ''} started (${((Date.now() - t) / 1000).toFixed(1)}s)`,
			);
		},
		5 * 60 * 1000,
	);

	afterAll(async () => {
		const closing = context?.close();
		const closed = await Promise.race([
			Promise.resolve(closing).then(
				() => true,
				() => true,
			),
			new Promise<boolean>((r) => setTimeout(() => r(false), 15000).unref()),
		]);
		if (!closed) log('Chromium did not close within 15 s');
		await n8n?.stop().catch((err) => log(`n8n stop: ${err}`));
		if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
		if (blocked.size) log(`requests aborted (not 127.0.0.1): ${[...blocked].join(', ')}`);
		if (pageErrors.length) log(`uncaught errors in the page:\n  ${pageErrors.join('\n  ')}`);
		log(`${((Date.now() - fileStart) / 1000).toFixed(1)}s in all`);
		if (fs.existsSync(SCREENSHOTS)) log(`screenshots (${shots.length}): ${SCREENSHOTS}`);
	}, 60 * 1000);
}
