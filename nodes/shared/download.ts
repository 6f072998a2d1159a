// Result download: Max API's result URLs expire after 7 days, so by default the images and videos are
// copied into n8n binary data, where storage and email nodes expect them. Each file is streamed into
// n8n's binary data store: in n8n's filesystem or S3 mode it is never held whole in memory.
import {
	NodeOperationError,
	type IBinaryData,
	type IBinaryKeyData,
	type IN8nHttpFullResponse,
} from 'n8n-workflow';

import type { MediaType } from './models';
import { type MaxApiContext } from './transport/client';
import { maxApiError, networkErrorCode } from './transport/errors';
import { sleepUnlessAborted } from './transport/retry';

/**
 * The largest file accepted, per media type. A 4k PNG is around 10–25 MB; a 4k Veo video of 8 s or a
 * 1080p Seedance video of 15 s is well under 1 GB (their bitrates are a few tens of Mbit/s).
 */
export const MAX_RESULT_BYTES: Record<MediaType, number> = {
	image: 64 * 1024 * 1024,
	video: 1024 * 1024 * 1024,
};

const DOWNLOAD_TIMEOUT_MS: Record<MediaType, number> = { image: 120_000, video: 900_000 };
const DOWNLOAD_ATTEMPTS = 3;

/** Binary property of image k: `data`, `data_1`, `data_2`… so the first image is where n8n nodes look by default. */
export function binaryPropertyFor(base: string, index: number): string {
	return index === 0 ? base : `${base}_${index}`;
}

interface FileType {
	media: MediaType;
	mimeType: string;
	extension: string;
}

