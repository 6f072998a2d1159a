// The editor, as a user sees it: a real n8n 2.41.1 with the packed package, driven in headless Chromium.
// Sign in, find "Max API" in the node creator, add the trigger and the node, open their panels: the icon is the
// package's SVG (not n8n's fallback letter), the resources (Image, Video, Task) and operations are listed, with
// no "Custom API Call", the Model list is the catalog's for the operation, the fields follow the operation and
// the model (`imageUrls` only for Image to Image; Grok Imagine Lite has no Aspect Ratio or Resolution; Veo has
// a Duration), a combination the model refuses shows a notice (GPT Image 2 at 4K without a wide ratio), and
// the trigger's panel shows the callback URL guidance.
//
// The browser session (n8n, Chromium, the steps in the editor, the timeouts of a loaded machine) is
// editorSession.ts.
//
//   npm run build && npx jest -c test/e2e/jest.config.js test/e2e/editor.e2e.test.ts
//
// On n8n 2.41.1 only (not over test/e2e/targets.ts): its selectors, panel texts and screenshots are those of
// 2.41's editor, which 1.x's editor (another front-end build) does not share; what the package does at run
// time is checked on 1.x by n8n.e2e and examples.e2e.
//
// Chromium: Debian's package (`apt-get install -y chromium`, /usr/bin/chromium; MAXAPI_CHROMIUM=<path> for
// another), driven by playwright-core. Without it the tests are skipped with a printed reason, but they fail
// when CI is set. Screenshots go to artifacts/screenshots/editor-*.png (git-ignored); the last line printed
// says where. The browser reaches only 127.0.0.1: every other request is aborted.
// MAXAPI_E2E_PACKAGE_TGZ=<file.tgz> tests that tarball instead of packing the repository.
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { N8N_VERSION } from '../../scripts/n8n-install';
import { modelsFor } from '../../nodes/shared/models';
import {
	$,
	CHROMIUM,
	CHROMIUM_MISSING,
	ICON_PATH,
	IN_CI,
	PACKAGE,
	PAGE_TIMEOUT_MS,
	TEST_TIMEOUT_MS,
	context,
	dropdownOptions,
	exactly,
	expectPackageIcon,
	listOptions,
	log,
	n8n,
	ndvHeader,
	newPage,
	openNewWorkflow,
	openPage,
	optionHeadlines,
	selectOption,
	shot,
	until,
	useEditorSession,
	withFailureShot,
} from './editorSession';

if (CHROMIUM_MISSING && !IN_CI) {
	console.log(
		`[e2e-editor] SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or MAXAPI_CHROMIUM=<path>). ` +
			'With CI set these tests fail instead.',
	);
}

