// The editor, as a user sees it: a real n8n 2.41.1 with the packed package, driven in headless Chromium.
// Sign in, find "Max API" in the node creator, add the trigger and the node, open their panels: the icon is the
// package's SVG (not n8n's fallback letter), the operations are listed, the fields follow the operation
// (`imageUrls` only for Image to Image), and the trigger's panel shows the callback URL guidance.
//
//   npm run build && npx jest -c test/e2e/jest.config.js test/e2e/editor.e2e.test.ts
//
// Chromium: Debian's package (`apt-get install -y chromium`, /usr/bin/chromium; MAXAPI_CHROMIUM=<path> for
// another), driven by playwright-core. Without it the tests are skipped with a printed reason, but they fail
// when CI is set. Screenshots go to artifacts/screenshots/editor-*.png (git-ignored); the last line printed
// says where. The browser reaches only 127.0.0.1: every other request is aborted.
// MAXAPI_E2E_PACKAGE_TGZ=<file.tgz> tests that tarball instead of packing the repository.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ensureRuntime } from '../../scripts/n8n-install';
import { startN8n, N8nInstance } from '../../scripts/n8n-server';

const REPO = path.resolve(__dirname, '..', '..');
const PACKAGE = 'n8n-nodes-maxapi';
const NODE_TYPE = `${PACKAGE}.maxApi`;
const TRIGGER_TYPE = `${PACKAGE}.maxApiTrigger`;
const ICON_PATH = `/icons/${PACKAGE}/dist/icons/maxapi.svg`;
const SCREENSHOTS = path.join(REPO, 'artifacts', 'screenshots');
const CHROMIUM = process.env.MAXAPI_CHROMIUM || '/usr/bin/chromium';
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
const IN_CI = !!process.env.CI && !/^(0|false)$/i.test(process.env.CI);
const CHROMIUM_MISSING = !fs.existsSync(CHROMIUM);

// DOM shapes used inside page.evaluate (the test tsconfig has no DOM lib)
interface ImgEl {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  addEventListener(type: 'load' | 'error', fn: () => void, opts: { once: boolean }): void;
}

const $ = (id: string) => `[data-test-id="${id}"]`;
const exactly = (text: string) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

