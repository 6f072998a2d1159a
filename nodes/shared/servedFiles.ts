// The URLs at which a waiting execution serves an item's binary files to Max API (Image Source
// "Binary"): the execution's resume URL plus the item, the binary field, a file name and an HMAC over
// them. n8n itself only lets requests that carry the execution's resume token (`signature`) reach a
// waiting node (n8n 2.x); the HMAC, keyed by that token and the credential's API key, makes every other
// parameter unforgeable, so a stranger who learns one file's URL can neither reach another item or
// field, nor guess a name. n8n 1.x puts no token in the resume URL and checks none: there the API key
// alone keys it. Pure, apart from Node's crypto.
import { createHmac, timingSafeEqual } from 'crypto';

/** Query parameters of a served file's URL (short: they share the URL with n8n's own). */
export const FILE_PARAMS = {
	item: 'mxi',
	field: 'mxf',
	signature: 'mxs',
	/** Last in the URL, so that it ends with the file's extension, as Max API may expect of a file URL. */
	name: 'mxn',
} as const;

/** n8n's query parameter carrying the execution's resume token (2.x). */
export const N8N_TOKEN_PARAM = 'signature';

/**
 * Binary field names a URL may carry. n8n allows almost anything as a field name; the node accepts
 * letters, digits, spaces and `_ . -`, so no name can carry a path, a query or a prototype key.
 */
export const FIELD_NAME_PATTERN = /^[A-Za-z0-9_.\- ]{1,100}$/;
const ITEM_PATTERN = /^\d{1,7}$/;
const NAME_PATTERN = /^\d{1,3}\.[a-z0-9]{1,8}$/;
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** What a served file's URL names: the item, its binary field, and a file name (`<position>.<ext>`). */
export interface ServedFileRef {
	itemIndex: number;
	field: string;
	name: string;
}

/**
 * The signing key of an execution's file URLs: its resume token and the credential's API key. On n8n
 * 2.x the token alone would do (n8n checks it before the node runs); n8n 1.x checks no token at all, so
 * a request could bring a token of its choosing: the API key, which never leaves the instance, is what
 * makes a signature unforgeable there.
 */
export function fileKey(resumeToken: string | undefined, apiKey: string): string {
	return `${resumeToken ?? ''}\n${apiKey}`;
}

function sign(key: string, executionId: string, ref: ServedFileRef): string {
	return createHmac('sha256', key)
		.update(['maxapi-input-file', executionId, ref.itemIndex, ref.field, ref.name].join('\n'))
		.digest('base64url');
}

/** The resume token in a resume URL (n8n 2.x), or undefined (n8n 1.x has none). */
export function resumeTokenOf(resumeUrl: string): string | undefined {
	try {
		return new URL(resumeUrl).searchParams.get(N8N_TOKEN_PARAM) ?? undefined;
	} catch {
		return undefined;
	}
}

/** The URL of one served file: the resume URL with the file's parameters, signed. */
export function servedFileUrl(
	resumeUrl: string,
	executionId: string,
	key: string,
	ref: ServedFileRef,
): string {
	const url = new URL(resumeUrl);
	url.searchParams.set(FILE_PARAMS.item, String(ref.itemIndex));
	url.searchParams.set(FILE_PARAMS.field, ref.field);
	url.searchParams.set(FILE_PARAMS.signature, sign(key, executionId, ref));
	url.searchParams.set(FILE_PARAMS.name, ref.name);
	return url.href;
}

/**
 * The file a request's query names, when its parameters are well-formed and signed with `key`; else
 * undefined. The comparison takes the same time whatever the signature given.
 */
export function verifyFileRequest(
	query: Record<string, unknown>,
	executionId: string,
	key: string,
): ServedFileRef | undefined {
	const item = query[FILE_PARAMS.item];
	const field = query[FILE_PARAMS.field];
	const name = query[FILE_PARAMS.name];
	const signature = query[FILE_PARAMS.signature];
	if (
		typeof item !== 'string' ||
		typeof field !== 'string' ||
		typeof name !== 'string' ||
		typeof signature !== 'string' ||
		!ITEM_PATTERN.test(item) ||
		!FIELD_NAME_PATTERN.test(field) ||
		!NAME_PATTERN.test(name) ||
		!SIGNATURE_PATTERN.test(signature)
	) {
		return undefined;
	}
	const ref = { itemIndex: Number(item), field, name };
	const expected = Buffer.from(sign(key, executionId, ref));
	const given = Buffer.from(signature);
	return expected.length === given.length && timingSafeEqual(expected, given) ? ref : undefined;
}

/** Whether a URL is a served file's: it carries the file parameters (and so a resume token). */
export function isServedFileUrl(value: unknown): value is string {
	if (typeof value !== 'string') return false;
	try {
		const { searchParams } = new URL(value);
		return searchParams.has(FILE_PARAMS.signature) && searchParams.has(FILE_PARAMS.field);
	} catch {
		return false;
	}
}

/** What the node shows instead of a served file's URL: the binary field it came from. */
export const SERVED_FILE_LABEL = 'n8n-binary:';

/**
 * A task's input with every served file's URL replaced by `n8n-binary:<field>`: the URLs carry the
 * execution's resume token, which must not reach outputs, errors or logs. Other URLs stay as they are.
 */
export function redactServedUrls<T extends Record<string, unknown> | null | undefined>(
	input: T,
): T {
	if (!input || typeof input !== 'object') return input;
	let copy: Record<string, unknown> | undefined;
	for (const key of ['imageUrls', 'mediaUrls']) {
		const list = input[key];
		if (!Array.isArray(list) || !list.some(isServedFileUrl)) continue;
		copy ??= { ...input };
		copy[key] = list.map((url) =>
			isServedFileUrl(url)
				? `${SERVED_FILE_LABEL}${new URL(url).searchParams.get(FILE_PARAMS.field) ?? ''}`
				: url,
		);
	}
	return (copy ?? input) as T;
}

/** Whether a task's (redacted) input took files this n8n served. */
export function tookServedFiles(input: unknown): boolean {
	if (!input || typeof input !== 'object') return false;
	return ['imageUrls', 'mediaUrls'].some((key) => {
		const list = (input as Record<string, unknown>)[key];
		return (
			Array.isArray(list) &&
			list.some(
				(url) =>
					isServedFileUrl(url) || (typeof url === 'string' && url.startsWith(SERVED_FILE_LABEL)),
			)
		);
	});
}
