// Image Source "Binary": which binary fields of an item are the task's source files, and whether the
// chosen model can take each of them, checked before anything is sent. Max API's docs list accepted
// file types for Seedance only (the catalog's `fileTypes`, nodes/shared/models/seedance.ts); for GPT
// Image 2, Seedream, Nano Banana and Veo they say "image URLs" and nothing more, so any image/* type
// is sent and Max API decides. No model documents a file size limit, so none is checked. Pure: no
// n8n here.
import { InvalidParameter } from '../../shared/invalidParameter';
import { FIELD_NAME_PATTERN } from '../../shared/servedFiles';
import type { ModelSpec } from '../../shared/models';

export const INPUT_BINARY_FIELDS = 'Input Binary Fields';

/** image, video or audio. */
export type MediaKind = 'image' | 'video' | 'audio';

/**
 * The extension of each MIME type of the kinds the docs list files of (as URLs end in it); which of
 * them a model takes is the catalog's (a URL field's `fileTypes`).
 */
const MEDIA_EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/jpg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'image/bmp': 'bmp',
	'image/x-ms-bmp': 'bmp',
	'video/mp4': 'mp4',
	'video/quicktime': 'mov',
	'video/x-m4v': 'm4v',
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/x-wav': 'wav',
	'audio/wave': 'wav',
	'audio/vnd.wave': 'wav',
};

/** Extensions of common image types, for the file URL's name; others get the subtype's letters. */
const IMAGE_EXTENSIONS: Record<string, string> = {
	jpeg: 'jpg',
	jpg: 'jpg',
	'svg+xml': 'svg',
	tiff: 'tif',
	'x-ms-bmp': 'bmp',
};

/** The binary field names of Input Binary Fields: one, or several separated by commas, in order. */
export function parseBinaryFieldList(value: unknown, model?: string): string[] {
	if (typeof value !== 'string' && !Array.isArray(value)) {
		throw new InvalidParameter(
			INPUT_BINARY_FIELDS,
			`${INPUT_BINARY_FIELDS} must be text, not ${value === null ? 'null' : typeof value}`,
			'Give the names of the binary fields holding the files, separated by commas, e.g. data or data,data_1.',
			model,
		);
	}
	const names = (Array.isArray(value) ? value.map(String) : value.split(','))
		.map((name) => name.trim())
		.filter((name) => name !== '');
	if (names.length === 0) {
		throw new InvalidParameter(
			INPUT_BINARY_FIELDS,
			`${INPUT_BINARY_FIELDS} is empty`,
			'Give the name of the binary field holding the file, e.g. data.',
			model,
		);
	}
	for (const name of names) {
		if (!FIELD_NAME_PATTERN.test(name)) {
			throw new InvalidParameter(
				INPUT_BINARY_FIELDS,
				`"${name.slice(0, 100)}" is not a binary field name this node can serve`,
				'Use letters, digits, spaces, dots, dashes or underscores (rename the field with an Edit Fields node if needed).',
				model,
			);
		}
	}
	return names;
}

/** The kind and the file extension of a file the model takes; an InvalidParameter naming the field otherwise. */
export function checkSourceFile(
	model: ModelSpec,
	field: string,
	file: { mimeType?: string },
): { kind: MediaKind; ext: string } {
	const mimeType = String(file.mimeType ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	const kind = mimeType.split('/')[0] as MediaKind;
	const documented = model.fields.find((candidate) => candidate.kind === 'urls')?.fileTypes;
	if (documented) {
		const ext = MEDIA_EXTENSIONS[mimeType];
		if (ext && documented[kind]?.includes(ext)) return { kind, ext };
	} else if (/^image\/[a-z0-9.+-]+$/.test(mimeType)) {
		const subtype = mimeType.slice('image/'.length);
		const ext = (IMAGE_EXTENSIONS[subtype] ?? subtype.replace(/[^a-z0-9]/g, '')).slice(0, 8);
		return { kind: 'image', ext: ext || 'img' };
	}
	const kinds = documented ? Object.keys(documented) : ['image'];
	const accepted = documented
		? [
				...new Set(
					Object.entries(MEDIA_EXTENSIONS)
						.filter(([type, ext]) => documented[type.split('/')[0] as MediaKind]?.includes(ext))
						.map(([, ext]) => `.${ext}`),
				),
			].join(' ')
		: 'images (image/* types)';
	throw new InvalidParameter(
		INPUT_BINARY_FIELDS,
		`The file in binary field "${field}" is ${mimeType || 'of no MIME type'}; ${model.name} takes ${accepted}`,
		documented
			? `Give ${kinds.length === 1 ? 'image' : 'image, video or audio'} files of the types Max API documents for ${model.name}.`
			: 'Give an image file (a binary field whose MIME type is image/…).',
		model.name,
	);
}

/**
 * A stand-in URL for a source file while the input is validated: the catalog's rules tell Seedance's
 * images, videos and audio apart by the URL's extension. The real URLs, at the waiting execution, are
 * made when the run pauses (see pause/servedFileJobs.ts).
 */
export function placeholderUrl(field: string, position: number, ext: string): string {
	return `https://n8n-binary.invalid/${encodeURIComponent(field)}/${position}.${ext}`;
}
