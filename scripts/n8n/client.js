'use strict';
/**
 * The n8n client of the tooling: REST (the owner's cookie) and public-API (the API key) calls for
 * credentials, workflows, runs and executions of one running n8n. Plain CommonJS, runs on Node 20.
 */
const { spawn } = require('child_process');
const { request, httpError, distinctFreePorts } = require('../lib/net');
const { killGroup } = require('../lib/process');
const { sleep } = require('../lib/time');
const { registerCleanup } = require('./process');
const { toPublicWorkflow } = require('./workflow-json');

const MANUAL_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';

/** /rest caller with the owner's cookie; resolves to the answer's `data` (or the whole JSON). */
function restCaller(url, cookie) {
	return async (method, p, body) => {
		const res = await request(method, `${url}/rest${p}`, {
			headers: { cookie, 'browser-id': 'maxapi-tooling' },
			body,
		});
		if (res.status < 200 || res.status >= 300) throw httpError(`${method} /rest${p}`, res);
		return res.json && Object.prototype.hasOwnProperty.call(res.json, 'data')
			? res.json.data
			: res.json;
	};
}

/** /api/v1 caller with the public-API key. */
function apiCaller(url, apiKey) {
	return async (method, p, body) => {
		const res = await request(method, `${url}/api/v1${p}`, {
			headers: { 'X-N8N-API-KEY': apiKey },
			body,
		});
		if (res.status < 200 || res.status >= 300) throw httpError(`${method} /api/v1${p}`, res);
		return res.json;
	};
}

/** Every page of a public-API list (cursor pagination); `stop(all)` ends it early. */
async function allPages(api, basePath, params, stop = () => false) {
	const all = [];
	let cursor;
	do {
		const q = new URLSearchParams(params);
		if (cursor) q.set('cursor', cursor);
		const page = await api('GET', `${basePath}?${q}`);
		all.push(...(page.data || []));
		cursor = stop(all) ? null : page.nextCursor;
	} while (cursor);
	return all;
}

const isDone = (e) =>
	!!e && (e.finished === true || !!e.stoppedAt) && e.status !== 'running' && e.status !== 'new';

/**
 * @param {object} o
 * @param {string} o.url          http://127.0.0.1:<port> of the n8n that answers REST and the public API
 * @param {string} o.cookie       the owner's n8n-auth cookie (scripts/n8n/owner.js)
 * @param {string} o.apiKey       a public-API key
 * @param {{name:string}|null} o.pkg  the installed community package, if any
 * @param {object} o.cli          what `n8n execute` needs: { runtime, env, userFolder, takenPorts }
 * @param {object} o.profile      what this n8n version needs done otherwise (scripts/n8n/versions.js)
 */
