// The Wait Mode field: how a run waits for its tasks. Version 1 of the node keeps polling unless the
// user picks otherwise (saved workflows keep behaving as they did); version 1.1 starts at Auto.
import type { INodeProperties } from 'n8n-workflow';

import { NOT_AS_TOOL_HIDE } from '../helpers/toolMode';

export const WAIT_MODES = ['auto', 'poll', 'pause'] as const;
export type WaitMode = (typeof WAIT_MODES)[number];

const shown = (version: 1 | 1.1) => ({
	show: { '@version': version === 1 ? [1] : [{ _cnd: { gte: 1.1 } }], waitForCompletion: [true] },
	// An AI Agent's tool call cannot pause the agent's execution: as a tool the node always polls.
	hide: NOT_AS_TOOL_HIDE,
});

/** The field for one node version, with that version's default. */
function waitModeField(version: 1 | 1.1, defaultMode: WaitMode): INodeProperties {
	return {
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description:
					"Pause when every item makes a video (minutes to hours) and Max API can reach this n8n, otherwise poll. Max API can reach it when the credential points at a Max API other than api.maxapi.io, or when n8n's resume URL (WEBHOOK_URL) is a public address: the real Max API refuses localhost. With a Callback URL option set, it polls.",
			},
			{
				name: 'Poll',
				value: 'poll',
				description:
					"Keep the execution running and query the tasks until they end. Holds one of the worker's execution slots meanwhile.",
			},
			{
				name: 'Pause Until Callback',
				value: 'pause',
				description:
					"Save the execution as waiting (it holds no worker and survives restarts) and resume it when Max API calls back with the tasks' results. n8n must be reachable from Max API (WEBHOOK_URL).",
			},
		],
		description: 'How the run waits for the tasks to end',
		default: defaultMode,
		displayOptions: shown(version),
	};
}

/** The field, once per node version (each with its own default). */
export const waitModeProperties: INodeProperties[] = [
	waitModeField(1, 'poll'),
	waitModeField(1.1, 'auto'),
];
