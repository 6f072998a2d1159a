// Whether a run polls or pauses until Max API calls back. Pure: the node gathers the facts.
import { InvalidParameter } from '../../shared/invalidParameter';
import { isInternetHost, isLoopbackHost, parseHttpUrl } from '../../shared/url';
import type { WaitMode } from '../descriptions/waitMode';

export interface WaitModeFacts {
	requested: WaitMode;
	/** Whether any item waits for its task (Wait for Completion). */
	waiting: boolean;
	/** Whether every item makes a video: tasks of minutes to hours, worth a pause. */
	allVideo: boolean;
	/** The execution's resume URL, when it has one (a saved execution does; a tool call does not). */
	resumeUrl?: string;
	/** Whether the credential points at the real Max API, which refuses localhost callback URLs. */
	apiIsPublic: boolean;
	/** Whether an item sets the Callback URL option: a task has one callback URL. */
	userCallbackUrl: boolean;
	/** An AI Agent tool call: it cannot pause the agent's execution. */
	toolMode: boolean;
}

/**
 * `poll` or `pause`. `auto` pauses only when it pays (video) and works (Max API can reach the resume
 * URL). An explicit `pause` that cannot work is an error before anything is submitted.
 */
export function decideWaitMode(facts: WaitModeFacts): 'poll' | 'pause' {
	if (!facts.waiting || facts.toolMode || facts.requested === 'poll') return 'poll';
	const url = facts.resumeUrl ? parseHttpUrl(facts.resumeUrl) : undefined;
	if (facts.requested === 'auto') {
		const reachable = url !== undefined && (!facts.apiIsPublic || isInternetHost(url.hostname));
		return facts.allVideo && reachable && !facts.userCallbackUrl ? 'pause' : 'poll';
	}
	if (facts.userCallbackUrl) {
		throw new InvalidParameter(
			'Wait Mode',
			'Pause Until Callback and the Callback URL option cannot be used together: a task has one callback URL, and pausing needs it',
			'Remove the Callback URL option, or set Wait Mode to Poll (the task then calls your URL and the node polls).',
		);
	}
	if (!url) {
		throw new InvalidParameter(
			'Wait Mode',
			'This execution cannot pause: n8n gave it no resume URL',
			'Set Wait Mode to Poll or Auto.',
		);
	}
	if (facts.apiIsPublic && isLoopbackHost(url.hostname)) {
		throw new InvalidParameter(
			'Wait Mode',
			`Max API cannot call back ${url.host}: it is this machine, and the real Max API refuses localhost callback URLs`,
			"Set n8n's WEBHOOK_URL to the public address of this n8n, or set Wait Mode to Poll or Auto.",
		);
	}
	return 'pause';
}
