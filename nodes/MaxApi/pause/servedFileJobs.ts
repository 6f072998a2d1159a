// Image Source "Binary", the submitting side. Reading an item: its binary fields become the job's
// served files (their metadata only: the bytes stay in n8n's binary data store and are never read
// here). Pausing: each served file gets its signed URL at the waiting execution (shared/servedFiles.ts)
// in place of the stand-in URL it was validated with, and the awaited item keeps those binary fields,
// so that the paused execution still has them when Max API comes to download them.
import {
	NodeOperationError,
	type IBinaryKeyData,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { InvalidParameter } from '../../shared/invalidParameter';
import type { ModelSpec, UrlListField } from '../../shared/models';
import { fileKey, resumeTokenOf, servedFileUrl } from '../../shared/servedFiles';
import { CREDENTIAL_TYPE } from '../../shared/transport/client';
import {
	checkSourceFile,
	INPUT_BINARY_FIELDS,
	parseBinaryFieldList,
	placeholderUrl,
} from '../helpers/binarySources';
import type { TaskJob } from '../helpers/taskBatch';

/** The files a job's task takes from its item's binary data. */
export interface ServedFiles {
	/** The input field the URLs go into (imageUrls or mediaUrls). */
	key: UrlListField['key'];
	/** In order: the binary field and the file name its URL ends with (`<position>.<ext>`). */
	files: Array<{ field: string; name: string }>;
	/** The item's binary fields served (references into n8n's binary data store). */
	binary: IBinaryKeyData;
}

export type ServedJob = TaskJob & { servedFiles?: ServedFiles };

export function servedFilesOf(job: TaskJob | NodeOperationError): ServedFiles | undefined {
	return job instanceof NodeOperationError ? undefined : (job as ServedJob).servedFiles;
}

/**
 * The item's source files for `field` of `model`, checked: every named binary field exists, the
 * model takes its type, and there are no more than the model's documented maximum. Returns the
 * stand-in URLs the input is validated with, and what the job serves.
 */
export function readServedFiles(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: ModelSpec,
	field: UrlListField,
): { urls: string[]; served: ServedFiles } {
	const names = parseBinaryFieldList(
		ctx.getNodeParameter('inputBinaryFields', itemIndex, 'data'),
		model.name,
	);
	if (field.max !== undefined && names.length > field.max) {
		throw new InvalidParameter(
			INPUT_BINARY_FIELDS,
			`${model.name} takes at most ${field.max} files, not ${names.length}`,
			`Name ${field.min === field.max ? field.max : `${field.min} to ${field.max}`} binary fields.`,
			model.name,
		);
	}
	const item = ctx.getInputData()[itemIndex];
	const binary: IBinaryKeyData = {};
	const files = names.map((name, position) => {
		const data =
			item?.binary && Object.prototype.hasOwnProperty.call(item.binary, name)
				? item.binary[name]
				: undefined;
		if (!data) {
			const present = Object.keys(item?.binary ?? {});
			throw new InvalidParameter(
				INPUT_BINARY_FIELDS,
				`Item ${itemIndex} has no binary field "${name}"`,
				present.length > 0
					? `Its binary fields are ${present.slice(0, 10).join(', ')}: name one of them.`
					: 'The item has no binary data: put a node that outputs files before this one (Form Trigger, Read Files, HTTP Request), or set Image Source to URLs.',
				model.name,
			);
		}
		const { ext } = checkSourceFile(model, name, data);
		binary[name] = data;
		return { field: name, name: `${position}.${ext}`, url: placeholderUrl(name, position, ext) };
	});
	return {
		urls: files.map((file) => file.url),
		served: {
			key: field.key,
			files: files.map(({ field: f, name }) => ({ field: f, name })),
			binary,
		},
	};
}

/** The key the run's file URLs are signed with: the resume token in its URL (n8n 2.x) and the API key. */
export async function fileSigningKey(ctx: IExecuteFunctions, resumeUrl: string): Promise<string> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	return fileKey(resumeTokenOf(resumeUrl), String(credentials.apiKey ?? ''));
}

/** The jobs with every served file's stand-in URL replaced by its signed URL at the waiting execution. */
export function withServedFileUrls(
	jobs: Array<TaskJob | NodeOperationError>,
	resumeUrl: string,
	executionId: string,
	key: string,
): Array<TaskJob | NodeOperationError> {
	return jobs.map((job) => {
		const served = servedFilesOf(job);
		if (!served || job instanceof NodeOperationError || !job.submit) return job;
		const urls = served.files.map(({ field, name }) =>
			servedFileUrl(resumeUrl, executionId, key, { itemIndex: job.itemIndex, field, name }),
		);
		return {
			...job,
			submit: { ...job.submit, input: { ...job.submit.input, [served.key]: urls } },
		};
	});
}

/** The awaited item of a job, with the binary fields it serves (nothing added for other jobs). */
export function withServedBinary(
	item: INodeExecutionData,
	job: TaskJob | NodeOperationError,
): INodeExecutionData {
	const served = servedFilesOf(job);
	return served ? { ...item, binary: { ...served.binary } } : item;
}
