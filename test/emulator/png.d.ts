// Type declarations for png.js.

/** A valid RGB 8-bit PNG of width x height (cached). `noise`: random, incompressible pixels. */
export function encodePng(
	width: number,
	height: number,
	options?: { variant?: number; noise?: boolean },
): Buffer;

/** Width and height from a PNG's IHDR chunk; null when the bytes do not start like a PNG. */
export function readPngSize(buf: Buffer): { width: number; height: number } | null;

/** CRC-32 as PNG chunks use it; pass a previous result as `crc` to continue over more bytes. */
export function crc32(buf: Buffer, crc?: number): number;
