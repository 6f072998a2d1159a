// Reading and answering a Max API callback: the same for the trigger's webhook and for a paused run's
// resume webhook, which both answer with a small JSON body and write the response themselves.
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { parseCallbackBody } from './callback';

export function callbackRequest(ctx: IWebhookFunctions) {
	const response = ctx.getResponseObject();
	/** Answers the caller now; the webhook may still go on (downloads) and start or resume a run. */
	const answer = (status: number, body: IDataObject): IWebhookResponseData => {
		response.status(status).json(body);
		return { noWebhookResponse: true };
	};
	/** The claimed task, or why the request is refused. The body's size is the bytes received when n8n kept them. */
	const parseBody = () => {
		const headers = ctx.getHeaderData();
		const rawBody = (ctx.getRequestObject() as unknown as { rawBody?: Buffer }).rawBody;
		const declaredLength = Number(headers['content-length']);
		return parseCallbackBody(
			ctx.getBodyData(),
			headers['content-type'],
			rawBody?.length ?? (Number.isFinite(declaredLength) ? declaredLength : undefined),
		);
	};
	return { answer, parseBody };
}
