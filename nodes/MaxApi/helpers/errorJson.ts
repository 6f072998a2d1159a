import type { IDataObject, NodeApiError, NodeOperationError } from 'n8n-workflow';

/** An item's error as Continue On Fail outputs it: the message and what to do. */
export function errorJson(error: NodeApiError | NodeOperationError): IDataObject {
	return {
		error: error.message,
		...(error.description ? { errorDescription: error.description } : {}),
	};
}