const SIGNATURES: Array<FileType & { test: (b: Buffer) => boolean }> = [
	{
		media: 'image',
		mimeType: 'image/png',
		extension: 'png',
		test: (b) =>
			b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
	},
	{
		media: 'image',
		mimeType: 'image/jpeg',
		extension: 'jpg',
		test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
	},
	{
		media: 'image',
		mimeType: 'image/webp',
		extension: 'webp',
		test: (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
	},
	{
		media: 'image',
		mimeType: 'image/gif',
		extension: 'gif',
		test: (b) => b.toString('latin1', 0, 4) === 'GIF8',
	},
	// ISO base media files start with a box of type ftyp; its brand tells QuickTime from MP4.
	{
		media: 'video',
		mimeType: 'video/quicktime',
		extension: 'mov',
		test: (b) => b.toString('latin1', 4, 12) === 'ftypqt  ',
	},
	{
		media: 'video',
		mimeType: 'video/mp4',
		extension: 'mp4',
		test: (b) => b.toString('latin1', 4, 8) === 'ftyp',
	},
	{
		media: 'video',
		mimeType: 'video/webm',
		extension: 'webm',
		test: (b) => b.readUInt32BE(0) === 0x1a45dfa3,
	},
];

const TYPE_NAMES: Record<MediaType, string> = {
	image: 'PNG, JPEG, WebP or GIF',
	video: 'MP4, QuickTime or WebM',
};

/** The file type, from the bytes themselves: a CDN's error page is often served as 200. */
export function sniffFileType(bytes: Buffer): FileType | undefined {
	const match = SIGNATURES.find((signature) => bytes.length >= 12 && signature.test(bytes));
	return match && { media: match.media, mimeType: match.mimeType, extension: match.extension };
}

class DownloadFailure extends Error {
	constructor(
		message: string,
		readonly retryable: boolean,
		readonly wrongType = false,
	) {
		super(message);
	}
}

/** The body n8n's request helper returns with `encoding: 'stream'`: a Node.js readable stream. */
type BodyStream = NodeJS.ReadableStream & { destroy(error?: Error): void; readableEnded: boolean };

/** Reads the first `count` bytes and puts them back, so that the stream can still be stored whole. */
async function peek(stream: BodyStream, count: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	while (size < count && !stream.readableEnded) {
		const chunk = stream.read() as Buffer | null;
		if (chunk !== null) {
			chunks.push(chunk);
			size += chunk.length;
			continue;
		}
		await new Promise<void>((resolve, reject) => {
			const settle = (error?: Error) => {
				stream.off('readable', settle);
				stream.off('end', settle);
				stream.off('error', settle);
				if (error) reject(error);
				else resolve();
			};
			stream.on('readable', settle);
			stream.on('end', settle);
			stream.on('error', settle);
		});
	}
	const head = Buffer.concat(chunks);
	if (head.length > 0 && !stream.readableEnded) stream.unshift(head);
	return head;
}

/**
 * Streams one result file into n8n's binary data. The first bytes are checked before storing (a CDN's
 * error page is often served as 200); the size and completeness after.
 */
async function storeFile(
	ctx: MaxApiContext,
	url: string,
	media: MediaType,
	baseName: string,
	signal?: AbortSignal,
): Promise<IBinaryData> {
	let response: IN8nHttpFullResponse | undefined;
	let failed: unknown;
	try {
		// No credentials: result URLs are public CDN links, and the API key must not travel to another host.
		response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: DOWNLOAD_TIMEOUT_MS[media],
			abortSignal: signal,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		failed = error;
	}
	if (!response) {
		throw new DownloadFailure(
			`the request failed (${networkErrorCode(failed) ?? 'network error'})`,
			!signal?.aborted,
		);
	}
	const stream = response.body as BodyStream;
	if (response.statusCode !== 200) {
		stream.resume();
		const expired =
			response.statusCode === 403 || response.statusCode === 404 || response.statusCode === 410;
		throw new DownloadFailure(
			expired
				? `HTTP ${response.statusCode}: the file is gone (result URLs expire 7 days after generation)`
				: `HTTP ${response.statusCode}`,
			response.statusCode === 429 || response.statusCode >= 500,
		);
	}
	const announced = Number(response.headers['content-length']);
	const expectedLength = Number.isFinite(announced) && announced > 0 ? announced : undefined;
	const maxBytes = MAX_RESULT_BYTES[media];
	const tooLarge = `the file is larger than ${maxBytes / 1024 / 1024} MB`;
	if (expectedLength !== undefined && expectedLength > maxBytes) {
		stream.destroy();
		throw new DownloadFailure(tooLarge, false);
	}

	let head: Buffer = Buffer.alloc(0);
	try {
		head = await peek(stream, 12);
	} catch (error) {
		failed = error;
	}
	if (failed)
		throw new DownloadFailure(
			`the connection broke (${networkErrorCode(failed) ?? 'aborted'})`,
			true,
		);
	const type = sniffFileType(head);
	if (type?.media !== media) {
		stream.destroy();
		throw new DownloadFailure(`it is not a ${TYPE_NAMES[media]} file`, false, true);
	}

	let binary: IBinaryData | undefined;
	try {
		binary = await ctx.helpers.prepareBinaryData(
			stream as unknown as Parameters<MaxApiContext['helpers']['prepareBinaryData']>[0],
			`${baseName}.${type.extension}`,
			type.mimeType,
		);
	} catch (error) {
		failed = error;
	}
	if (!binary)
		throw new DownloadFailure(
			`the connection broke (${networkErrorCode(failed) ?? 'aborted'})`,
			true,
		);
	// A body sent without a Content-Length can only be measured once stored (on disk, in filesystem mode).
	if (binary.bytes !== undefined && binary.bytes > maxBytes)
		throw new DownloadFailure(tooLarge, false);
	if (
		expectedLength !== undefined &&
		binary.bytes !== undefined &&
		binary.bytes !== expectedLength
	) {
		throw new DownloadFailure(
			`the file was cut short (${binary.bytes} of ${expectedLength} bytes)`,
			true,
		);
	}
	return binary;
}

/**
 * Downloads every result URL of a task into binary properties of one item. Downloads are free and
 * repeatable, so transient failures are retried; the task id is in every error.
 */
export async function downloadTaskResults(
	ctx: MaxApiContext,
	task: { taskId: string; urls: string[]; media: MediaType },
	binaryPropertyName: string,
	itemIndex: number,
	signal?: AbortSignal,
): Promise<IBinaryKeyData> {
	const binary: IBinaryKeyData = {};
	const noun = task.media === 'video' ? 'video' : 'image';
	for (const [index, url] of task.urls.entries()) {
		let stored: IBinaryData | undefined;
		for (let attempt = 1; !stored; attempt++) {
			try {
				stored = await storeFile(ctx, url, task.media, `${task.taskId}-${index}`, signal);
			} catch (error) {
				if (signal?.aborted) {
					throw new NodeOperationError(
						ctx.getNode(),
						`Stopped while downloading the results of task ${task.taskId}`,
						{ itemIndex },
					);
				}
				const failure = error as DownloadFailure;
				const keepUrls = `Run Get Task with Task ID ${task.taskId} to download again (within 7 days), or turn off Download Results to keep only the URLs.`;
				if (failure.wrongType) {
					throw maxApiError(
						ctx.getNode(),
						{ url, message: `not ${noun === 'image' ? 'an image' : 'a video'}` },
						{
							itemIndex,
							message: `Result ${index + 1} of Max API task ${task.taskId} is not ${noun === 'image' ? 'an image' : 'a video'} file`,
							description: `The URL answered with something that is not ${TYPE_NAMES[task.media]} (an expired link often does). The task succeeded and was billed. ${keepUrls}`,
						},
					);
				}
				if (!failure.retryable || attempt >= DOWNLOAD_ATTEMPTS) {
					throw maxApiError(
						ctx.getNode(),
						{ url, message: failure.message },
						{
							itemIndex,
							message: `Could not download ${noun} ${index + 1} of Max API task ${task.taskId}: ${failure.message}`,
							description: `The task succeeded and was billed; its results are listed in "urls". ${keepUrls}`,
						},
					);
				}
				await sleepUnlessAborted(1000 * attempt, signal);
			}
		}
		binary[binaryPropertyFor(binaryPropertyName, index)] = stored;
	}
	return binary;
}
