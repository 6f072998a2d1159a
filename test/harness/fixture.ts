/**
 * Throwaway compiled community package used to validate the harness (engine.test.ts, webhooks.test.ts; set up by fixture-testbed.ts).
 * Written from strings into a temp dir; its only dependency, n8n-workflow, is linked to this repo's
 * copy so that the fixture and n8n-core share one n8n-workflow (as in a real n8n install).
 * Longer than 400 lines because it is that package's source (two credentials, a node, two triggers).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CREDENTIAL_JS = (defaultBaseUrl: string) => `
'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
class FixtureApi {
	constructor() {
		this.name = 'fixtureApi';
		this.displayName = 'Fixture API';
		this.icon = 'file:fixture.svg';
		this.properties = [
			{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: ${JSON.stringify(defaultBaseUrl)} },
			{ displayName: 'API Version', name: 'apiVersion', type: 'string', default: 'v1' },
		];
		this.authenticate = {
			type: 'generic',
			properties: {
				headers: {
					Authorization: '={{"Bearer " + $credentials.apiKey}}',
					'X-Api-Version': '={{$credentials.apiVersion}}',
				},
			},
		};
		this.test = {
			request: { baseURL: '={{$credentials.baseUrl}}', url: '/me' },
			rules: [{ type: 'responseCode', properties: { value: 403, message: 'Key is not allowed' } }],
		};
	}
}
exports.FixtureApi = FixtureApi;
`;

const FN_CREDENTIAL_JS = (defaultBaseUrl: string) => `
'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
class FixtureFnApi {
	constructor() {
		this.name = 'fixtureFnApi';
		this.displayName = 'Fixture Function API';
		this.icon = 'file:fixture.svg';
		this.properties = [
			{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: ${JSON.stringify(defaultBaseUrl)} },
		];
	}
	async authenticate(credentials, requestOptions) {
		return { ...requestOptions, qs: { ...(requestOptions.qs || {}), token: credentials.token } };
	}
}
exports.FixtureFnApi = FixtureFnApi;
`;

const NODE_JS = `
'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { NodeApiError, NodeOperationError, NodeConnectionTypes, sleep } = require('n8n-workflow');

function events() {
	globalThis.__fixtureEvents = globalThis.__fixtureEvents || [];
	return globalThis.__fixtureEvents;
}

class Fixture {
	constructor() {
		this.description = {
			displayName: 'Fixture',
			name: 'fixture',
			icon: 'file:fixture.svg',
			group: ['transform'],
			version: 1,
			description: 'Harness fixture node',
			defaults: { name: 'Fixture' },
			usableAsTool: true,
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [
				{ name: 'fixtureApi', required: true, displayOptions: { show: { authentication: ['fixtureApi'] } } },
				{
					name: 'fixtureFnApi',
					required: true,
					testedBy: 'fixtureFnApiTest',
					displayOptions: { show: { authentication: ['fixtureFnApi'] } },
				},
			],
			properties: [
				{
					displayName: 'Authentication',
					name: 'authentication',
					type: 'options',
					options: [
						{ name: 'Generic', value: 'fixtureApi' },
						{ name: 'Function', value: 'fixtureFnApi' },
					],
					default: 'fixtureApi',
				},
				{
					displayName: 'Operation',
					name: 'operation',
					type: 'options',
					noDataExpression: true,
					options: [
						{ name: 'Echo', value: 'echo' },
						{ name: 'Binary', value: 'binary' },
						{ name: 'Sleep', value: 'sleep' },
						{ name: 'Fail', value: 'fail' },
						{ name: 'Slow Request', value: 'slowRequest' },
						{ name: 'Wait', value: 'wait' },
						{ name: 'Operation Error', value: 'opError' },
					],
					default: 'echo',
				},
				{ displayName: 'Sleep (ms)', name: 'sleepMs', type: 'number', default: 10000 },
				{ displayName: 'Fail Status', name: 'failStatus', type: 'number', default: 500 },
			],
		};
		this.methods = {
			credentialTest: {
				async fixtureFnApiTest(credential) {
					try {
						await this.helpers.request({
							uri: credential.data.baseUrl + '/me',
							qs: { token: credential.data.token },
							json: true,
						});
						return { status: 'OK', message: 'Token accepted' };
					} catch (error) {
						return { status: 'Error', message: 'Token rejected: ' + error.message };
					}
				},
			},
		};
	}

	async execute() {
		const items = this.getInputData();
		const out = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const operation = this.getNodeParameter('operation', i);
				const authentication = this.getNodeParameter('authentication', i);
				const credentials = await this.getCredentials(authentication);
				const baseUrl = credentials.baseUrl;
				if (operation === 'echo') {
					const response = await this.helpers.httpRequestWithAuthentication.call(this, authentication, {
						method: 'POST',
						url: baseUrl + '/echo',
						body: items[i].json,
						json: true,
					});
					out.push({ json: response, pairedItem: { item: i } });
				} else if (operation === 'binary') {
					const response = await this.helpers.httpRequestWithAuthentication.call(this, authentication, {
						method: 'GET',
						url: baseUrl + '/image',
						encoding: 'arraybuffer',
						returnFullResponse: true,
					});
					const bytes = Buffer.from(response.body);
					const binary = await this.helpers.prepareBinaryData(bytes, 'image.png', response.headers['content-type']);
					out.push({ json: { size: bytes.length }, binary: { data: binary }, pairedItem: { item: i } });
				} else if (operation === 'sleep') {
					const signal = this.getExecutionCancelSignal();
					const started = Date.now();
					events().push({ type: 'sleep-start', at: started });
					try {
						await sleep(this.getNodeParameter('sleepMs', i), signal);
					} catch (error) {
						events().push({ type: 'sleep-aborted', afterMs: Date.now() - started });
						throw new NodeOperationError(this.getNode(), 'Execution was cancelled while waiting', { itemIndex: i });
					}
					out.push({ json: { slept: true }, pairedItem: { item: i } });
				} else if (operation === 'wait') {
					const resumeUrl = this.getSignedResumeUrl();
					await this.putExecutionToWait(new Date(Date.now() + 60000));
					out.push({ json: { resumeUrl }, pairedItem: { item: i } });
				} else if (operation === 'slowRequest') {
					const started = Date.now();
					events().push({ type: 'slow-start', at: started });
					try {
						// httpRequestWithAuthentication passes the execution's cancel signal to the request
						await this.helpers.httpRequestWithAuthentication.call(this, authentication, {
							method: 'GET',
							url: baseUrl + '/slow',
							json: true,
						});
					} finally {
						events().push({ type: 'slow-end', afterMs: Date.now() - started });
					}
					out.push({ json: { unexpected: true }, pairedItem: { item: i } });
				} else if (operation === 'fail') {
					await this.helpers.httpRequestWithAuthentication.call(this, authentication, {
						method: 'GET',
						url: baseUrl + '/fail',
						qs: { status: this.getNodeParameter('failStatus', i) },
						json: true,
					});
					out.push({ json: { unexpected: true }, pairedItem: { item: i } });
				} else {
					throw new NodeOperationError(this.getNode(), 'Bad input for item ' + i, {
						itemIndex: i,
						description: 'The fixture always rejects this operation',
					});
				}
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: error.message }, pairedItem: { item: i } });
					continue;
				}
				if (error instanceof NodeApiError || error instanceof NodeOperationError) throw error;
				throw new NodeApiError(this.getNode(), error, { itemIndex: i });
			}
		}
		return [out];
	}
}
exports.Fixture = Fixture;
`;

const TRIGGER_JS = `
'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const { NodeConnectionTypes, NodeOperationError } = require('n8n-workflow');

function events() {
	globalThis.__fixtureEvents = globalThis.__fixtureEvents || [];
	return globalThis.__fixtureEvents;
}

class FixtureTrigger {
	constructor() {
		this.description = {
			displayName: 'Fixture Trigger',
			name: 'fixtureTrigger',
			icon: 'file:fixture.svg',
			group: ['trigger'],
			version: 1,
			description: 'Harness fixture webhook trigger',
			defaults: { name: 'Fixture Trigger' },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			webhooks: [
				{
					name: 'default',
					httpMethod: 'POST',
					responseMode: '={{$parameter["responseMode"]}}',
					responseData: '={{$parameter["responseData"]}}',
					path: 'fixture',
				},
			],
			properties: [
				{ displayName: 'Secret', name: 'secret', type: 'string', default: '' },
				{
					displayName: 'Behaviour',
					name: 'behaviour',
					type: 'options',
					options: [
						{ name: 'Start Workflow', value: 'start' },
						{ name: 'Answer Without Starting', value: 'ignore' },
						{ name: 'Throw', value: 'throw' },
					],
					default: 'start',
				},
				{
					displayName: 'Response Mode',
					name: 'responseMode',
					type: 'options',
					options: [
						{ name: 'On Received', value: 'onReceived' },
						{ name: 'Last Node', value: 'lastNode' },
					],
					default: 'onReceived',
				},
				{ displayName: 'Response Data', name: 'responseData', type: 'string', default: '' },
			],
		};
		this.webhookMethods = {
			default: {
				async checkExists() {
					events().push({ type: 'checkExists', url: this.getNodeWebhookUrl('default') });
					return false;
				},
				async create() {
					events().push({ type: 'create' });
					return true;
				},
				async delete() {
					events().push({ type: 'delete' });
					return true;
				},
			},
		};
	}

	async webhook() {
		const headers = this.getHeaderData();
		const secret = this.getNodeParameter('secret');
		if (secret && headers['x-fixture-secret'] !== secret) {
			this.getResponseObject().status(401).json({ error: 'bad secret' });
			return { noWebhookResponse: true };
		}
		const behaviour = this.getNodeParameter('behaviour');
		if (behaviour === 'throw') throw new NodeOperationError(this.getNode(), 'Trigger refused the call');
		if (behaviour === 'ignore') return { webhookResponse: { ignored: true } };
		const req = this.getRequestObject();
		return {
			workflowData: [
				[
					{
						json: {
							body: this.getBodyData(),
							query: this.getQueryData(),
							rawBody: req.rawBody ? req.rawBody.toString('utf8') : null,
							contentType: headers['content-type'],
							webhookUrl: this.getNodeWebhookUrl('default'),
						},
					},
				],
			],
		};
	}
}
exports.FixtureTrigger = FixtureTrigger;

class FixtureBareTrigger {
	constructor() {
		this.description = {
			displayName: 'Fixture Bare Trigger',
			name: 'fixtureBareTrigger',
			icon: 'file:fixture.svg',
			group: ['trigger'],
			version: 1,
			description: 'Webhook description without responseData',
			defaults: { name: 'Fixture Bare Trigger' },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'bare' }],
			properties: [],
		};
	}
	async webhook() {
		return { workflowData: [[{ json: { body: this.getBodyData() } }]] };
	}
}
exports.FixtureBareTrigger = FixtureBareTrigger;
`;

const ICON_SVG =
	'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';

/**
 * Writes the fixture package to a new temp dir and returns its path. `baseUrl` becomes the default
 * of the credentials' `baseUrl` field (so tests can prove that defaults are applied).
 */
