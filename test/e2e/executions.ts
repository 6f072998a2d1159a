// Reading executions of a real n8n from the e2e suites: waiting for a status, and the Max API node's
// output items.
import { sleep } from '../../scripts/lib/time';
import type { N8nExecution, N8nInstance } from '../../scripts/n8n-server';

/** Polls the execution (with its data) until it has one of `statuses`; 404 counts as "not yet saved". */
export async function untilStatus(
	n8n: N8nInstance,
	id: string,
	statuses: string[],
	timeoutMs: number,
): Promise<N8nExecution> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		let execution: N8nExecution | undefined;
		try {
			execution = await n8n.getExecution(id, { includeData: true });
		} catch (error) {
			if ((error as { status?: number }).status !== 404) throw error;
		}
		if (execution && statuses.includes(execution.status)) return execution;
		if (Date.now() > deadline)
			throw new Error(
				`execution ${id} is ${execution?.status}, not ${statuses.join('/')}, after ${timeoutMs} ms`,
			);
		await sleep(250);
	}
}

/** The items of the node's last run (a paused node has two: the pause and the resume). */
export function nodeItems(execution: N8nExecution, nodeName = 'Max API') {
	const runs = execution.data!.resultData.runData[nodeName];
	return runs[runs.length - 1].data!.main[0]!;
}
