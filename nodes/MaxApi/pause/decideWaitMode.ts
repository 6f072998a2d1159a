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
	/**
	 * The first item whose files come from binary data (Image Source "Binary Data"), and its model's
	 * name: the run must pause, since the files are served only while it waits.
	 */
	servesFiles?: { itemIndex: number; model: string };
}

/**
 * `poll` or `pause`. `auto` pauses only when it pays (video) and works (Max API can reach the resume
 * URL). An explicit `pause` that cannot work is an error before anything is submitted.
 */
export function decideWaitMode(facts: WaitModeFacts): 'poll' | 'pause' {
	if (facts.servesFiles) return pauseToServeFiles(facts, facts.servesFiles.model);
	if (!facts.waiting || facts.toolMode || facts.requested === 'poll') return 'poll';
	const url = facts.resumeUrl ? parseHttpUrl(facts.resumeUrl) : undefined;
	if (facts.requested === 'auto') {
		const reachable = url !== undefined && reachableByMaxApi(facts, url);
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

/**
 * Files from binary data are served by the waiting execution, so the run pauses whatever Wait Mode
 * says, unless that is Poll (an error: the user asked for something that cannot serve them) or Max API
 * cannot reach this n8n (an error before anything is sent, rather than tasks failing to download).
 * Here the stricter reachability rule of Auto applies: a private address is as unreachable as localhost.
 */
function pauseToServeFiles(facts: WaitModeFacts, model: string): 'pause' {
	if (facts.requested === 'poll') {
		throw new InvalidParameter(
			'Wait Mode',
			'Poll cannot serve files from binary data: Max API downloads them from this execution while it is paused',
			'Set Wait Mode to Auto or Pause Until Callback, or set Image Source to URLs.',
			model,
		);
	}
	if (facts.toolMode) {
		throw new InvalidParameter(
			'Image Source',
			'An AI Agent tool cannot take files from binary data: a tool call cannot pause',
			'Set Image Source to URLs.',
			model,
		);
	}
	const url = facts.resumeUrl ? parseHttpUrl(facts.resumeUrl) : undefined;
	if (url && !reachableByMaxApi(facts, url)) {
		throw new InvalidParameter(
			'Image Source',
			`Max API cannot download files from ${url.host}: it is this machine or a private network, not a public address`,
			"Set n8n's WEBHOOK_URL to the public address of this n8n, or set Image Source to URLs and give public URLs of the files.",
			model,
		);
	}
	if (facts.userCallbackUrl) {
		throw new InvalidParameter(
			'Options',
			'Image Source "Binary Data" and the Callback URL option cannot be used together: a task has one callback URL, and the pause that serves the files needs it',
			'Remove the Callback URL option, or set Image Source to URLs.',
			model,
		);
	}
	if (!url) {
		throw new InvalidParameter(
			'Image Source',
			'This execution cannot pause (n8n gave it no resume URL), and only a paused execution serves files from binary data',
			'Set Image Source to URLs.',
			model,
		);
	}
	return 'pause';
}

/**
 * Whether Max API can reach the resume URL: any URL for another Max API (the emulator, a proxy), and
 * for the real one only a public address (it refuses localhost and cannot reach a private network).
 */
function reachableByMaxApi(facts: WaitModeFacts, url: URL): boolean {
	return !facts.apiIsPublic || isInternetHost(url.hostname);
}
