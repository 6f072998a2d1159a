'use strict';
// Builds the one results table (Markdown), with the targets of the issue next to the medians.
const { median, MB } = require('./util');

const LABELS = {
	node: 'Max API node, Wait for Completion (n8n engine, in-process)',
	callbacks: 'Max API node submits with Callback URL → Max API Trigger (end-to-end)',
	reference: '(b) reference: one item at a time, fixed 3 s polls (`bench/reference-strategy.js`)',
	nocode:
		'(a) no-code, real n8n: HTTP Request submit → Wait 1 s → HTTP Request query → IF → loop, + download',
	memory:
		'Max API node in real n8n, 4k 16:9 PNGs (~25 MB, incompressible), Expected Duration = L, filesystem binary mode',
	video:
		'Max API node in real n8n, one Veo 3.1 Fast video (MP4), Expected Duration = L, Download Results, filesystem binary mode',
	package: '`npm pack` of the package',
};

const fmt = {
	s: (ms) => (ms === undefined ? '—' : (ms / 1000).toFixed(2)),
	x: (v, digits = 2) => (v === undefined ? '—' : v.toFixed(digits)),
	mb: (bytes) => (bytes === undefined ? '—' : `${Math.round(bytes / MB)} MB`),
	mb1: (bytes) => (bytes === undefined ? '—' : `${(bytes / MB).toFixed(1)} MB`),
	kb: (bytes) => `${(bytes / 1024).toFixed(1)} KB`,
	pct: (v) => (v === undefined ? '—' : `${Math.round(v * 100)}%`),
};

const verdict = (ok) => (ok ? '**PASS**' : '**FAIL**');

/** The generation latency of a row: its own (the node section runs at two), else the bench's. */
const latencyOf = (row, ctx) => row.L ?? ctx.L;

/** The Approach cell: the section's label, and for the node rows their latency and what the node is told. */
function labelOf(row) {
	if (row.key !== 'node' || row.L === undefined) return LABELS[row.key];
	const usual = row.usualSeconds !== undefined ? `${row.usualSeconds} s` : 'its usual time';
	const told =
		row.expectedSeconds !== undefined
			? `Expected Duration = ${row.expectedSeconds} s`
			: `no Expected Duration: GPT Image 2's usual time in the catalog (${usual})`;
	const why = row.informational
		? ` — informational, no target: a task ${row.usualSeconds ? `${+(row.usualSeconds / (row.L / 1000)).toFixed(1)}× ` : ''}faster than usual, the schedule's worst case`
		: '';
	const extra = row.nodeOptions
		? `; node options ${JSON.stringify(row.nodeOptions)} (diagnosis)`
		: '';
	return `${LABELS.node}; **L = ${row.L / 1000} s**, ${told}${extra}${why}`;
}

/** Medians over the runs of a row (each metric separately), plus the spread of the wall time. */
function summarize(row) {
	const pick = (key) => median(row.runs.map((run) => run[key]));
	const walls = row.runs.map((run) => run.wallMs).filter((v) => v !== undefined);
	return {
		runs: row.runs.length,
		wallMs: pick('wallMs'),
		wallMin: walls.length ? Math.min(...walls) : undefined,
		wallMax: walls.length ? Math.max(...walls) : undefined,
		requestsPerTask: pick('requestsPerTask'),
		downloadsPerTask: pick('downloadsPerTask'),
		delayMeanMs: pick('delayMeanMs'),
		delayMaxMs: pick('delayMaxMs'),
		peakRss: pick('peakRss'),
		rssBefore: pick('rssBefore'),
		submitMs: pick('submitMs'),
		executionMs: pick('executionMs'),
		baseline: pick('baseline'),
		peakMain: pick('peakMain'),
		aboveBaseline: pick('aboveBaseline'),
		largestImage: pick('largestImage'),
		sumImages: pick('sumImages'),
		afterRss: pick('afterRss'),
		controlAbove: pick('controlAbove'),
		extraPeak: pick('extraPeak'),
	};
}

function targetsFor(row, m, ctx) {
	const L = latencyOf(row, ctx);
	const checks = [];
	if (row.key === 'node') {
		// The issue's targets, every row of every latency: wall ≤ 1.2·L + 1 s, mean detection delay
		// ≤ 15% of L, requests per task ≤ 6 for a lone task and ≤ 2.5 for a batch.
		const wallLimit = 1.2 * L + 1000;
		const requestLimit = row.n === 1 ? 6 : 2.5;
		const wallCheck = `wall ≤ 1.2·L + 1 s = ${fmt.s(wallLimit)} s`;
		const requestCheck = `≤ ${requestLimit} req/task`;
		const delayCheck = 'delay ≤ 15% of L';
		if (row.informational) {
			const state = (ok) => (ok ? 'met' : 'missed');
			checks.push(
				`informational (not a target): ${wallCheck} ${state(m.wallMs <= wallLimit)}, ${requestCheck} ${state(m.requestsPerTask <= requestLimit)}, ${delayCheck} ${state(m.delayMeanMs <= 0.15 * L)}`,
			);
		} else {
			checks.push(`${wallCheck}: ${verdict(m.wallMs <= wallLimit)}`);
			checks.push(`${requestCheck}: ${verdict(m.requestsPerTask <= requestLimit)}`);
			checks.push(`${delayCheck}: ${verdict(m.delayMeanMs <= 0.15 * L)}`);
		}
	} else if (row.key === 'callbacks') {
		checks.push(`≤ 2 req/task: ${verdict(m.requestsPerTask <= 2)}`);
	} else if (row.key === 'memory') {
		checks.push(
			`peak above idle ≤ 2× largest image: ${verdict(m.aboveBaseline <= 2 * m.largestImage)}`,
		);
	} else if (row.key === 'video') {
		checks.push(`extra peak < 100 MB: ${verdict(m.extraPeak < 100 * MB)}`);
		const stored = row.runs.filter((run) => run.storedOk).length;
		checks.push(
			`file stored whole (${stored}/${row.runs.length} runs): ${verdict(stored === row.runs.length)}`,
		);
	} else if (row.key === 'package') {
		const run = row.runs[0];
		checks.push(`packed < 100 KB: ${verdict(run.packedBytes < 100 * 1024)}`);
		checks.push(`no runtime dependencies: ${verdict(run.runtimeDeps.length === 0)}`);
	} else {
		checks.push('comparison');
	}
	return checks.join('; ');
}

