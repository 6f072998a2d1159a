// Image Source "Binary Data", the serving side: the node's GET webhook at the waiting execution's
// resume URL. n8n routes a GET there only while the execution waits (it answers 409 once it has
// finished, 401 to a wrong resume token on 2.x); this answers the file an awaited item serves, named by
// signed parameters (shared/servedFiles.ts), and returns no workflow data, so the execution stays
// waiting: a download never resumes it. Anything not signed by this execution gets 403, a file it does
// not serve 404, and nothing is read from the binary data store for them.
import {
	BINARY_ENCODING,
	type IBinaryData,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { fileKey, N8N_TOKEN_PARAM, verifyFileRequest } from '../../shared/servedFiles';
import { CREDENTIAL_TYPE } from '../../shared/transport/client';
import { pauseRecordOf } from './pausedItems';

interface Readable {
	pipe(destination: unknown): unknown;
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	destroy(error?: Error): unknown;
}

export async function serveInputFile(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const response = this.getResponseObject();
	const refuse = (status: number): IWebhookResponseData => {
		// The same short answer for every refusal: it tells a prober nothing about what exists.
		response.status(status).json({ served: false });
		return { noWebhookResponse: true };
	};

	const query = this.getQueryData() as Record<string, unknown>;
	const token = query[N8N_TOKEN_PARAM];
	const apiKey = String((await this.getCredentials(CREDENTIAL_TYPE)).apiKey ?? '');
	const key = fileKey(typeof token === 'string' && token !== '' ? token : undefined, apiKey);
	const ref = verifyFileRequest(query, this.getExecutionId(), key);
	if (!ref) return refuse(403);

	// The items the paused run left in the execution (pausedItems.ts, servedFileJobs.ts) are this
	// webhook's input: an item still awaited keeps the binary fields its task takes.
	const items = (this.evaluateExpression('{{ $input.all() }}', 0) ?? []) as INodeExecutionData[];
	const item = items[ref.itemIndex];
	const binary =
		item &&
		pauseRecordOf(item) &&
		item.binary &&
		Object.prototype.hasOwnProperty.call(item.binary, ref.field)
			? item.binary[ref.field]
			: undefined;
	if (!binary) return refuse(404);

	const { body, length } = await openBinary(this, binary);
	response.status(200);
	response.setHeader('Content-Type', binary.mimeType || 'application/octet-stream');
	if (length !== undefined) response.setHeader('Content-Length', String(length));
	response.setHeader('Cache-Control', 'no-store');
	response.setHeader('X-Content-Type-Options', 'nosniff');
	if (Buffer.isBuffer(body)) {
		response.end(body);
	} else {
		await new Promise<void>((resolve) => {
			// A client that goes away, or a store that fails mid-file, ends this request only.
			body.on('error', () => {
				response.destroy();
				resolve();
			});
			response.on('close', () => {
				body.destroy();
				resolve();
			});
			response.on('finish', () => resolve());
			body.pipe(response);
		});
	}
	return { noWebhookResponse: true };
}

/**
 * The file's bytes and length through n8n's binary helpers: a stream from the binary data store
 * (filesystem, database or S3 mode: the binary has an id), or, in n8n's in-memory default mode, the
 * bytes n8n keeps in the execution itself (there is no store to stream from then).
 */
async function openBinary(
	ctx: IWebhookFunctions,
	binary: IBinaryData,
): Promise<{ body: Readable | Buffer; length?: number }> {
	if (binary.id) {
		const [metadata, stream] = await Promise.all([
			ctx.helpers.getBinaryMetadata(binary.id),
			ctx.helpers.getBinaryStream(binary.id),
		]);
		const length = Number(metadata.fileSize);
		return {
			body: stream as unknown as Readable,
			length: Number.isFinite(length) && length >= 0 ? length : undefined,
		};
	}
	const bytes = Buffer.from(binary.data, BINARY_ENCODING);
	return { body: bytes, length: bytes.length };
}
