'use strict';

const { sleep } = require('../../scripts/lib/time');

function median(values) {
	const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
	if (v.length === 0) return undefined;
	const mid = Math.floor(v.length / 2);
	return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function mean(values) {
	const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x));
	return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

/** The q-quantile (nearest rank) of the numbers, or undefined. */
function quantile(values, q) {
	const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
	return v.length ? v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)] : undefined;
}

const MB = 1024 * 1024;

/** Per-run request and detection figures from the emulator's stats. */
function taskMetrics(stats, n) {
	const tasks = Object.values(stats.byTask);
	const delays = tasks
		.filter((t) => t.completedAt != null && t.firstTerminalQueryAt != null)
		.map((t) => t.firstTerminalQueryAt - t.completedAt);
	return {
		tasks: tasks.length,
		submits: stats.submits,
		queries: stats.queries,
		downloads: stats.downloads,
		requestsPerTask: (stats.submits + stats.queries) / n,
		queriesPerTask: stats.queries / n,
		downloadsPerTask: stats.downloads / n,
		delayMeanMs: mean(delays),
		delayMaxMs: delays.length ? Math.max(...delays) : undefined,
		delayP90Ms: quantile(delays, 0.9),
		undetected: tasks.length - delays.length,
		submitSpreadMs: tasks.length
			? Math.max(...tasks.map((t) => t.createdAt)) - Math.min(...tasks.map((t) => t.createdAt))
			: undefined,
		firstSubmitAt: tasks.length ? Math.min(...tasks.map((t) => t.createdAt)) : undefined,
		lastCompletedAt: tasks.length ? Math.max(...tasks.map((t) => t.completedAt ?? 0)) : undefined,
		lastDetectedAt: tasks.length
			? Math.max(...tasks.map((t) => t.firstTerminalQueryAt ?? 0))
			: undefined,
	};
}

/** Calls global.gc() if node runs with --expose-gc, then lets the event loop settle. */
async function settle(ms = 200) {
	if (typeof global.gc === 'function') global.gc();
	await sleep(ms);
}

/**
 * The repeat loop of a section: `runOnce(n, r)` for every N of `sizes`, ctx.repeats times while the
 * time budget lasts, each run logged with `describe(run)`; returns the section's table rows.
 */
async function repeatRuns(ctx, key, sizes, runOnce, describe) {
	const rows = [];
	for (const n of sizes) {
		const runs = [];
		for (let r = 0; r < ctx.repeats && ctx.timeLeft(); r++) {
			const one = await runOnce(n, r);
			ctx.log(`${key} N=${n} #${r + 1}: ${describe(one)}`);
			runs.push(one);
		}
		rows.push({ key, n, runs });
	}
	return rows;
}

module.exports = { sleep, median, mean, quantile, MB, taskMetrics, settle, repeatRuns };
