'use strict';
// Section "video": a real n8n (filesystem binary mode) runs Manual Trigger -> Max API (Video, Text to
// Video, Veo 3.1 Fast, 16:9, 8 s, Wait for Completion, Expected Duration = L, Download Results) against an emulator whose
// video result is one MP4 of the given size (its `videoBytes` option: the real 1 s MP4 followed by a
// `free` box of zeros, streamed in 64 KiB pieces as n8n reads). One emulator per file size.
//
// Every measured run gets a FRESH n8n, warmed up with one small image (download included, so that
// n8n's binary data store has written a file), then bench/lib/n8n-memory.js's protocol: the same
// workflow with Download Results off as the control run, then the measured run, each from a GC'd idle
// baseline. The figure is the EXTRA peak: the measured run's peak above its baseline minus the
// control run's: what downloading the file costs n8n's main process. Target (bench/lib/report.js):
// < 100 MB whatever the file size (the file is streamed to disk, never held).
//
// The stored file is checked where n8n put it: the execution's binary metadata (`bytes`) and the file
// itself in n8n's binary data folder (its size, and its top-level MP4 boxes read from disk up to the
// last byte, so a file cut short or padded would show).
const fs = require('fs');
const path = require('path');

const { startEmulatorProcess } = require('../lib/emulator-process');
const { peakFigures, peaksAgainstControl } = require('../lib/n8n-memory');
const { repeatRuns, taskMetrics, MB } = require('../lib/util');
const { startRealN8n, emulatorCredential, node, main } = require('./realn8n');

function videoWorkflow(credentialId, { download, expectedSeconds }) {
	return {
		name: `bench video${download ? '' : ' no download'}`,
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, {}),
			node(
				'Max API',
				'n8n-nodes-maxapi.maxApi',
				1,
				{
					resource: 'video',
					operation: 'textToVideo',
					model: 'veo3_fast',
					prompt: `bench video${download ? '' : ' control'}`,
					ratio: '16:9',
					duration: 8,
					// The emulated task takes L: the node is told so (Expected Duration), else it would wait for
					// Veo's usual 60 s before its second query, and both runs would mostly measure n8n idling.
					options: {
						expectedDuration: expectedSeconds,
						...(download ? {} : { downloadImages: false }),
					},
				},
				{ credentials: { maxApi: { id: credentialId, name: 'Max API (bench)' } } },
			),
		],
		connections: { Start: main('Max API') },
		settings: { executionOrder: 'v1' },
	};
}

/** Warm-up: one 1k image, downloaded, finished at once. */
function warmWorkflow(credentialId) {
	return {
		name: 'bench video warm-up',
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, {}),
			node(
				'Max API',
				'n8n-nodes-maxapi.maxApi',
				1,
				{
					resource: 'image',
					operation: 'textToImage',
					prompt: 'warm-up #latency:0',
					ratio: '1:1',
					resolution: '1k',
					n: 1,
					options: {},
				},
				{ credentials: { maxApi: { id: credentialId, name: 'Max API (bench)' } } },
			),
		],
		connections: { Start: main('Max API') },
		settings: { executionOrder: 'v1' },
	};
}

async function execute(n8n, workflowId, timeoutMs, { download }) {
	const execution = await n8n.runWorkflowManually(workflowId, { timeoutMs });
	if (execution.status !== 'success') {
		throw new Error(
			`video run ended ${execution.status}: ${JSON.stringify(execution.data?.resultData?.error ?? {}).slice(0, 500)}`,
		);
	}
	const items = execution.data.resultData.runData['Max API'][0].data.main[0];
	const item = items.length === 1 ? items[0] : undefined;
	if (item?.json.status !== 'SUCCESS' || (download && !item.binary?.data)) {
		throw new Error(
			`video run: expected one SUCCESS item${download ? ' with binary data' : ''}, got ${JSON.stringify(items.map((i) => ({ json: i.json, binary: Object.keys(i.binary ?? {}) }))).slice(0, 500)}`,
		);
	}
	return { executionId: execution.id, item };
}

/** The file of binary data id "<mode>:<fileId>" under n8n's user folder (filesystem mode), or undefined. */
function findStoredFile(userFolder, binaryId) {
	const fileId = String(binaryId ?? '').split(':')[1];
	if (!fileId) return undefined;
	const root = path.join(userFolder, '.n8n');
	// Default storage path first (N8N_BINARY_DATA_STORAGE_PATH unset), then anywhere under .n8n but the installed nodes.
	for (const dir of ['binaryData', 'storage']) {
		const candidate = path.join(root, dir, fileId);
		if (fs.existsSync(candidate)) return candidate;
	}
	const walk = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory() && !(dir === root && entry.name === 'nodes')) {
				const found = walk(full);
				if (found) return found;
			} else if (entry.isFile() && full.endsWith(path.sep + fileId)) return full;
		}
		return undefined;
	};
	return walk(root);
}