function cells(row, ctx) {
	const m = summarize(row);
	const L = latencyOf(row, ctx);
	const runsNote =
		row.runs.length < ctx.repeats && !row.extrapolatedFrom && row.key !== 'package'
			? ` (${row.runs.length} of ${ctx.repeats} runs: time budget)`
			: '';
	if (row.key === 'package') {
		const run = row.runs[0];
		return [
			LABELS.package,
			'—',
			'—',
			'—',
			'—',
			'—',
			'—',
			`packed ${fmt.kb(run.packedBytes)} (unpacked ${fmt.kb(run.unpackedBytes)}, ${run.files} files); dependencies: ${run.runtimeDeps.length ? run.runtimeDeps.join(', ') : 'none'} (peer: ${run.peerDeps.join(', ') || 'none'})`,
			targetsFor(row, m, ctx),
		];
	}
	if (row.runs.length === 0)
		return [labelOf(row), String(row.n), 'not run (time budget)', '', '', '', '', '', ''];
	const wall = row.extrapolatedFrom
		? `≈ ${fmt.s(m.wallMs)} (extrapolated ×${row.n / row.extrapolatedFrom} from N=${row.extrapolatedFrom})`
		: `${fmt.s(m.wallMs)}${row.runs.length > 1 ? ` (${fmt.s(m.wallMin)}–${fmt.s(m.wallMax)})` : ''}${row.key === 'callbacks' ? `; submit run ${fmt.s(m.submitMs)}` : ''}`;
	const delay =
		m.delayMeanMs === undefined
			? '—'
			: `${fmt.s(m.delayMeanMs)} s = ${fmt.pct(m.delayMeanMs / L)} of L (max ${fmt.s(m.delayMaxMs)} s)`;
	let rss;
	if (row.key === 'memory') {
		rss = `idle ${fmt.mb(m.baseline)} → peak ${fmt.mb(m.peakMain)}: **+${fmt.mb(m.aboveBaseline)}** = ${fmt.x(m.aboveBaseline / m.largestImage, 1)}× the largest image (${fmt.mb1(m.largestImage)}), ${fmt.x(m.aboveBaseline / m.sumImages)}× the sum (${fmt.mb(m.sumImages)}); after the run and a full GC: ${fmt.mb(m.afterRss)}; same N without Download Images: +${fmt.mb(m.controlAbove)}`;
	} else if (row.key === 'video') {
		rss =
			`idle ${fmt.mb(m.baseline)} → peak ${fmt.mb(m.peakMain)}: +${fmt.mb(m.aboveBaseline)}; same run without Download Results: +${fmt.mb(m.controlAbove)}; ` +
			`**extra ${fmt.mb(m.extraPeak)} = ${fmt.x(m.extraPeak / row.fileBytes, 3)}× the file** (${fmt.mb(row.fileBytes)}); after the run and a full GC: ${fmt.mb(m.afterRss)}; ` +
			`stored in n8n's binary data folder: ${[...new Set(row.runs.map((run) => (run.storedBytes === undefined ? 'no file' : `${run.storedBytes.toLocaleString('en-US')} bytes`)))].join(' / ')} (served: ${row.fileBytes.toLocaleString('en-US')})`;
	} else if (m.peakRss !== undefined) {
		rss = `${fmt.mb(m.peakRss)} (+${fmt.mb(m.peakRss - m.rssBefore)})`;
	} else rss = '—';
	return [
		labelOf(row),
		(row.key === 'video' ? `${row.n} × ${fmt.mb(row.fileBytes)}` : String(row.n)) + runsNote,
		wall,
		fmt.x(m.wallMs / L),
		fmt.x(m.requestsPerTask),
		fmt.x(m.downloadsPerTask),
		delay,
		rss,
		targetsFor(row, m, ctx),
	];
}

const HEADER = [
	'Approach',
	'N',
	'Wall (s), median (min–max)',
	'Wall / L',
	'Requests / task (submit + queries)',
	'Downloads / task',
	'Detection delay, mean over tasks',
	'Peak RSS (above pre-run)',
	'Targets',
];

function table(rows, ctx) {
	const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
	let previous;
	for (const row of rows) {
		const c = cells(row, ctx);
		const label = c[0];
		if (label === previous) c[0] = '〃';
		previous = label;
		lines.push(`| ${c.map((cell) => String(cell).replace(/\|/g, '\\|')).join(' | ')} |`);
	}
	return lines.join('\n');
}

module.exports = { table, summarize, LABELS, labelOf, fmt, verdict };
