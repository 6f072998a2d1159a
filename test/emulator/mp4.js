// @ts-check
'use strict';

/**
 * The emulator's video result: a real, playable MP4 (fixtures/video.mp4: 1 s of H.264, 160x90, 10 fps,
 * `ftyp` + `moov` + `free` + `mdat`, about 6 KB; how it was made is in README.md), optionally padded to
 * any size with a trailing `free` box, which ISO BMFF readers skip. The padding is produced as it is
 * written, never held in memory. Also a reader of top-level boxes, to check served files.
 */

const fs = require('fs');
const path = require('path');

const VIDEO_FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures', 'video.mp4'));
const MAX_32 = 0xffffffff;
const ZEROS = Buffer.alloc(64 * 1024);

/**
 * Header of a box of `size` bytes in all (header included); 64-bit `largesize` form when it does not
 * fit 32 bits.
 * @param {string} type four ASCII letters
 * @param {number} size
 */
function boxHeader(type, size) {
	if (size <= MAX_32) {
		const header = Buffer.alloc(8);
		header.writeUInt32BE(size, 0);
		header.write(type, 4, 'latin1');
		return header;
	}
	const header = Buffer.alloc(16);
	header.writeUInt32BE(1, 0);
	header.write(type, 4, 'latin1');
	header.writeBigUInt64BE(BigInt(size), 8);
	return header;
}

/**
 * Why `bytes` cannot be the size of a served video, or null when it can: the fixture itself, or the
 * fixture plus a `free` box (8 bytes of header at least).
 * @param {unknown} bytes
 * @returns {string|null}
 */
function videoBytesProblem(bytes) {
	if (!Number.isSafeInteger(bytes)) return 'videoBytes must be an integer';
	const pad = /** @type {number} */ (bytes) - VIDEO_FIXTURE.length;
	if (pad === 0 || pad >= 8) return null;
	return `videoBytes must be ${VIDEO_FIXTURE.length} (the video itself) or at least ${VIDEO_FIXTURE.length + 8}`;
}

/**
 * The bytes of a `total`-byte MP4, in pieces: the fixture, then a `free` box filling the rest (its
 * content is zeros, written from one shared 64 KiB buffer).
 * @param {number} total a size videoBytesProblem accepts
 * @returns {Generator<Buffer>}
 */
function* videoChunks(total) {
	yield VIDEO_FIXTURE;
	const pad = total - VIDEO_FIXTURE.length;
	if (pad <= 0) return;
	const header = boxHeader('free', pad);
	yield header;
	yield* zeros(pad - header.length);
}

/**
 * `count` zero bytes in chunks of at most 64 KiB.
 * @param {number} count
 * @returns {Generator<Buffer>}
 */
function* zeros(count) {
	for (let left = count; left > 0; left -= ZEROS.length) {
		yield left >= ZEROS.length ? ZEROS : ZEROS.subarray(0, left);
	}
}

/**
 * The top-level boxes of an ISO BMFF file (MP4): type, offset, size in bytes (header included),
 * header size. Stops at the end of `buf`; a box running past it is listed with its announced size.
 * Throws on a box size that cannot be (below its header).
 * @param {Buffer} buf
 * @returns {{ type: string, offset: number, size: number, headerSize: number }[]}
 */
function readMp4Boxes(buf) {
	const boxes = [];
	for (let offset = 0; offset + 8 <= buf.length; ) {
		let size = buf.readUInt32BE(offset);
		const type = buf.toString('latin1', offset + 4, offset + 8);
		let headerSize = 8;
		if (size === 1) {
			if (offset + 16 > buf.length) break;
			size = Number(buf.readBigUInt64BE(offset + 8));
			headerSize = 16;
		} else if (size === 0) {
			size = buf.length - offset; // to the end of the file
		}
		if (size < headerSize)
			throw new Error(`box ${type} at ${offset} has an impossible size ${size}`);
		boxes.push({ type, offset, size, headerSize });
		offset += size;
	}
	return boxes;
}

module.exports = { VIDEO_FIXTURE, boxHeader, videoBytesProblem, videoChunks, zeros, readMp4Boxes };
