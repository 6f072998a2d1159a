import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { MaxApiClient } from '../../shared/transport/client';
import { maxParallelRequests, parameterError, requestTimeoutMs } from '../descriptions/taskOptions';
import { runTaskBatch, type TaskJob } from '../helpers/taskBatch';
import { isToolMode } from '../helpers/toolMode';
import { pauseRun } from '../pause/pauseRun';
import { fileSigningKey, servedFilesOf, withServedFileUrls } from '../pause/servedFileJobs';
import { pauseResumeUrl } from '../pause/waitModeOf';

/**
 * What every operation does: read each item's job (a bad parameter becomes that item's error, before
 * anything is sent), then run all the jobs as one batch.
 */
export async function executeTasks(
	ctx: IExecuteFunctions,
	readJob: (itemIndex: number, client: MaxApiClient) => TaskJob,
): Promise<INodeExecutionData[]> {
	const client = await MaxApiClient.connect(ctx, {
		signal: ctx.getExecutionCancelSignal(),
		requestTimeoutMs: requestTimeoutMs(ctx),
	});
	const jobs: Array<TaskJob | NodeOperationError> = ctx.getInputData().map((_, itemIndex) => {
		try {
			return readJob(itemIndex, client);
		} catch (error) {
			return parameterError(ctx, error, itemIndex);
		}
	});
	// Bad parameters anywhere stop the run first, before the wait mode is decided (which may refuse
	// too) and before anything is sent or billed.
	const invalid = jobs.find((job): job is NodeOperationError => job instanceof NodeOperationError);
	if (invalid && !ctx.continueOnFail()) throw invalid;
	const resumeUrl = pauseResumeUrl(ctx, jobs, client);
	if (resumeUrl) {
		// Files from binary data: their URLs at this execution are known only now.
		const withUrls = jobs.some((job) => servedFilesOf(job))
			? withServedFileUrls(
					jobs,
					resumeUrl,
					ctx.getExecutionId(),
					await fileSigningKey(ctx, resumeUrl),
				)
			: jobs;
		return await pauseRun(ctx, client, withUrls, maxParallelRequests(ctx), resumeUrl);
	}
	// An AI Agent tool reports a task that ended without results to the model as a result, not an error.
	return await runTaskBatch(ctx, client, jobs, maxParallelRequests(ctx), {
		endedTasksAsOutput: isToolMode(ctx),
	});
}
