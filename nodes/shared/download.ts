// Result download: Max API's result URLs expire after 7 days, so by default the images are copied
// into n8n binary data, where storage and email nodes expect them.
import { NodeOperationError, type IBinaryKeyData, type IN8nHttpFullResponse } from 'n8n-workflow';

import { maxApiError, networkErrorCode, sleepUnlessAborted, type MaxApiContext } from './transport';

/** A 4k PNG is around 10–25 MB; anything past this is not an image from Max API. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

const DOWNLOAD_TIMEOUT_MS = 120_000;
const DOWNLOAD_ATTEMPTS = 3;

/** Binary property of image k: `data`, `data_1`, `data_2`… so the first image is where n8n nodes look by default. */
export function binaryPropertyFor(base: string, index: number): string {
	return index === 0 ? base : `${base}_${index}`;
}

const SIGNATURES: Array<{ mimeType: string; extension: string; test: (b: Buffer) => boolean }> = [
	{ mimeType: 'image/png', extension: 'png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
	{ mimeType: 'image/jpeg', extension: 'jpg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
	{ mimeType: 'image/webp', extension: 'webp', test: (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP' },
	{ mimeType: 'image/gif', extension: 'gif', test: (b) => b.toString('latin1', 0, 4) === 'GIF8' },
];

/** The image type, from the bytes themselves: a CDN's error page is often served as 200. */
export function sniffImageType(bytes: Buffer): { mimeType: string; extension: string } | undefined {
	const match = SIGNATURES.find((signature) => bytes.length >= 12 && signature.test(bytes));
	return match && { mimeType: match.mimeType, extension: match.extension };
}

class DownloadFailure extends Error {
	constructor(
		message: string,
		readonly retryable: boolean,
	) {
		super(message);
	}
}

/** The body n8n's request helper returns with `encoding: 'stream'` (a Node.js readable stream). */
type BodyStream = AsyncIterable<Buffer> & { destroy(): void; resume(): void };

async function readLimited(stream: BodyStream, expectedLength: number | undefined): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	let broken: unknown;
	try {
		for await (const chunk of stream) {
			size += (chunk as Buffer).length;
			if (size > MAX_IMAGE_BYTES) break;
			chunks.push(chunk as Buffer);
		}
	} catch (error) {
		broken = error;
	}
	if (size > MAX_IMAGE_BYTES) {
		stream.destroy();
		throw new DownloadFailure(`the file is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`, false);
	}
	if (broken) {
		throw new DownloadFailure(`the connection broke after ${size} bytes (${networkErrorCode(broken) ?? 'aborted'})`, true);
	}
	if (expectedLength !== undefined && size !== expectedLength) {
		throw new DownloadFailure(`the file was cut short (${size} of ${expectedLength} bytes)`, true);
	}
	return Buffer.concat(chunks);
}

async function fetchImage(ctx: MaxApiContext, url: string, signal?: AbortSignal): Promise<Buffer> {
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
			timeout: DOWNLOAD_TIMEOUT_MS,
			abortSignal: signal,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		failed = error;
	}
	if (!response) {
		throw new DownloadFailure(`the request failed (${networkErrorCode(failed) ?? 'network error'})`, !signal?.aborted);
	}
	const stream = response.body as BodyStream;
	if (response.statusCode !== 200) {
		stream.resume();
		const expired = response.statusCode === 403 || response.statusCode === 404 || response.statusCode === 410;
		throw new DownloadFailure(
			expired
				? `HTTP ${response.statusCode}: the file is gone (result URLs expire 7 days after generation)`
				: `HTTP ${response.statusCode}`,
			response.statusCode === 429 || response.statusCode >= 500,
		);
	}
	const length = Number(response.headers['content-length']);
	return await readLimited(stream, Number.isFinite(length) && length > 0 ? length : undefined);
}

/**
 * Downloads every result URL of a task into binary properties of one item. Downloads are free and
 * repeatable, so transient failures are retried; the task id is in every error.
 */
export async function downloadTaskImages(
	ctx: MaxApiContext,
	task: { taskId: string; urls: string[] },
	binaryPropertyName: string,
	itemIndex: number,
	signal?: AbortSignal,
): Promise<IBinaryKeyData> {
	const binary: IBinaryKeyData = {};
	for (const [index, url] of task.urls.entries()) {
		let bytes: Buffer | undefined;
		for (let attempt = 1; !bytes; attempt++) {
			try {
				bytes = await fetchImage(ctx, url, signal);
			} catch (error) {
				if (signal?.aborted) {
					throw new NodeOperationError(ctx.getNode(), `Stopped while downloading the images of task ${task.taskId}`, { itemIndex });
				}
				const failure = error as DownloadFailure;
				if (!failure.retryable || attempt >= DOWNLOAD_ATTEMPTS) {
					throw maxApiError(
						ctx.getNode(),
						{ url, message: failure.message },
						{
							itemIndex,
							message: `Could not download image ${index + 1} of Max API task ${task.taskId}: ${failure.message}`,
							description: `The task succeeded and was billed; its images are listed in "urls". Run Get Task with Task ID ${task.taskId} to download them again (within 7 days), or turn off Download Images to keep only the URLs.`,
						},
					);
				}
				await sleepUnlessAborted(1000 * attempt, signal);
			}
		}
		const type = sniffImageType(bytes);
		if (!type) {
			throw maxApiError(
				ctx.getNode(),
				{ url, message: 'not an image' },
				{
					itemIndex,
					message: `Image ${index + 1} of Max API task ${task.taskId} is not an image file`,
					description: `The URL answered with something that is not PNG, JPEG, WebP or GIF (an expired link often does). The task succeeded and was billed. Run Get Task with Task ID ${task.taskId} to try the download again (within 7 days), or turn off Download Images to keep only the URLs.`,
				},
			);
		}
		const fileName = `${task.taskId}-${index}.${type.extension}`;
		binary[binaryPropertyFor(binaryPropertyName, index)] = await ctx.helpers.prepareBinaryData(bytes, fileName, type.mimeType);
	}
	return binary;
}