/**
 * The top-level boxes of an MP4 file on disk, read header by header (never the whole file):
 * [{ type, size }], and whether they end exactly at the file's end.
 */
function mp4BoxesOnDisk(file) {
	const fd = fs.openSync(file, 'r');
	try {
		const total = fs.fstatSync(fd).size;
		const header = Buffer.alloc(16);
		const boxes = [];
		let offset = 0;
		while (offset + 8 <= total && boxes.length < 100) {
			fs.readSync(fd, header, 0, 16, offset);
			let size = header.readUInt32BE(0);
			const type = header.toString('latin1', 4, 8);
			if (size === 1) size = Number(header.readBigUInt64BE(8));
			else if (size === 0) size = total - offset;
			if (size < 8) break;
			boxes.push({ type, size });
			offset += size;
		}
		return { boxes, endsAtEof: offset === total, total };
	} finally {
		fs.closeSync(fd);
	}
}

async function runOnce(ctx, { emu, videoBytes }) {
	const instance = await startRealN8n(ctx, { inspector: true });
	try {
		const { n8n } = instance;
		const credentialId = await emulatorCredential(n8n, emu);
		const warm = await n8n.createWorkflow(warmWorkflow(credentialId));
		const expectedSeconds = ctx.L / 1000;
		const control = await n8n.createWorkflow(
			videoWorkflow(credentialId, { download: false, expectedSeconds }),
		);
		const measured = await n8n.createWorkflow(
			videoWorkflow(credentialId, { download: true, expectedSeconds }),
		);
		// Time for the task (L) and the download (the emulator serves ~0.5 GB/s on loopback; slow disks are slower).
		const timeoutMs = 20 * ctx.L + 120_000 + Math.ceil(videoBytes / MB) * 1000;
		await execute(n8n, warm.id, 60_000, { download: true });

		const peaks = await peaksAgainstControl(instance, {
			control: async () => await execute(n8n, control.id, timeoutMs, { download: false }),
			between: async () => await emu.reset(),
			measured: async () => await execute(n8n, measured.id, timeoutMs, { download: true }),
		});
		const metrics = taskMetrics(await emu.stats(), 1);

		// The stored file, before this n8n (and its temporary user folder) goes away.
		const binary = peaks.result.item.binary.data;
		const file = findStoredFile(n8n.userFolder, binary.id);
		const onDisk = file ? mp4BoxesOnDisk(file) : undefined;
		const storedBytes = onDisk?.total;
		const storedOk =
			binary.bytes === videoBytes &&
			storedBytes === videoBytes &&
			onDisk.endsAtEof &&
			onDisk.boxes[0]?.type === 'ftyp';
		return {
			...peakFigures(peaks),
			extraPeak: peaks.aboveBaseline - peaks.controlAbove,
			fileBytes: videoBytes,
			metadataBytes: binary.bytes,
			mimeType: binary.mimeType,
			binaryId: binary.id,
			storedBytes,
			storedBoxes: onDisk ? onDisk.boxes.map((box) => box.type).join(' ') : 'file not found',
			storedOk,
			...metrics,
		};
	} finally {
		await instance.stop();
	}
}

async function run(ctx) {
	const rows = [];
	for (const sizeMb of ctx.videoSizes) {
		const videoBytes = sizeMb * MB;
		const emu = await startEmulatorProcess({ latencyMs: ctx.L, videoBytes });
		try {
			const sizeRows = await repeatRuns(
				ctx,
				'video',
				[sizeMb],
				async () => await runOnce(ctx, { emu, videoBytes }),
				(one) =>
					`${sizeMb} MB file: idle ${Math.round(one.baseline / MB)} MB, peak ${Math.round(one.peakMain / MB)} MB (+${Math.round(one.aboveBaseline / MB)} MB), ` +
					`without downloads +${Math.round(one.controlAbove / MB)} MB, extra ${Math.round(one.extraPeak / MB)} MB = ${(one.extraPeak / one.fileBytes).toFixed(3)}× the file, ` +
					`after + GC ${Math.round(one.afterRss / MB)} MB, group peak ${Math.round(one.peakGroup / MB)} MB over ${one.processes} processes; ` +
					`stored ${one.storedBytes ?? 'no file'} bytes on disk (metadata ${one.metadataBytes}, boxes ${one.storedBoxes}): ${one.storedOk ? 'full' : 'NOT the file served'}; wall ${(one.wallMs / 1000).toFixed(1)} s`,
			);
			// One task per run; the row is keyed by its file size.
			rows.push(...sizeRows.map((row) => ({ ...row, n: 1, fileBytes: videoBytes })));
		} finally {
			await emu.stop();
		}
	}
	return rows;
}

module.exports = { run };