/** Polls `check` (the panel re-renders its inputs, so element handles go stale) until it holds. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function log(line: string): void {
  process.stdout.write(`[e2e-editor] ${line}\n`);
}

if (CHROMIUM_MISSING && !IN_CI) {
  // eslint-disable-next-line no-console
  console.log(
    `[e2e-editor] SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or MAXAPI_CHROMIUM=<path>). ` +
      'With CI set these tests fail instead.',
  );
}

(CHROMIUM_MISSING && !IN_CI ? describe.skip : describe)('the package in the n8n editor (Chromium)', () => {
  let n8n: N8nInstance | undefined;
  let context: BrowserContext | undefined;
  let userDataDir: string | undefined;
  const shots: string[] = [];
  const blocked = new Set<string>();
  const pageErrors: string[] = [];
  const fileStart = Date.now();

  async function shot(page: Page, name: string): Promise<void> {
    const file = path.join(SCREENSHOTS, `editor-${name}.png`);
    await page.screenshot({ path: file, animations: 'disabled' }); // slide-ins and fades at their end state
    shots.push(file);
  }

  /** A new tab of the signed-in browser; on failure the test leaves a screenshot of it. */
  async function newPage(): Promise<Page> {
    const page = await context!.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    return page;
  }

  async function withFailureShot(page: Page, name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      await shot(page, `FAILED-${name}`).catch(() => {});
      throw err;
    } finally {
      await page.close().catch(() => {});
    }
  }

  /** A new, empty workflow in the editor. */
  async function openNewWorkflow(page: Page): Promise<void> {
    await page.goto(`${n8n!.url}/workflow/new`);
    await page.locator($('canvas-wrapper')).waitFor();
  }

  /**
   * The package's icon inside `scope`: an <img> whose src is the package's SVG, loaded (naturalWidth > 0). Without
   * an icon, or when it fails to load, n8n draws the node's first letter instead and there is no such <img>.
   */
  async function expectPackageIcon(scope: Locator, what: string): Promise<void> {
    const img = scope.locator(`img[src$="${ICON_PATH}"]`).first();
    await img.waitFor({ state: 'visible' }).catch(() => {
      throw new Error(`${what}: no visible <img src="...${ICON_PATH}">`);
    });
    const src = await img.getAttribute('src');
    expect(new URL(src!, n8n!.url).pathname).toBe(ICON_PATH);
    await img.evaluate(
      (el: ImgEl) =>
        el.complete && el.naturalWidth > 0
          ? undefined
          : new Promise<void>((resolve, reject) => {
              el.addEventListener('load', () => resolve(), { once: true });
              el.addEventListener('error', () => reject(new Error('image failed to load')), { once: true });
            }),
    );
    const size = await img.evaluate((el: ImgEl) => ({ w: el.naturalWidth, h: el.naturalHeight }));
    expect(size.w).toBeGreaterThan(0);
    expect(size.h).toBeGreaterThan(0);
  }

  /** The panel's header: node icon and name. */
  function ndvHeader(page: Page): Locator {
    return page.locator(`${$('ndv')} header`).filter({ has: page.locator($('node-title-container')) });
  }

  /** The visible options of the open dropdown (element-plus renders them at the end of <body>). */
  function dropdownOptions(page: Page): Locator {
    return page.locator($('parameter-input-item')).filter({ visible: true });
  }

  async function optionHeadlines(page: Page): Promise<string[]> {
    await dropdownOptions(page).first().waitFor();
    return (await dropdownOptions(page).locator('.option-headline').allInnerTexts()).map((t) => t.trim());
  }

  /** Picks `label` in the dropdown of `param` (opening it unless it is open already) and waits for the value. */
  async function selectOption(page: Page, param: Locator, label: string, open = true): Promise<void> {
    if (open) await param.click();
    await dropdownOptions(page).filter({ has: page.locator('.option-headline', { hasText: exactly(label) }) }).click();
    await dropdownOptions(page).first().waitFor({ state: 'hidden' });
    await until(async () => (await param.locator('input').inputValue()) === label, `${label} selected`);
  }

  beforeAll(async () => {
    if (CHROMIUM_MISSING) {
      throw new Error(`CI is set and Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`);
    }
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    for (const f of fs.readdirSync(SCREENSHOTS)) if (/^editor-.*\.png$/.test(f)) fs.rmSync(path.join(SCREENSHOTS, f));

    const given = process.env.MAXAPI_E2E_PACKAGE_TGZ;
    if (!given) {
      const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
      for (const file of [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])]) {
        if (!fs.existsSync(path.join(REPO, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
      }
    }
    const runtime = await ensureRuntime();
    let t = Date.now();
    n8n = await startN8n({
      runtime,
      ...(given ? { packageTgz: path.resolve(given) } : { packageDir: REPO }),
      expectNodeTypes: [NODE_TYPE, TRIGGER_TYPE],
    });
    log(`n8n ${runtime.n8nVersion} on ${n8n.url} (pack + start ${((Date.now() - t) / 1000).toFixed(1)}s)`);

    t = Date.now();
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    context.setDefaultTimeout(15000);
    // Only 127.0.0.1: the editor also asks registry.npmjs.org about community packages.
    await context.route(
      (url) => !(url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1'),
      (route) => {
        blocked.add(new URL(route.request().url()).origin);
        return route.abort('blockedbyclient');
      },
    );
    for (const p of context.pages()) await p.close();
    log(`Chromium ${context.browser()?.version() ?? ''} started (${((Date.now() - t) / 1000).toFixed(1)}s)`);
  }, 5 * 60 * 1000);

  afterAll(async () => {
    const closing = context?.close();
    const closed = await Promise.race([
      Promise.resolve(closing).then(() => true, () => true),
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

  test('the owner signs in through the sign-in form', async () => {
    const page = await newPage();
    await withFailureShot(page, 'signin', async () => {
      await page.goto(`${n8n!.url}/signin`);
      await page.locator($('signin-form')).waitFor();
      await page.locator('#emailOrLdapLoginId').fill(n8n!.owner.email);
      await page.locator('#password').fill(n8n!.owner.password);
      await page.locator($('form-submit-button')).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
      await page.locator($('main-sidebar-settings')).waitFor(); // the signed-in app, past its loading skeleton
      await page.locator($('workflows-onboarding-loading')).waitFor({ state: 'hidden' });
      const cookies = await context!.cookies(n8n!.url);
      expect(cookies.map((c) => c.name)).toContain('n8n-auth');
      await shot(page, '01-signed-in');
    });
  });

  /** Opens a new workflow and searches "Max API" from the canvas's add button ("Add first step"). */
  async function searchMaxApiInNewWorkflow(page: Page) {
    await openNewWorkflow(page);
    await page.locator($('canvas-add-button')).click(); // on an empty canvas this opens the trigger picker
    const creator = page.locator($('node-creator'));
    await creator.locator($('node-creator-search-bar')).fill('Max API');
    const entry = creator
      .locator($('item-iterator-item'))
      .filter({ has: page.locator($('node-creator-item-name'), { hasText: exactly('Max API') }) });
    await entry.waitFor();
    return { creator, entry };
  }

  test('Max API Trigger: found by "Max API", package icon, callback URL guidance in its panel', async () => {
    const page = await newPage();
    await withFailureShot(page, 'trigger', async () => {
      const { creator, entry } = await searchMaxApiInNewWorkflow(page);
      await expectPackageIcon(entry, 'search result');
      await shot(page, '02-trigger-search');

      await entry.click();
      const triggerItem = creator.locator($('item-iterator-item'), { hasText: 'On new Max API event' });
      await triggerItem.waitFor();
      await expectPackageIcon(triggerItem, 'trigger in the node details');
      await shot(page, '03-trigger-node-details');

      await triggerItem.click();
      const ndv = page.locator($('ndv'));
      await ndv.waitFor();
      await expect(ndv.locator($('node-title-container')).innerText()).resolves.toMatch(/Max API Trigger/);
      await expectPackageIcon(ndvHeader(page), 'panel header');

      const notice = ndv.locator(`${$('node-parameters')} [role="alert"]`, {
        hasText: /^\s*Paste this node's Production URL/,
      });
      await notice.waitFor({ state: 'visible' });
      expect(await notice.innerText()).toMatch(/Callback URL/);

      // the Production URL the notice points to, in "Webhook URLs" above it
      await ndv.locator('.webhooks .headline').click();
      await ndv.locator($('radio-button-production')).click();
      const webhookUrl = ndv.locator('.webhooks .webhook-url');
      await until(async () => /\/webhook\//.test(await webhookUrl.innerText()), 'the Production URL');
      const productionUrl = (await webhookUrl.innerText()).trim();
      expect(productionUrl).toMatch(new RegExp(`^${n8n!.url.replace(/[.]/g, '\\.')}/webhook/[0-9a-f-]{36}/maxapi$`));
      await shot(page, '04-trigger-panel');

      await ndv.locator($('ndv-close-button')).click();
      await ndv.waitFor({ state: 'hidden' });
      const node = page.locator($('canvas-node'), { hasText: 'Max API Trigger' });
      await expectPackageIcon(node, 'trigger on the canvas');
      await shot(page, '05-trigger-on-canvas');
    });
  });

  test('Max API node: found by "Max API", package icon, operations listed, fields follow the operation', async () => {
    const page = await newPage();
    await withFailureShot(page, 'node', async () => {
      const { creator, entry } = await searchMaxApiInNewWorkflow(page);
      await entry.click();

      // the node's actions (the trigger picker shows them collapsed under "Actions")
      const actions = creator
        .locator('[data-category-collapsed]')
        .filter({ has: page.locator($('node-creator-category-item'), { hasText: /^\s*Actions/ }) });
      if ((await actions.getAttribute('data-category-collapsed')) === 'true') {
        await actions.locator($('node-creator-category-item')).click();
      }
      const action = (name: string) => creator.locator($('item-iterator-item'), { hasText: exactly(name) });
      for (const name of ['Generate an image', 'Edit an image', 'Get a task']) {
        await action(name).waitFor();
        await expectPackageIcon(action(name), `action "${name}"`);
      }
      await shot(page, '06-node-actions');

      await action('Generate an image').click();
      const ndv = page.locator($('ndv'));
      await ndv.waitFor();
      await expectPackageIcon(ndvHeader(page), 'panel header');
      const param = (name: string) => ndv.locator($(`parameter-input-${name}`));
      const resource = param('resource');
      const operation = param('operation');
      await expect(resource.locator('input').inputValue()).resolves.toBe('Image');
      await expect(operation.locator('input').inputValue()).resolves.toBe('Text to Image');
      await param('prompt').waitFor();
      expect(await param('imageUrls').count()).toBe(0);
      await shot(page, '07-node-panel-text-to-image');

      await operation.click();
      expect(await optionHeadlines(page)).toEqual(expect.arrayContaining(['Text to Image', 'Image to Image']));
      await shot(page, '08-operation-options');

      await selectOption(page, operation, 'Image to Image', false);
      await param('imageUrls').waitFor();
      await ndv.locator($('parameter-item'), { hasText: 'Image URLs' }).first().waitFor();
      await param('prompt').waitFor();
      await shot(page, '09-node-panel-image-to-image');

      await selectOption(page, operation, 'Text to Image');
      await param('imageUrls').waitFor({ state: 'detached' });

      await selectOption(page, resource, 'Task');
      await operation.click();
      expect(await optionHeadlines(page)).toEqual(expect.arrayContaining(['Get']));
      await selectOption(page, operation, 'Get', false);
      await param('taskId').waitFor();
      expect(await param('imageUrls').count()).toBe(0);
      expect(await param('prompt').count()).toBe(0);
      await shot(page, '10-node-panel-task-get');

      // on the canvas, the node's subtitle names the operation in words
      await ndv.locator($('ndv-close-button')).click();
      await ndv.waitFor({ state: 'hidden' });
      const node = page.locator($('canvas-node')).filter({ hasText: 'Get Task' });
      await node.waitFor();
      await expectPackageIcon(node, 'node on the canvas');
      await shot(page, '11-node-on-canvas');
    });
  });

  test('the icon URL serves the SVG from the installed package', async () => {
    const res = await context!.request.get(`${n8n!.url}${ICON_PATH}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^image\/svg\+xml/);
    const installed = path.join(n8n!.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE, 'dist', 'icons', 'maxapi.svg');
    expect((await res.body()).equals(fs.readFileSync(installed))).toBe(true);
  });
});
