import type { SubmitBody } from '../../shared/api';
import { withCallbackToken } from '../../shared/callback';
import type { MaxApiClient } from '../../shared/transport/client';
import type { TaskOptionValues } from '../descriptions/taskOptions';
import { validateCallbackUrl } from './validation';

/** The submit request of a task: the model and input, plus the Callback URL (with the credential's token) and User ID options. */
export function submitBody(
	model: string,
	input: Record<string, unknown>,
	options: TaskOptionValues,
	client: MaxApiClient,
): SubmitBody {
	const callbackUrl = validateCallbackUrl(options.callbackUrl, client.isPublicApi);
	const callBackUrl = callbackUrl && withCallbackToken(callbackUrl, client.callbackToken);
	return {
		model,
		...(callBackUrl ? { callBackUrl } : {}),
		...(options.userId ? { user_id: String(options.userId) } : {}),
		input,
	};
}
