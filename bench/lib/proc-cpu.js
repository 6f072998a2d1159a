'use strict';
// CPU time of whole processes (every thread: n8n's main JS thread, libuv's pool, V8's GC helpers) from
// /proc/<pid>/stat on Linux, to tell what a stretch of a run cost each process. bench/sections/node.js
// reads /proc/<pid>/schedstat instead: that is the main thread alone, with its wait for a CPU.
const fs = require('fs');

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on Linux (USER_HZ), whatever the kernel's HZ. */
const TICKS_PER_SECOND = 100;

/** User + system CPU time (ms) of the process so far, or undefined (not Linux, or the process is gone). */
function processCpuMs(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the command name (which may hold spaces, inside parentheses): utime and stime are
		// the 14th and 15th fields of the line, the 12th and 13th after ") ".
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
	} catch {
		return undefined;
	}
}

/** CPU ms of each named process so far: { [name]: ms }. */
const cpuOf = (pids) =>
	Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid)]));

/** What each process used between two cpuOf() readings: { [name]: ms }. */
const cpuDelta = (before, after) =>
	Object.fromEntries(
		Object.keys(after)
			.filter((name) => before[name] !== undefined && after[name] !== undefined)
			.map((name) => [name, after[name] - before[name]]),
	);

module.exports = { processCpuMs, cpuOf, cpuDelta };
