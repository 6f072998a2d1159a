'use strict';
// Memory of a real n8n (bench/sections/realn8n.js, started with the inspector) during one measured run
// next to a control run on the same instance, for the "memory" and "video" sections:
// - at rest: after some idle time and a full GC forced through the inspector (without it the garbage
//   of n8n's own start-up is collected DURING the run and hides the peak), the median of 10 samples
//   of the main process's VmRSS;
// - during a run: VmRSS every 20 ms plus the kernel's VmHWM (bench/lib/memory.js).
// The control run (the same work without the part being measured, e.g. without downloads) goes first,
// then the emulator is reset, then the measured run; "after" is the RSS once the measured run is over
// and another full GC has run (what n8n keeps).
const { collectGarbage } = require('./inspector-gc');
const { readStatus, startSampler } = require('./memory');
const { median, sleep } = require('./util');

const IDLE_MS = 3000;

/**
 * RSS of n8n's main process at rest: after `idleMs` without work and a forced full GC (through the
 * inspector), the median of 10 samples over ~1 s.
 */
async function idleRss(instance, idleMs) {
	const pid = instance.n8n.pid;
	await sleep(idleMs);
	await collectGarbage(instance.runtime.nodeBin, instance.inspectPort);
	await sleep(300);
	const samples = [];
	for (let i = 0; i < 10; i++) {
		samples.push(readStatus(pid)?.rss ?? 0);
		await sleep(100);
	}
	return median(samples);
}

/**
 * Runs `control()`, then `between()`, then `measured()` on one real n8n, each from a GC'd idle
 * baseline, and returns their peaks (bytes; `aboveBaseline` and `controlAbove` are above each run's
 * own baseline), the measured run's wall time and what `measured()` resolved to (`result`).
 */
async function peaksAgainstControl(instance, { control, between = async () => {}, measured }) {
	const pid = instance.n8n.pid;
	const controlBaseline = await idleRss(instance, IDLE_MS);
	const controlSampler = startSampler(pid);
	await control();
	const controlPeak = controlSampler.stop().main;
	await between();

	const baseline = await idleRss(instance, IDLE_MS);
	const sampler = startSampler(pid, { group: true });
	const started = Date.now();
	const result = await measured();
	const wallMs = Date.now() - started;
	const peak = sampler.stop();
	const afterRss = await idleRss(instance, 1000);
	return {
		result,
		wallMs,
		controlBaseline,
		controlPeak,
		controlAbove: controlPeak - controlBaseline,
		baseline,
		peakMain: peak.main,
		peakGroup: peak.group,
		aboveBaseline: peak.main - baseline,
		afterRss,
		processes: peak.pids.length,
	};
}

/** The figures of peaksAgainstControl's answer a section reports (everything but the run's result). */
function peakFigures(peaks) {
	const {
		wallMs,
		baseline,
		peakMain,
		peakGroup,
		aboveBaseline,
		afterRss,
		controlAbove,
		processes,
	} = peaks;
	return {
		wallMs,
		baseline,
		peakMain,
		peakGroup,
		aboveBaseline,
		afterRss,
		controlAbove,
		processes,
	};
}

module.exports = { idleRss, peaksAgainstControl, peakFigures, IDLE_MS };
