// @ts-check
'use strict';

/**
 * A tiny PNG encoder for the emulator's result files: RGB, 8 bits per channel, no interlace,
 * every scanline stored with filter type 0. Only Node's standard library is used.
 */

const crypto = require('crypto');
const zlib = require('zlib');

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** CRC-32 (ISO 3309, as PNG requires), table-driven. */
const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

/**
 * @param {Buffer} buf
 * @param {number} [crc] running value from a previous call (pass the result back in to continue)
 * @returns {number}
 */
function crc32(buf, crc = 0) {
	let c = ~crc >>> 0;
	for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
	return ~c >>> 0;
}

/**
 * @param {string} type four ASCII letters
 * @param {Buffer} data
 * @returns {Buffer}
 */
function chunk(type, data) {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'ascii');
	const tail = Buffer.alloc(4);
	// The CRC covers the type and the data, not the length.
	tail.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
	return Buffer.concat([head, data, tail]);
}

/**
 * Raw scanlines of a cheap two-axis gradient: red follows x, green changes in bands of rows, blue
 * comes from the variant. Rows inside one green band are identical, so most rows are a buffer copy
 * and deflate finds whole-row matches: 3840x2160 stays far below a second.
 * @param {number} width
 * @param {number} height
 * @param {number} variant
 * @returns {Buffer}
 */
function gradientScanlines(width, height, variant) {
	const stride = 1 + width * 3;
	const raw = Buffer.alloc(stride * height); // filter bytes stay 0
	const blue = (variant * 97 + 40) & 0xff;
	let previousGreen = -1;
	for (let y = 0; y < height; y++) {
		const row = y * stride;
		// `| 0` rather than Math.floor: inside jest's vm context Math.floor is ~10x slower in hot loops.
		const green = ((y * 256) / height) | 0;
		if (green === previousGreen) {
			raw.copy(raw, row, row - stride, row);
			continue;
		}
		previousGreen = green;
		for (let x = 0; x < width; x++) {
			const p = row + 1 + x * 3;
			raw[p] = ((x * 256) / width) | 0;
			raw[p + 1] = green;
			raw[p + 2] = blue;
		}
	}
	return raw;
}

/**
 * Random pixel bytes (for memory benchmarks: the file is as large as the raw image).
 * @param {number} width
 * @param {number} height
 * @returns {Buffer}
 */
function noiseScanlines(width, height) {
	const stride = 1 + width * 3;
	const raw = crypto.randomBytes(stride * height);
	for (let y = 0; y < height; y++) raw[y * stride] = 0;
	return raw;
}

/** Encoded files are cached; the cache is bounded by total bytes (oldest entries go first). */
const CACHE_LIMIT_BYTES = 256 * 1024 * 1024;
/** @type {Map<string, Buffer>} */
const cache = new Map();
let cachedBytes = 0;

/**
 * Encode (or return from the cache) a valid PNG of width x height pixels.
 * @param {number} width
 * @param {number} height
 * @param {{ variant?: number, noise?: boolean }} [options] `variant` changes the colours (so images of
 *   one task differ); `noise` makes the pixels random and the file incompressible (stored deflate blocks).
 * @returns {Buffer}
 */
function encodePng(width, height, options = {}) {
	const variant = options.variant ?? 0;
	const noise = options.noise ?? false;
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new RangeError(`invalid PNG size ${width}x${height}`);
	}
	const key = `${width}x${height}:${noise ? 'noise' : variant}`;
	const hit = cache.get(key);
	if (hit) return hit;

	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // colour type RGB
	// compression 0, filter method 0, interlace 0: already zero
	const raw = noise ? noiseScanlines(width, height) : gradientScanlines(width, height, variant);
	const idat = zlib.deflateSync(raw, { level: noise ? 0 : 1 });
	const png = Buffer.concat([
		SIGNATURE,
		chunk('IHDR', ihdr),
		chunk('IDAT', idat),
		chunk('IEND', Buffer.alloc(0)),
	]);

	cache.set(key, png);
	cachedBytes += png.length;
	for (const [oldKey, old] of cache) {
		if (cachedBytes <= CACHE_LIMIT_BYTES || oldKey === key) break;
		cache.delete(oldKey);
		cachedBytes -= old.length;
	}
	return png;
}

/**
 * Width and height from a PNG's IHDR, or null when the buffer does not start like a PNG.
 * Tests use it to check the pixel size of a downloaded image.
 * @param {Buffer} buf
 * @returns {{ width: number, height: number } | null}
 */
function readPngSize(buf) {
	if (
		buf.length < 24 ||
		!buf.subarray(0, 8).equals(SIGNATURE) ||
		buf.toString('ascii', 12, 16) !== 'IHDR'
	) {
		return null;
	}
	return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

module.exports = { encodePng, readPngSize, crc32 };
