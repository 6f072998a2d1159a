'use strict';
/**
 * The n8n processes of one instance and their start order. Regular mode: one `n8n start`. Queue mode:
 * the main `n8n start` (editor, REST, public API, test webhooks; it runs the database migrations, so
 * it starts first), then N `n8n worker --concurrency=C` (they run the executions) and one
 * `n8n webhook` (production and waiting webhooks) together. Each has its own task-runner broker port;
 * each is ready when its /healthz/readiness answers. Plain CommonJS, runs on Node 20.
 */
const fs = require('fs');
const { request } = require('../lib/net');
const { sleep } = require('../lib/time');
const { spawnN8n } = require('./process');

/**
 * What each process is: name, n8n arguments, its own variables and its readiness URL.
 *   ports: { main, broker: [main, ...workers, webhook], webhook, health: [...workers] }
 */
function processLayout({ mode, ports, workers = 1, workerConcurrency = 1 }) {
	const main = {
		name: 'main',
		args: ['start'],
		env: { N8N_PORT: String(ports.main), N8N_RUNNERS_BROKER_PORT: String(ports.broker[0]) },
		readyUrl: `http://127.0.0.1:${ports.main}/healthz/readiness`,
	};
	if (mode !== 'queue') return [main];
	// production webhooks are the webhook process's job, as behind a load balancer that routes /webhook/*
	main.env.N8N_DISABLE_PRODUCTION_MAIN_PROCESS = 'true';
	const layout = [main];
	for (let i = 0; i < workers; i++) {
		layout.push({
			name: `worker${i + 1}`,
			args: ['worker', `--concurrency=${workerConcurrency}`],
			env: {
				N8N_RUNNERS_BROKER_PORT: String(ports.broker[1 + i]),
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(ports.health[i]),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			},
			readyUrl: `http://127.0.0.1:${ports.health[i]}/healthz/readiness`,
		});
	}
	layout.push({
		name: 'webhook',
		args: ['webhook'],
		env: {
			N8N_PORT: String(ports.webhook),
			N8N_RUNNERS_BROKER_PORT: String(ports.broker[1 + workers]),
		},
		readyUrl: `http://127.0.0.1:${ports.webhook}/healthz/readiness`,
	});
	return layout;
}

/** Waits for the readiness URL (plain /healthz answers before n8n can serve); ms it took. */
async function waitForReadiness(name, proc, url, timeoutMs) {
	const t0 = Date.now();
	for (;;) {
		if (proc.exited()) {
			await Promise.race([proc.closePromise, sleep(2000)]); // the last output arrives after 'exit'
			throw new Error(
				`n8n ${name === 'main' ? '' : `${name} `}exited during start (${JSON.stringify(proc.exited())})`,
			);
		}
		if (Date.now() - t0 > timeoutMs)
			throw new Error(`n8n ${name === 'main' ? '' : `${name} `}not ready after ${timeoutMs} ms`);
		try {
			const res = await request('GET', url, { timeoutMs: 2000 });
			if (res.status === 200) break;
		} catch {
			// not listening yet
		}
		await sleep(200);
	}
	proc.markReady();
	return Date.now() - t0;
}

/**
 * The processes of the layout, started and stopped together.
 *   env: the environment they share (scripts/n8n/build-env.js); logging: { logs, onLog, logStream };
 *   labelled: prefix each process's lines with its name (queue mode, where several processes log);
 *   pidFile: holds main's pid while it runs (scripts/n8n/user-folder.js: one n8n per user folder).
 */
function n8nProcesses({
	runtime,
	layout,
	env,
	cwd,
	nodeArgs,
	logging,
	labelled,
	readyTimeoutMs,
	pidFile,
}) {
	let running = [];

	const spawnOne = (p) => {
		const proc = spawnN8n({
			runtime,
			args: p.args,
			env: { ...env, ...p.env },
			cwd,
			nodeArgs,
			label: labelled ? `[${p.name}] ` : '',
			...logging,
		});
		if (p.name === 'main' && proc.pid) fs.writeFileSync(pidFile, String(proc.pid));
		return { spec: p, proc };
	};
	const ready = async ({ spec, proc }) => [
		spec.name,
		await waitForReadiness(spec.name, proc, spec.readyUrl, readyTimeoutMs),
	];

	/** Starts them all; resolves to { <name>: ms from spawn to ready }. On failure they are all stopped. */
	async function start() {
		const [mainSpec, ...rest] = layout;
		running = [spawnOne(mainSpec)];
		try {
			const readyMs = Object.fromEntries([await ready(running[0])]);
			const others = rest.map(spawnOne);
			running.push(...others);
			Object.assign(readyMs, Object.fromEntries(await Promise.all(others.map(ready))));
			return readyMs;
		} catch (err) {
			await stop();
			throw err;
		}
	}

	/** Stops them (workers and webhook before main); resolves to main's exit. */
	async function stop() {
		const [main, ...rest] = running;
		await Promise.all(rest.map(({ proc }) => proc.stop()));
		const exit = main ? await main.proc.stop() : null;
		fs.rmSync(pidFile, { force: true });
		return exit;
	}

	/** The first exit among them: main's as it was, another's with its name. */
	function exited() {
		for (const { spec, proc } of running) {
			const ex = proc.exited();
			if (ex) return spec.name === 'main' ? ex : { ...ex, process: spec.name };
		}
		return null;
	}

	return {
		start,
		stop,
		exited,
		killNow: () => running.forEach(({ proc }) => proc.killNow()),
		pids: () => Object.fromEntries(running.map(({ spec, proc }) => [spec.name, proc.pid])),
	};
}

module.exports = { processLayout, n8nProcesses };
