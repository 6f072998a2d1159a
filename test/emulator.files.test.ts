// Tests of the Max API emulator itself (test/emulator/), through plain HTTP with axios: the result files, PNG images
// and MP4 videos, served as a CDN serves them.
import axios from 'axios';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import {
	startEmulator,
	FOURK_RATIOS,
	PIXEL_SIZES,
	RATIOS,
	RESOLUTIONS,
	VIDEO_FIXTURE_BYTES,
	readMp4Boxes,
} from './emulator';
import { boxHeader, videoChunks, VIDEO_FIXTURE } from './emulator/mp4';
import { crc32, encodePng, readPngSize } from './emulator/png';
import {
	download,
	emu,
	I2I,
	query,
	readThenHangUp,
	submit,
	submitT2I,
	useEmulator,
	waitTerminal,
} from './support/emulatorApi';

useEmulator();

describe('result files', () => {
	it('serves a 3840x2160 PNG for 16:9 4k, without auth', async () => {
		const data = await waitTerminal(
			await submitT2I('a wide street #latency:0', { ratio: '16:9', resolution: '4k' }),
		);
		const res = await download(data.result!.urls[0]);
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe('image/png');
		expect(readPngSize(Buffer.from(res.data))).toEqual({ width: 3840, height: 2160 });
	});

	it('serves a complete, valid 1024x1024 PNG for 1k with the ratio omitted, one per n', async () => {
		const taskId = await submitT2I('a cat #latency:0', { n: 2 });
		const [first, second] = (await query(taskId)).result!.urls;
		const a = Buffer.from((await download(first)).data);
		const b = Buffer.from((await download(second)).data);
		expect(readPngSize(a)).toEqual({ width: 1024, height: 1024 });
		expect(a.equals(b)).toBe(false);

		// Walk the chunks: each CRC must match, and IDAT must inflate to height x (1 + 3 x width) bytes.
		const chunks: string[] = [];
		let idat = Buffer.alloc(0);
		for (let offset = 8; offset < a.length; ) {
			const length = a.readUInt32BE(offset);
			const type = a.toString('ascii', offset + 4, offset + 8);
			const data = a.subarray(offset + 8, offset + 8 + length);
			expect(a.readUInt32BE(offset + 8 + length)).toBe(
				crc32(data, crc32(a.subarray(offset + 4, offset + 8))),
			);
			chunks.push(type);
			if (type === 'IDAT') idat = data;
			offset += 12 + length;
		}
		expect(chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
		expect(zlib.inflateSync(new Uint8Array(idat)).length).toBe(1024 * (1 + 3 * 1024));

		expect((await download(`${emu.url}/files/${taskId}/image-2.png`)).status).toBe(404);
		expect(emu.stats().byTask[taskId].downloads).toBe(3);
	});

	it('serves image-to-image sizes by ratio and resolution', async () => {
		const taskId = await submit({
			model: I2I,
			input: {
				prompt: 'restyle #latency:0',
				imageUrls: ['https://example.com/a.jpg'],
				ratio: '9:21',
				resolution: '2k',
			},
		});
		const res = await download((await query(taskId)).result!.urls[0]);
		expect(readPngSize(Buffer.from(res.data))).toEqual({ width: 1152, height: 2688 });
	});

	it('does not serve files before SUCCESS', async () => {
		const taskId = await submitT2I('a cat #never');
		expect((await download(`${emu.url}/files/${taskId}/image-0.png`)).status).toBe(404);
	});

	it('has a size for every accepted ratio and resolution, the documented ones included', () => {
		for (const resolution of RESOLUTIONS) {
			for (const ratio of RATIOS) {
				const size = PIXEL_SIZES[resolution][ratio];
				expect(Boolean(size)).toBe(resolution !== '4k' || FOURK_RATIOS.includes(ratio));
				if (size) {
					expect(size.width % 16).toBe(0);
					expect(size.height % 16).toBe(0);
				}
			}
		}
		const documented: [string, string, number, number][] = [
			['1k', '1:1', 1024, 1024],
			['2k', '1:1', 2048, 2048],
			['1k', '3:2', 1536, 1024],
			['2k', '3:2', 2048, 1360],
			['1k', '2:3', 1024, 1536],
			['2k', '2:3', 1360, 2048],
			['1k', '4:3', 1024, 768],
			['2k', '4:3', 2048, 1536],
			['1k', '16:9', 1536, 864],
			['2k', '16:9', 2048, 1152],
			['4k', '16:9', 3840, 2160],
			['1k', '21:9', 2016, 864],
			['2k', '21:9', 2688, 1152],
			['4k', '21:9', 3840, 1648],
		];
		for (const [resolution, ratio, width, height] of documented) {
			expect(PIXEL_SIZES[resolution as '1k'][ratio as '1:1']).toEqual({ width, height });
		}
	});

	it('encodes 3840x2160 well under a second', () => {
		const started = Date.now();
		const png = encodePng(3840, 2160, { variant: 99 });
		expect(Date.now() - started).toBeLessThan(1000);
		expect(readPngSize(png)).toEqual({ width: 3840, height: 2160 });
	});
});

// ---------------------------------------------------------------------------------------------
// Video files
// ---------------------------------------------------------------------------------------------

describe('video results', () => {
	const videoTask = async (input: Record<string, unknown> = {}) => {
		const taskId = await submit({
			model: 'veo3_fast',
			input: { prompt: 'a wave #latency:0', ...input },
		});
		return { taskId, url: (await query(taskId)).result!.urls[0] };
	};

	it('serves a valid MP4 (ftyp, moov, mdat) as video/mp4, without auth, HEAD included', async () => {
		const { taskId, url } = await videoTask();
		expect(url).toBe(`${emu.url}/files/${taskId}/video-0.mp4`);
		const res = await download(url);
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe('video/mp4');
		expect(res.headers['content-length']).toBe(String(VIDEO_FIXTURE_BYTES));
		const body = Buffer.from(res.data);
		expect(body.length).toBe(VIDEO_FIXTURE_BYTES);
		const boxes = readMp4Boxes(body);
		expect(boxes.map((box) => box.type)).toEqual(expect.arrayContaining(['ftyp', 'moov', 'mdat']));
		expect(boxes[0].type).toBe('ftyp');
		expect(['isom', 'mp42', 'iso5', 'avc1']).toContain(body.toString('latin1', 8, 12)); // major brand
		expect(boxes.reduce((sum, box) => sum + box.size, 0)).toBe(body.length);

		const head = await axios.head(url, { validateStatus: () => true });
		expect(head.status).toBe(200);
		expect(head.headers['content-length']).toBe(String(VIDEO_FIXTURE_BYTES));
		expect((await download(`${emu.url}/files/${taskId}/video-1.mp4`)).status).toBe(404);
		expect((await download(`${emu.url}/files/${taskId}/image-0.png`)).status).toBe(404);
	});

	it('is a video ffprobe reads, when ffprobe is installed', async () => {
		const probe = spawnSync('ffprobe', ['-version']);
		if (probe.error) return; // not installed (apt-get install ffmpeg): the box checks above still ran
		const { url } = await videoTask();
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'emu-mp4-')), 'video.mp4');
		fs.writeFileSync(file, Buffer.from((await download(url)).data));
		const out = spawnSync(
			'ffprobe',
			[
				'-v',
				'error',
				'-show_entries',
				'stream=codec_type,codec_name,width,height',
				'-of',
				'json',
				file,
			],
			{ encoding: 'utf8' },
		);
		expect(out.status).toBe(0);
		expect(JSON.parse(out.stdout).streams).toEqual([
			{ codec_type: 'video', codec_name: 'h264', width: 160, height: 90 },
		]);
	});

	it('is not served before SUCCESS, nor for #nourls', async () => {
		const running = await submit({ model: 'seedance-2.0', input: { prompt: 'x #never' } });
		expect((await download(`${emu.url}/files/${running}/video-0.mp4`)).status).toBe(404);
		const empty = await submit({
			model: 'seedance-2.0',
			input: { prompt: 'x #nourls #latency:0' },
		});
		expect((await query(empty)).result).toEqual({ type: 'video', urls: [] });
	});

	it('videoBytes: the MP4 padded with a trailing free box to exactly that size, streamed', async () => {
		const bytes = 3 * 1024 * 1024 + 11;
		const big = await startEmulator({ latencyMs: 0, videoBytes: bytes });
		try {
			const taskId = big.createTask({ prompt: 'p', model: 'veo3' });
			const url = `${big.url}/files/${taskId}/video-0.mp4`;
			const res = await download(url);
			expect(res.headers['content-length']).toBe(String(bytes));
			const body = Buffer.from(res.data);
			expect(body.length).toBe(bytes);
			expect(body.subarray(0, VIDEO_FIXTURE_BYTES).equals(VIDEO_FIXTURE)).toBe(true);
			const boxes = readMp4Boxes(body);
			expect(boxes[boxes.length - 1]).toEqual({
				type: 'free',
				offset: VIDEO_FIXTURE_BYTES,
				size: bytes - VIDEO_FIXTURE_BYTES,
				headerSize: 8,
			});
			// A client that leaves early: the emulator stops writing and keeps serving.
			const received = await readThenHangUp(url, 256 * 1024);
			expect(received).toBeLessThan(bytes);
			expect((await download(url)).status).toBe(200);
		} finally {
			await big.close();
		}
	});

	it('videoBytes past 4 GiB uses a 64-bit free box; impossible sizes are refused', async () => {
		const total = 2 ** 33;
		const chunks = videoChunks(total);
		expect(chunks.next().value).toBe(VIDEO_FIXTURE);
		const header = chunks.next().value as Buffer;
		expect(header).toEqual(boxHeader('free', total - VIDEO_FIXTURE_BYTES));
		expect(readMp4Boxes(header)).toEqual([
			{ type: 'free', offset: 0, size: total - VIDEO_FIXTURE_BYTES, headerSize: 16 },
		]);
		for (const videoBytes of [VIDEO_FIXTURE_BYTES - 1, VIDEO_FIXTURE_BYTES + 7, 1.5, -1]) {
			await expect(startEmulator({ videoBytes })).rejects.toThrow(/videoBytes/);
		}
	});

	it('download faults act on videos too: truncated, huge (MP4-looking), notImage', async () => {
		const { url } = await videoTask();
		emu.inject([
			{ on: 'download', kind: 'truncated' },
			{ on: 'download', kind: 'huge', bytes: 100_000 },
			{ on: 'download', kind: 'notImage' },
		]);
		await expect(download(url)).rejects.toThrow();
		const huge = await download(url);
		expect(huge.headers['content-type']).toBe('video/mp4');
		const body = Buffer.from(huge.data);
		expect(body.length).toBe(100_000);
		expect(body.toString('latin1', 4, 8)).toBe('ftyp');
		expect((await download(url)).headers['content-type']).toMatch(/^text\/html/);
		expect((await download(url)).status).toBe(200);
	});
});
