// API faults table, download rows: faults when the node downloads the results.
import type { Row } from './row';

export const downloadRows: Row[] = [
	{
		name: 'download: 404 (expired URL)',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'http', status: 404 }],
		expect: {
			error: /HTTP 404: the file is gone/,
			description: /Run Get Task with Task ID .* or turn off Download Results/,
		},
	},
	{
		name: 'download: 403 (expired signed URL)',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'http', status: 403 }],
		expect: { error: /HTTP 403: the file is gone/, description: /Run Get Task/ },
	},
	{
		name: 'download: a body that is not an image (HTML)',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'notImage' }],
		expect: { error: /is not an image file/, description: /Run Get Task with Task ID/ },
	},
	{
		name: 'download: truncated once, then whole',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'truncated' }],
		expect: {
			recovery: 'the download is retried; the image arrives whole',
			check: ({ result }) => expect(result.outputOf('Max API')[0].binary?.data).toBeDefined(),
		},
	},
	{
		name: 'download: truncated on every attempt',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'truncated', times: 3 }],
		expect: {
			error: /connection broke \((ECONNRESET|aborted)\)|cut short/,
			description: /Run Get Task/,
		},
	},
	{
		name: 'download: 502 twice, then whole',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'http', status: 502, times: 2 }],
		expect: {
			recovery: 'retried',
			check: ({ result }) => expect(result.outputOf('Max API')[0].binary?.data).toBeDefined(),
		},
	},
	{
		name: 'download: huge body, 128 MiB announced (limit 64 MiB)',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'huge' }],
		expect: { error: /larger than 64 MB/, description: /Run Get Task/ },
	},
	{
		name: 'download: huge body, size not announced (chunked, limit 64 MiB)',
		options: { downloadImages: true },
		faults: [{ on: 'download', kind: 'huge', contentLength: false, bytes: 80 * 1024 * 1024 }],
		expect: { error: /larger than 64 MB/, description: /Run Get Task/ },
	},
];