export function writeFixturePackage(baseUrl: string): string {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-fixture-'));
	const dir = path.join(root, 'n8n-nodes-fixture');
	const write = (rel: string, content: string) => {
		const file = path.join(dir, rel);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(file, content);
	};
	write(
		'package.json',
		JSON.stringify(
			{
				name: 'n8n-nodes-fixture',
				version: '0.0.1',
				license: 'MIT',
				n8n: {
					n8nNodesApiVersion: 1,
					strict: true,
					credentials: [
						'dist/credentials/FixtureApi.credentials.js',
						'dist/credentials/FixtureFnApi.credentials.js',
					],
					nodes: [
						'dist/nodes/Fixture/Fixture.node.js',
						'dist/nodes/FixtureTrigger/FixtureTrigger.node.js',
						'dist/nodes/FixtureTrigger/FixtureBareTrigger.node.js',
					],
				},
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
	);
	write('dist/credentials/FixtureApi.credentials.js', CREDENTIAL_JS(baseUrl));
	write('dist/credentials/FixtureFnApi.credentials.js', FN_CREDENTIAL_JS(baseUrl));
	write('dist/credentials/fixture.svg', ICON_SVG);
	write('dist/nodes/Fixture/Fixture.node.js', NODE_JS);
	write('dist/nodes/Fixture/fixture.svg', ICON_SVG);
	write('dist/nodes/FixtureTrigger/FixtureTrigger.node.js', TRIGGER_JS);
	// n8n derives the class name from the file name: a second file re-exports the bare trigger
	write(
		'dist/nodes/FixtureTrigger/FixtureBareTrigger.node.js',
		"'use strict';\nexports.FixtureBareTrigger = require('./FixtureTrigger.node.js').FixtureBareTrigger;\n",
	);
	write('dist/nodes/FixtureTrigger/fixture.svg', ICON_SVG);

	// The package's peer dependency, shared with n8n-core (like inside an n8n install)
	const n8nWorkflowDir = path.dirname(require.resolve('n8n-workflow/package.json'));
	fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
	fs.symlinkSync(n8nWorkflowDir, path.join(dir, 'node_modules', 'n8n-workflow'), 'dir');
	return dir;
}

export function removeFixturePackage(dir: string): void {
	fs.rmSync(path.dirname(dir), { recursive: true, force: true });
}