function createClient({ url, cookie, apiKey, pkg, cli, profile }) {
	const rest = restCaller(url, cookie);
	const api = apiCaller(url, apiKey);

	let typesCache = null;
	async function getLoadedTypes(refresh = false) {
		if (typesCache && !refresh) return typesCache;
		const [nodesRes, credsRes] = await Promise.all([
			request('GET', `${url}/types/nodes.json`, { headers: { cookie }, timeoutMs: 60000 }),
			request('GET', `${url}/types/credentials.json`, { headers: { cookie }, timeoutMs: 60000 }),
		]);
		if (nodesRes.status !== 200) throw httpError('GET /types/nodes.json', nodesRes);
		if (credsRes.status !== 200) throw httpError('GET /types/credentials.json', credsRes);
		const nodes = nodesRes.json.map((n) => n.name);
		const credentials = credsRes.json.map((c) => c.name);
		const prefix = pkg ? `${pkg.name}.` : null;
		const packageNodes = prefix ? [...new Set(nodes.filter((n) => n.startsWith(prefix)))] : [];
		const packageCredentials = pkg
			? credsRes.json.filter((c) => JSON.stringify(c).includes(`/${pkg.name}/`)).map((c) => c.name)
			: [];
		typesCache = { nodes, credentials, packageNodes, packageCredentials };
		return typesCache;
	}

	const createCredential = async (type, name, data) =>
		api('POST', '/credentials', { name, type, data });
	// n8n 1.x's public API cannot list or update credentials: its editor's endpoints take the same bodies
	const updateCredential = async (id, { type, name, data }) =>
		(profile.credentialsListAndUpdateOverRest ? rest : api)('PATCH', `/credentials/${id}`, {
			name,
			type,
			data,
		});
	const listCredentials = async () =>
		profile.credentialsListAndUpdateOverRest
			? rest('GET', '/credentials')
			: allPages(api, '/credentials', { limit: '250' });
	const deleteCredential = async (id) => api('DELETE', `/credentials/${id}`);

	const createWorkflow = async (json) => api('POST', '/workflows', toPublicWorkflow(json));
	const updateWorkflow = async (id, json) => api('PUT', `/workflows/${id}`, toPublicWorkflow(json));
	const getWorkflow = async (id) => api('GET', `/workflows/${id}`);
	const listWorkflows = async (query = {}) =>
		allPages(api, '/workflows', { limit: '250', ...query });
	const deleteWorkflow = async (id) => api('DELETE', `/workflows/${id}`);
	const activateWorkflow = async (id) => api('POST', `/workflows/${id}/activate`);
	const deactivateWorkflow = async (id) => api('POST', `/workflows/${id}/deactivate`);

	const getExecution = async (id, { includeData = true } = {}) =>
		api('GET', `/executions/${id}?includeData=${includeData ? 'true' : 'false'}`);
	const getExecutions = async (workflowId, { includeData = false, status, limit = 250 } = {}) => {
		const params = { includeData: String(!!includeData), limit: String(Math.min(limit, 250)) };
		if (workflowId) params.workflowId = workflowId;
		if (status) params.status = status;
		const all = await allPages(api, '/executions', params, (sofar) => sofar.length >= limit);
		return all.sort((a, b) => Number(a.id) - Number(b.id));
	};

	/** Resolves when at least `count` executions of the workflow have finished (any final status). */
	const waitForExecutions = async (
		workflowId,
		count = 1,
		timeoutMs = 30000,
		{ includeData = true } = {},
	) => {
		const deadline = Date.now() + timeoutMs;
		let seen = [];
		for (;;) {
			seen = await getExecutions(workflowId, { includeData: false });
			const done = seen.filter(isDone);
			if (done.length >= count) {
				if (!includeData) return done;
				return Promise.all(done.map((e) => getExecution(e.id, { includeData: true })));
			}
			if (Date.now() > deadline) {
				throw new Error(
					`waitForExecutions(${workflowId}, ${count}): ${done.length} finished after ${timeoutMs} ms ` +
						`(seen: ${JSON.stringify(seen.map((e) => ({ id: e.id, status: e.status, finished: e.finished })))})`,
				);
			}
			await sleep(250);
		}
	};

	const waitForExecution = async (id, timeoutMs = 60000) => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			let ex = null;
			try {
				ex = await getExecution(id, { includeData: true });
			} catch (e) {
				if (e.status !== 404) throw e; // not saved yet
			}
			if (ex && (isDone(ex) || ex.status === 'waiting')) return ex;
			if (Date.now() > deadline)
				throw new Error(`execution ${id} not finished after ${timeoutMs} ms (${ex && ex.status})`);
			await sleep(200);
		}
	};

	/**
	 * Runs a workflow the way the editor's "Execute workflow" button does (POST /rest/workflows/:id/run,
	 * mode "manual"), starting from its Manual Trigger (or opts.triggerName). Resolves to the finished
	 * execution with data (opts.wait=false: to { executionId }).
	 */
	const runWorkflowManually = async (id, { triggerName, wait = true, timeoutMs = 60000 } = {}) => {
		// n8n 1.x runs the workflow sent in the body (as its editor does), 2.x the saved one
		const workflowData = profile.runNeedsWorkflowData
			? await rest('GET', `/workflows/${id}`)
			: null;
		let name = triggerName;
		if (!name) {
			const wf = workflowData || (await getWorkflow(id));
			const trigger = wf.nodes.find((n) => n.type === MANUAL_TRIGGER_TYPE && !n.disabled);
			if (!trigger)
				throw new Error(`workflow ${id} has no enabled Manual Trigger; pass { triggerName }`);
			name = trigger.name;
		}
		const body = { triggerToStartFrom: { name }, ...(workflowData ? { workflowData } : {}) };
		const result = await rest('POST', `/workflows/${id}/run`, body);
		if (!result || !result.executionId) {
			throw new Error(
				`POST /rest/workflows/${id}/run started no execution: ${JSON.stringify(result)}`,
			);
		}
		if (!wait) return result;
		return waitForExecution(result.executionId, timeoutMs);
	};

	/**
	 * The other way to run a workflow: the n8n CLI (`n8n execute --id`) as a separate process on the same
	 * database. Slower (~5-6 s: it boots n8n) and not an editor-like "manual" run; kept for comparison.
	 */
	const runWorkflowWithCli = async (id, { timeoutMs = 120000 } = {}) => {
		// a CLI next to a running n8n needs a task-runner broker port of its own
		const [cliBroker] = await distinctFreePorts(1, cli.takenPorts);
		const cliEnv = {
			...cli.env,
			N8N_RUNNERS_BROKER_PORT: String(cliBroker),
			N8N_LOG_FORMAT: 'json',
		};
		return new Promise((resolve, reject) => {
			const child = spawn(cli.runtime.nodeBin, [cli.runtime.n8nBin, 'execute', `--id=${id}`], {
				cwd: cli.userFolder,
				env: cliEnv,
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			const unregister = registerCleanup({
				killNow: () => killGroup(child.pid, 'SIGKILL'),
				stop: async () => killGroup(child.pid, 'SIGTERM'),
			});
			let out = '';
			child.stdout.on('data', (c) => (out += c));
			child.stderr.on('data', (c) => (out += c));
			const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), timeoutMs);
			child.on('exit', (code, signal) => {
				clearTimeout(timer);
				unregister();
				killGroup(child.pid, 'SIGKILL');
				// 2.x prints the run through its logger: with N8N_LOG_FORMAT=json one line's message is the run JSON
				let run = null;
				for (const line of out.split('\n')) {
					try {
						const msg = JSON.parse(line).message;
						if (typeof msg === 'string' && msg.startsWith('{')) run = JSON.parse(msg);
					} catch {
						// not JSON
					}
				}
				if (run) return resolve({ code, signal, run: run.data || run, output: out });
				reject(
					new Error(
						`n8n execute --id=${id} gave no run (exit ${code} ${signal || ''}):\n${out.slice(-3000)}`,
					),
				);
			});
		});
	};

	/**
	 * Tests credential data through n8n's own credential test (POST /rest/credentials/test), i.e. the
	 * "Test" of the credential dialog, using the credential type's `test` request.
	 * With an `id` of a stored credential, `data` overrides its stored data (as the dialog does).
	 * Resolves to { status: 'OK' | 'Error', message }.
	 */
	const testCredential = async (type, data, { id = '', name = 'credential test' } = {}) => {
		if (type && typeof type === 'object')
			({ type, data, id = '', name = 'credential test' } = type);
		return rest('POST', '/credentials/test', { credentials: { id, name, type, data } });
	};

	return {
		rest,
		api,
		getLoadedTypes,
		createCredential,
		updateCredential,
		listCredentials,
		deleteCredential,
		createWorkflow,
		updateWorkflow,
		getWorkflow,
		listWorkflows,
		deleteWorkflow,
		activateWorkflow,
		deactivateWorkflow,
		runWorkflowManually,
		runWorkflowWithCli,
		getExecution,
		getExecutions,
		waitForExecution,
		waitForExecutions,
		testCredential,
	};
}

module.exports = { createClient, restCaller };