(CHROMIUM_MISSING && !IN_CI ? describe.skip : describe)(
	`the package in the n8n ${N8N_VERSION} editor (Chromium)`,
	() => {
		useEditorSession();

		test(
			'the owner signs in through the sign-in form',
			async () => {
				const page = await newPage();
				await withFailureShot(page, 'signin', async () => {
					await openPage(page, '/signin', page.locator($('signin-form')));
					await page.locator('#emailOrLdapLoginId').fill(n8n!.owner.email);
					await page.locator('#password').fill(n8n!.owner.password);
					await page.locator($('form-submit-button')).click();
					await page.waitForURL((url) => !url.pathname.startsWith('/signin'), {
						waitUntil: 'commit',
					});
					await page.locator($('main-sidebar-settings')).waitFor({ timeout: PAGE_TIMEOUT_MS }); // the signed-in app, past its loading skeleton
					await page
						.locator($('workflows-onboarding-loading'))
						.waitFor({ state: 'hidden', timeout: PAGE_TIMEOUT_MS });
					const cookies = await context!.cookies(n8n!.url);
					expect(cookies.map((c) => c.name)).toContain('n8n-auth');
					await shot(page, '01-signed-in');
				});
			},
			TEST_TIMEOUT_MS,
		);

		/** Opens a new workflow and searches "Max API" from the canvas's add button ("Add first step"). */
		async function searchMaxApiInNewWorkflow(page: Page) {
			await openNewWorkflow(page);
			await page.locator($('canvas-add-button')).click(); // on an empty canvas this opens the trigger picker
			const creator = page.locator($('node-creator'));
			await creator.locator($('node-creator-search-bar')).fill('Max API');
			const entry = creator.locator($('item-iterator-item')).filter({
				has: page.locator($('node-creator-item-name'), { hasText: exactly('Max API') }),
			});
			await entry.waitFor();
			return { creator, entry };
		}

		test(
			'Max API Trigger: found by "Max API", package icon, callback URL guidance in its panel',
			async () => {
				const page = await newPage();
				await withFailureShot(page, 'trigger', async () => {
					const { creator, entry } = await searchMaxApiInNewWorkflow(page);
					await expectPackageIcon(entry, 'search result');
					await shot(page, '02-trigger-search');

					await entry.click();
					const triggerItem = creator.locator($('item-iterator-item'), {
						hasText: 'On new Max API event',
					});
					await triggerItem.waitFor();
					await expectPackageIcon(triggerItem, 'trigger in the node details');
					await shot(page, '03-trigger-node-details');

					await triggerItem.click();
					const ndv = page.locator($('ndv'));
					await ndv.waitFor();
					await expect(ndv.locator($('node-title-container')).innerText()).resolves.toMatch(
						/Max API Trigger/,
					);
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
					await until(
						async () => /\/webhook\//.test(await webhookUrl.innerText()),
						'the Production URL',
					);
					const productionUrl = (await webhookUrl.innerText()).trim();
					expect(productionUrl).toMatch(
						new RegExp(`^${n8n!.url.replace(/[.]/g, '\\.')}/webhook/[0-9a-f-]{36}/maxapi$`),
					);
					await shot(page, '04-trigger-panel');

					await ndv.locator($('ndv-close-button')).click();
					await ndv.waitFor({ state: 'hidden' });
					const node = page.locator($('canvas-node'), { hasText: 'Max API Trigger' });
					await expectPackageIcon(node, 'trigger on the canvas');
					await shot(page, '05-trigger-on-canvas');
				});
			},
			TEST_TIMEOUT_MS,
		);

		/** The Max API node's panel parts. */
		function nodePanel(page: Page) {
			const ndv = page.locator($('ndv'));
			const param = (name: string) => ndv.locator($(`parameter-input-${name}`));
			return {
				ndv,
				param,
				resource: param('resource'),
				operation: param('operation'),
				model: param('model'),
			};
		}

		/**
		 * The labels of the fields the panel shows, in order (notices are not fields): the title part of each field's
		 * label, without the Fixed/Expression switch beside it or a required field's asterisk.
		 */
		async function fieldLabels(page: Page): Promise<string[]> {
			const titles = page.locator(
				`${$('ndv')} ${$('node-parameters')} ${$('input-label')} label.n8n-input-label [class*="_title_"]`,
			);
			return (await titles.allInnerTexts())
				.map((t) =>
					t
						.replace(/\s+/g, ' ')
						.replace(/\s*\*$/, '')
						.trim(),
				)
				.filter(Boolean);
		}

		/** Opens a new workflow, searches "Max API" and adds the node through its action `action`; returns its open panel. */
		async function addMaxApiNode(page: Page, action: string) {
			const { creator, entry } = await searchMaxApiInNewWorkflow(page);
			await entry.click();
			await expandActions(page, creator);
			await creator.locator($('item-iterator-item'), { hasText: exactly(action) }).click();
			const panel = nodePanel(page);
			await panel.ndv.waitFor();
			await panel.resource.waitFor();
			return panel;
		}

		/** The node's actions in the node creator (shown collapsed under "Actions" in the trigger picker). */
		async function expandActions(page: Page, creator: Locator): Promise<void> {
			const collapsed = creator.locator('[data-category-collapsed="true"]').filter({
				has: page.locator($('node-creator-category-item'), { hasText: /actions/i }),
			});
			await creator.locator($('node-creator-category-item')).first().waitFor();
			for (const category of await collapsed.all())
				await category.locator($('node-creator-category-item')).click();
		}

		test(
			'Max API node: found by "Max API", package icon, its actions, the resources and operations (no Custom API Call), fields follow the operation',
			async () => {
				const page = await newPage();
				await withFailureShot(page, 'node', async () => {
					const { creator, entry } = await searchMaxApiInNewWorkflow(page);
					await entry.click();
					await expandActions(page, creator);
					const action = (name: string) =>
						creator.locator($('item-iterator-item'), { hasText: exactly(name) });
					for (const name of [
						'Generate an image from text',
						'Generate an image from images',
						'Generate a video from text',
						'Generate a video from images',
						'Get a task',
						'Cancel a task',
						'Create a task for any model',
					]) {
						await action(name).waitFor();
						await expectPackageIcon(action(name), `action "${name}"`);
					}
					expect(
						await creator.locator($('item-iterator-item'), { hasText: /Custom API Call/i }).count(),
					).toBe(0);
					await shot(page, '06-node-actions');

					await action('Generate an image from text').click();
					const { ndv, param, resource, operation, model } = nodePanel(page);
					await ndv.waitFor();
					await expectPackageIcon(ndvHeader(page), 'panel header');
					await expect(resource.locator('input').inputValue()).resolves.toBe('Image');
					await expect(operation.locator('input').inputValue()).resolves.toBe('Text to Image');
					await expect(model.locator('input').inputValue()).resolves.toBe('GPT Image 2');
					await param('prompt').waitFor();
					expect(await param('imageUrls').count()).toBe(0);
					await shot(page, '07-node-panel-text-to-image');

					// Resource: Image, Task, Video; no "Custom API Call" (n8n adds it to Resource and Operation only for a
					// credential with an `authenticate` block, which this one no longer has)
					await resource.click();
					expect(await optionHeadlines(page)).toEqual(['Image', 'Task', 'Video']);
					await shot(page, '08-resource-options');
					await page.keyboard.press('Escape');
					await dropdownOptions(page).first().waitFor({ state: 'hidden' });

					await operation.click();
					expect(await optionHeadlines(page)).toEqual(['Image to Image', 'Text to Image']);
					await shot(page, '09-operation-options-image');

					await selectOption(page, operation, 'Image to Image', false);
					await param('imageUrls').waitFor();
					await ndv.locator($('parameter-item'), { hasText: 'Image URLs' }).first().waitFor();
					await param('prompt').waitFor();
					await shot(page, '10-node-panel-image-to-image');

					// Image Source: URLs by default; Binary Data swaps the URL field for Input Binary Fields
					await selectOption(page, param('imageSource'), 'Binary Data');
					await param('inputBinaryFields').waitFor();
					await expect(param('inputBinaryFields').locator('input').inputValue()).resolves.toBe(
						'data',
					);
					await param('imageUrls').waitFor({ state: 'detached' });
					await shot(page, '10b-node-panel-image-to-image-binary');
					await selectOption(page, param('imageSource'), 'URLs');
					await param('imageUrls').waitFor();

					await selectOption(page, operation, 'Text to Image');
					await param('imageUrls').waitFor({ state: 'detached' });

					await selectOption(page, resource, 'Video');
					await until(
						async () => (await operation.locator('input').inputValue()) === 'Text to Video',
						'Text to Video, the first video operation',
					);
					expect(await listOptions(page, operation)).toEqual(['Image to Video', 'Text to Video']);

					await selectOption(page, resource, 'Task');
					await operation.click();
					expect(await optionHeadlines(page)).toEqual(['Cancel', 'Create (Any Model)', 'Get']);
					await shot(page, '11-operation-options-task');
					await selectOption(page, operation, 'Get', false);
					await param('taskId').waitFor();
					expect(await param('imageUrls').count()).toBe(0);
					expect(await param('prompt').count()).toBe(0);
					expect(await param('model').count()).toBe(0);
					await shot(page, '12-node-panel-task-get');

					// on the canvas, the node's subtitle names the operation in words
					await ndv.locator($('ndv-close-button')).click();
					await ndv.waitFor({ state: 'hidden' });
					const node = page.locator($('canvas-node')).filter({ hasText: 'Get Task' });
					await node.waitFor();
					await expectPackageIcon(node, 'node on the canvas');
					await shot(page, '13-node-on-canvas');
				});
			},
			TEST_TIMEOUT_MS,
		);

		/** Veo 3.1 Fast (Text to Video): Aspect Ratio (16:9), Resolution, Duration (8 s); no Number of Images. */
		async function expectVeoFields(page: Page): Promise<void> {
			const { param } = nodePanel(page);
			for (const name of ['prompt', 'ratio', 'resolution', 'duration']) await param(name).waitFor();
			expect(await param('n').count()).toBe(0);
			const labels = await fieldLabels(page);
			expect(labels).toEqual(
				expect.arrayContaining(['Prompt', 'Aspect Ratio', 'Resolution', 'Duration (Seconds)']),
			);
			expect(labels).not.toContain('Number of Images');
			// Veo's documented defaults, shown as such ("Default (8 s)") or as the plain value
			await expect(param('duration').locator('input').inputValue()).resolves.toMatch(
				/^(Default \()?8 s\)?$/,
			);
			await expect(param('ratio').locator('input').inputValue()).resolves.toMatch(
				/^(Default \()?16:9 \(Landscape\)\)?$/,
			);
		}

		test(
			"Max API node: the Model list is the catalog's for the operation, the fields follow the model, a refused combination shows a notice",
			async () => {
				const page = await newPage();
				await withFailureShot(page, 'models', async () => {
					const { ndv, param, resource, operation, model } = await addMaxApiNode(
						page,
						'Generate an image from text',
					);
					await until(
						async () => (await model.locator('input').inputValue()) === 'GPT Image 2',
						'GPT Image 2, the default model',
					);

					// Text to Image: every catalog model of the operation, in the catalog's order
					const textToImage = modelsFor('textToImage').map((m) => m.name);
					expect(textToImage).toEqual(
						expect.arrayContaining([
							'GPT Image 2',
							'Seedream 4.5',
							'Nano Banana Pro',
							'Grok Imagine Lite',
						]),
					);
					await model.click();
					expect(await optionHeadlines(page)).toEqual(textToImage);
					await shot(page, '14-model-options-text-to-image');
					await dropdownOptions(page).last().scrollIntoViewIfNeeded(); // the list scrolls: its end, Grok Imagine
					await shot(page, '14b-model-options-text-to-image-end');
					await page.keyboard.press('Escape');
					await dropdownOptions(page).first().waitFor({ state: 'hidden' });

					// GPT Image 2: Aspect Ratio, Resolution, Number of Images
					for (const name of ['prompt', 'ratio', 'resolution', 'n']) await param(name).waitFor();
					expect(await fieldLabels(page)).toEqual(
						expect.arrayContaining(['Prompt', 'Aspect Ratio', 'Resolution', 'Number of Images']),
					);
					expect(await param('duration').count()).toBe(0);
					await shot(page, '15-fields-gpt-image-2');

					// 4K with the ratio left at Auto: the panel says GPT Image 2 makes 4k only with the wide ratios
					const notice = ndv.locator(`${$('node-parameters')} [role="alert"]`, {
						hasText: /makes 4k only with aspect ratio/,
					});
					expect(await notice.count()).toBe(0);
					await expect(param('ratio').locator('input').inputValue()).resolves.toBe('Auto');
					await selectOption(page, param('resolution'), '4K ($0.06 per Image)');
					await notice.waitFor({ state: 'visible' });
					expect((await notice.innerText()).trim()).toBe(
						'GPT Image 2 makes 4k only with aspect ratio 16:9, 9:16, 2:1, 1:2, 21:9, 9:21: choose one of them, or 2k.',
					);
					await shot(page, '16-notice-gpt-image-2-4k-auto');
					await selectOption(page, param('ratio'), '1:1 (Square)');
					await notice.waitFor({ state: 'visible' });
					await selectOption(page, param('ratio'), '16:9 (Landscape)');
					await notice.waitFor({ state: 'detached' });
					await shot(page, '17-no-notice-gpt-image-2-4k-16-9');

					// Grok Imagine Lite: only Number of Images (the model infers the shape from the prompt)
					await selectOption(page, model, 'Grok Imagine Lite');
					await param('ratio').waitFor({ state: 'detached' });
					await param('n').waitFor();
					expect(await param('resolution').count()).toBe(0);
					const grokLabels = await fieldLabels(page);
					expect(grokLabels).toContain('Number of Images');
					expect(grokLabels).not.toContain('Aspect Ratio');
					expect(grokLabels).not.toContain('Resolution');
					await shot(page, '18-fields-grok-imagine-lite');

					// Seedream 4.5: Aspect Ratio, Resolution and Number of Images again
					await selectOption(page, model, 'Seedream 4.5');
					for (const name of ['ratio', 'resolution', 'n']) await param(name).waitFor();
					await shot(page, '19-fields-seedream-4-5');

					// Resource Video: Operation becomes Text to Video, and the Model list holds the video models. (What the
					// Model field holds right after the switch is logged: n8n resets an options value its new list lacks only
					// for properties whose display conditions name the changed parameter and are shown at that moment.)
					await selectOption(page, resource, 'Video');
					await until(
						async () => (await operation.locator('input').inputValue()) === 'Text to Video',
						'Text to Video',
					);
					const modelAfterSwitch = await model.locator('input').inputValue();
					if (modelAfterSwitch !== 'Veo 3.1 Fast') {
						log(
							`after Resource Image -> Video the Model field shows "${modelAfterSwitch}", not the video default Veo 3.1 Fast`,
						);
					}
					await shot(page, '20-model-after-resource-image-to-video');
					await model.click();
					expect(await optionHeadlines(page)).toEqual(modelsFor('textToVideo').map((m) => m.name));
					await shot(page, '21-model-options-text-to-video');
					await selectOption(page, model, 'Veo 3.1 Fast', false);
					await expectVeoFields(page);
					await shot(page, '22-fields-veo-3-1-fast');

					// A new node from the action "Generate a video from text" starts at Veo 3.1 Fast, with its Duration
					await ndv.locator($('ndv-close-button')).click();
					await ndv.waitFor({ state: 'hidden' });
					await page.locator($('canvas-node')).first().waitFor();
					await page.locator($('canvas-handle-plus')).first().click();
					const creator = page.locator($('node-creator'));
					await creator.locator($('node-creator-search-bar')).fill('Max API');
					await creator
						.locator($('item-iterator-item'))
						.filter({
							has: page.locator($('node-creator-item-name'), { hasText: exactly('Max API') }),
						})
						.click();
					await expandActions(page, creator);
					await creator
						.locator($('item-iterator-item'), { hasText: exactly('Generate a video from text') })
						.click();
					await ndv.waitFor();
					await expect(ndv.locator($('node-title-container')).innerText()).resolves.toMatch(
						/Generate a video from text/,
					);
					await expect(resource.locator('input').inputValue()).resolves.toBe('Video');
					await expect(operation.locator('input').inputValue()).resolves.toBe('Text to Video');
					await expect(model.locator('input').inputValue()).resolves.toBe('Veo 3.1 Fast');
					await expectVeoFields(page);
					await shot(page, '23-new-video-node-veo-3-1-fast');
				});
			},
			TEST_TIMEOUT_MS,
		);

		test('the icon URL serves the SVG from the installed package', async () => {
			const res = await context!.request.get(`${n8n!.url}${ICON_PATH}`);
			expect(res.status()).toBe(200);
			expect(res.headers()['content-type']).toMatch(/^image\/svg\+xml/);
			const installed = path.join(
				n8n!.userFolder,
				'.n8n',
				'nodes',
				'node_modules',
				PACKAGE,
				'dist',
				'icons',
				'maxapi.svg',
			);
			expect((await res.body()).equals(fs.readFileSync(installed))).toBe(true);
		});
	},
);
