// Type declarations for mp4.js.

/** The served MP4 (fixtures/video.mp4): 1 s of H.264, 160x90. */
export const VIDEO_FIXTURE: Buffer;

/** Header of a box of `size` bytes in all; the 16-byte largesize form when size does not fit 32 bits. */
export function boxHeader(type: string, size: number): Buffer;

/** Why `bytes` cannot be a served video's size (the fixture's, or at least 8 more), or null. */
export function videoBytesProblem(bytes: unknown): string | null;

/** The bytes of a `total`-byte MP4 in pieces: the fixture, then a `free` box of zeros filling the rest. */
export function videoChunks(total: number): Generator<Buffer>;

/** `count` zero bytes in chunks of at most 64 KiB. */
export function zeros(count: number): Generator<Buffer>;

/** The top-level boxes of an MP4 (ISO BMFF) in `buf`; throws on an impossible box size. */
export function readMp4Boxes(
	buf: Buffer,
): { type: string; offset: number; size: number; headerSize: number }[];
