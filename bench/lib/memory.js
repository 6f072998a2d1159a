'use strict';
// Resident memory of this process or of another process group, from Linux's /proc:
// - VmRSS sampled every 20 ms (the brief's method), and
// - VmHWM ("high water mark", the kernel's exact peak RSS), reset before a run by writing 5 to
//   /proc/<pid>/clear_refs, so short spikes between two samples are not missed.
// The reported peak is the larger of the two.
const fs = require('fs');

const SAMPLE_MS = 20;

/** { rss, hwm } in bytes, or null when the process is gone. */
function readStatus(pid) {
	let text;
	try {
		text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	} catch {
		return null;
	}
	const kb = (field) => {
		const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
		return match ? Number(match[1]) * 1024 : 0;
	};
	return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Resets the kernel's peak-RSS counter of a process (Linux >= 4.0); false when not possible. */
function resetPeak(pid) {
	try {
		fs.writeFileSync(`/proc/${pid === process.pid ? 'self' : pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

/** Pids whose process group is `pgid` (n8n runs as a group leader with its task runner inside). */
function groupPids(pgid) {
	const pids = [];
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) === pgid) pids.push(Number(name)); // fields: state ppid pgrp ...
		} catch {
			// gone
		}
	}
	return pids;
}

/**
 * Samples the RSS of `mainPid` (and, with `group`, of every process of its process group) every 20 ms
 * until stop(). Returns peaks in bytes: `main` (mainPid alone) and `group` (sum over the group).
 */
function startSampler(mainPid, { group = false } = {}) {
	let pids = group ? groupPids(mainPid) : [mainPid];
	if (!pids.includes(mainPid)) pids.push(mainPid);
	for (const pid of pids) resetPeak(pid);
	let maxMain = 0;
	let maxGroup = 0;
	let samples = 0;
	let lastScan = Date.now();
	const sample = () => {
		if (group && Date.now() - lastScan > 500) {
			lastScan = Date.now();
			for (const pid of groupPids(mainPid))
				if (!pids.includes(pid)) (pids.push(pid), resetPeak(pid));
		}
		let total = 0;
		for (const pid of pids) {
			const rss = pid === process.pid ? process.memoryUsage.rss() : (readStatus(pid)?.rss ?? 0);
			total += rss;
			if (pid === mainPid) maxMain = Math.max(maxMain, rss);
		}
		maxGroup = Math.max(maxGroup, total);
		samples++;
	};
	sample();
	const timer = setInterval(sample, SAMPLE_MS);
	return {
		stop() {
			clearInterval(timer);
			sample();
			// The kernel's peaks catch what fell between samples (per process; the group sum can only be sampled).
			// For the group only the sum of samples exists; the main process's missed spike is added to it.
			const hwm = readStatus(mainPid)?.hwm ?? 0;
			return {
				main: Math.max(maxMain, hwm),
				group: maxGroup + Math.max(0, hwm - maxMain),
				samples,
				pids: pids.slice(),
			};
		},
	};
}

/** RSS now: of one pid, or summed over its process group. */
function currentRss(pid, { group = false } = {}) {
	if (!group) return pid === process.pid ? process.memoryUsage.rss() : (readStatus(pid)?.rss ?? 0);
	return groupPids(pid).reduce((sum, p) => sum + (readStatus(p)?.rss ?? 0), 0);
}

module.exports = { readStatus, resetPeak, groupPids, startSampler, currentRss, SAMPLE_MS };
