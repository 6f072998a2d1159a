'use strict';
/**
 * Progress and estimates of a long install step (scripts/n8n-install.js): a line every few seconds with
 * the time spent, npm's progress read from its `http fetch` log lines, and the time left; what npm
 * will fetch for a lockfile; how long each step took on this machine (timings.json in the runtime dir).
 */
const path = require('path');
const { readJson, writeJson } = require('./json-file');

/** An estimate: 75 s, 2.5 min, 1 h 5 min */
function humanDuration(ms) {
	const sec = Math.max(0, Math.round(ms / 1000));
	if (sec < 90) return `${sec} s`;
	const min = sec / 60;
	if (min < 10) return `${(Math.round(min * 2) / 2).toString()} min`;
	if (min < 60) return `${Math.round(min)} min`;
	return `${Math.floor(min / 60)} h ${Math.round(min % 60)} min`;
}

function readTimings(runtimeDir) {
	return readJson(path.join(runtimeDir, 'timings.json')) || {};
}

function recordTiming(runtimeDir, step, ms) {
	const timings = readTimings(runtimeDir);
	timings[step] = { ms, at: new Date().toISOString() };
	try {
		writeJson(path.join(runtimeDir, 'timings.json'), timings);
	} catch {
		// only an estimate is lost
	}
}

/** Time spent: 45 s, 2 min 05 s */
function clock(ms) {
	const sec = Math.max(0, Math.round(ms / 1000));
	return sec < 60
		? `${sec} s`
		: `${Math.floor(sec / 60)} min ${String(sec % 60).padStart(2, '0')} s`;
}

function progressEveryMs() {
	return Number(process.env.MAXAPI_INSTALL_PROGRESS_MS) || (process.stdout.isTTY ? 10000 : 30000);
}

// npm's pace over the last 3 minutes sets the estimate of the time left: shorter windows swing with
// the few slow requests or large packages of a moment, the pace since the start misses a slow end.
const WINDOW_MS = 180000;

/**
 * Prints a line every few seconds while a long step runs: its name, time spent, npm's progress when
 * known (feed it npm's `http fetch` log lines) and an estimate of the time left.
 *   total: packages npm will fetch (from the lockfile); metadata: whether npm fetches each package's
 *   metadata too (a lockfile without "resolved" URLs); expectedMs: the last measured duration; log: prints a line.
 */
function progressReporter({
	label,
	expectedMs,
	measured,
	total = 0,
	names = 0,
	metadata = false,
	log,
}) {
	const t0 = Date.now();
	// distinct URLs: npm logs a fetch for each copy of a package, cache hits included
	const metaUrls = new Set();
	const tarballUrls = new Set();
	const units = metadata ? names + total : total;
	const done = () =>
		Math.min(
			units,
			(metadata ? Math.min(metaUrls.size, names) : 0) + Math.min(tarballUrls.size, total),
		);
	const samples = []; // [time, units done] over the last WINDOW_MS
	const status = () => {
		const now = Date.now();
		const elapsed = now - t0;
		const d = done();
		samples.push([now, d]);
		while (samples.length > 1 && now - samples[0][0] > WINDOW_MS) samples.shift();
		const parts = [`${label}: ${clock(elapsed)}`];
		if (total) {
			const tarballs = `downloads ${Math.min(tarballUrls.size, total)}/${total}`;
			const counts = metadata
				? `metadata ${Math.min(metaUrls.size, names)}/${names}, ${tarballs}`
				: tarballs;
			parts.push(`npm: ${counts} (${Math.floor((100 * d) / units)}%)`);
		}
		const f = units ? d / units : 0;
		const paceSince = (ms) => {
			const [tThen, dThen] = samples.find(([t]) => now - t <= ms) || samples[0];
			return now - tThen >= 20000 ? (d - dThen) / (now - tThen) : d / elapsed;
		};
		// the last packages are often the largest: near the end, the last minute's pace counts if slower
		const rate =
			f >= 0.85 ? Math.min(paceSince(WINDOW_MS), paceSince(60000)) : paceSince(WINDOW_MS);
		const paced = f >= 0.1 && elapsed >= 30000;
		let left;
		if (f >= 1) left = 'unpacking and linking the last packages';
		else if (paced && rate > 0)
			left = `about ${humanDuration((units - d) / rate)} left at npm's recent pace`;
		else if (paced) left = `npm fetched nothing in the last ${humanDuration(now - samples[0][0])}`;
		else if (elapsed < expectedMs)
			left = `about ${humanDuration(expectedMs - elapsed)} left (${measured})`;
		else left = `taking longer than expected (${measured})`;
		parts.push(left);
		return parts.join('; ');
	};
	const timer = setInterval(() => log(status()), progressEveryMs());
	timer.unref();
	return {
		onLine(line) {
			const m = /^npm http fetch \S+ \d+ (\S+)/.exec(line);
			if (!m) return;
			if (/\.tgz(\?|$)/.test(m[1])) tarballUrls.add(m[1]);
			else metaUrls.add(m[1]);
		},
		stop() {
			clearInterval(timer);
			return Date.now() - t0;
		},
	};
}

/** The estimate for a step: this machine's last measurement, else the built-in figure. */
function expectation(runtimeDir, step, usualMs) {
	const t = readTimings(runtimeDir)[step];
	if (t && t.ms > 0)
		return { expectedMs: t.ms, measured: `last install here: ${humanDuration(t.ms)}` };
	return { expectedMs: usualMs, measured: `usual: ${humanDuration(usualMs)}` };
}

/** glibc or musl, as npm's lockfile "libc" field names them (null off Linux). */
function currentLibc() {
	if (process.platform !== 'linux') return null;
	try {
		return process.report.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl';
	} catch {
		return 'glibc';
	}
}

/**
 * What npm will fetch for this lockfile on this platform: one tarball per distinct name@version
 * (total), and, for a lockfile without "resolved" URLs, each package's metadata first (names).
 */
function lockfileWork(lockFile) {
	const lock = readJson(lockFile);
	if (!lock || !lock.packages) return { total: 0, names: 0, metadata: false };
	const fits = (list, value) =>
		!Array.isArray(list) ||
		value === null ||
		list.some((v) => (v.startsWith('!') ? v.slice(1) !== value : v === value));
	const libc = currentLibc();
	const versions = new Set();
	const names = new Set();
	let unresolved = 0;
	for (const [key, entry] of Object.entries(lock.packages)) {
		if (!key || entry.link || entry.inBundle) continue;
		if (
			!fits(entry.os, process.platform) ||
			!fits(entry.cpu, process.arch) ||
			!fits(entry.libc, libc)
		)
			continue;
		const name = entry.name || key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
		versions.add(`${name}@${entry.version}`);
		names.add(name);
		if (!entry.resolved) unresolved++;
	}
	return { total: versions.size, names: names.size, metadata: unresolved > versions.size / 2 };
}

module.exports = {
	clock,
	expectation,
	humanDuration,
	lockfileWork,
	progressEveryMs,
	progressReporter,
	recordTiming,
};
