// The deadline check a paused run asks for itself, from the process that paused it: at the deadline,
// a POST of {"check": true} to its own resume URL makes the node's webhook query every task still
// awaited once, and the run resumes with the results and, for tasks still running, the same timeout
// errors as polling gives (resumeWebhook.ts). It is a timer in this process, lost if n8n stops; the
// wait itself is not: n8n ends it at its own deadline (pauseRun.ts), and any later callback of the
// batch finds every task.
import { sleep, type IExecuteFunctions } from 'n8n-workflow';

export const CHECK_BODY = { check: true } as const;

/** Asks the paused run to check its tasks at `deadlineMs` from now (a little after: the deadline must have passed). */
export function scheduleDeadlineCheck(
	ctx: IExecuteFunctions,
	resumeUrl: string,
	deadlineMs: number,
): void {
	void sleep(deadlineMs + 1_000).then(async () => await postCheck(ctx, resumeUrl));
}

/** Asks the paused run to query its tasks now (the deadline check, or an early sweep: taskLedger.ts). */
export async function postCheck(ctx: IExecuteFunctions, resumeUrl: string): Promise<void> {
	await ctx.helpers
		.httpRequest({
			method: 'POST',
			url: resumeUrl,
			body: CHECK_BODY,
			json: true,
			timeout: 120_000,
		})
		// 409: the run has resumed already; nothing to do.
		.catch(() => undefined);
}
