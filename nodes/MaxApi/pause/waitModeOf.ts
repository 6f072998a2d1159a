// The run's wait mode, from the Wait Mode field (read once: a run pauses as a whole) and what n8n and
// the jobs say: the resume URL when the run pauses, undefined when it polls.
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { findModel } from '../../shared/models';
import type { MaxApiClient } from '../../shared/transport/client';
import { parameterError } from '../descriptions/taskOptions';
import type { WaitMode } from '../descriptions/waitMode';
import type { TaskJob } from '../helpers/taskBatch';
import { isToolMode } from '../helpers/toolMode';
import { decideWaitMode } from './decideWaitMode';
import { servedFilesOf } from './servedFileJobs';

/** The placeholder n8n puts in `$execution.resumeUrl` for an execution without an id. */
const NO_EXECUTION_ID = '__UNKNOWN__';

export function pauseResumeUrl(
	ctx: IExecuteFunctions,
	jobs: Array<TaskJob | NodeOperationError>,
	client: MaxApiClient,
): string | undefined {
	const live = jobs.filter((job): job is TaskJob => !(job instanceof NodeOperationError));
	const submitting = live.filter((job) => job.submit);
	const requested = (
		ctx.getInputData().length > 0 ? ctx.getNodeParameter('waitMode', 0, 'poll') : 'poll'
	) as WaitMode;
	const resumeUrl = readResumeUrl(ctx);
	const served = live.find((job) => servedFilesOf(job) && job.submit);
	const servesFiles = served && {
		itemIndex: served.itemIndex,
		model: findModel(served.submit!.model)?.name ?? served.submit!.model,
	};
	try {
		const mode = decideWaitMode({
			requested,
			waiting: submitting.some((job) => job.wait),
			allVideo:
				submitting.length > 0 &&
				submitting.every((job) => findModel(job.submit!.model)?.media === 'video'),
			resumeUrl,
			apiIsPublic: client.isPublicApi,
			userCallbackUrl: submitting.some((job) => job.submit!.callBackUrl !== undefined),
			toolMode: isToolMode(ctx),
			servesFiles,
		});
		return mode === 'pause' ? resumeUrl : undefined;
	} catch (error) {
		throw parameterError(ctx, error, servesFiles?.itemIndex ?? 0);
	}
}

function readResumeUrl(ctx: IExecuteFunctions): string | undefined {
	const url = ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	return typeof url === 'string' && url !== '' && !url.includes(NO_EXECUTION_ID) ? url : undefined;
}
