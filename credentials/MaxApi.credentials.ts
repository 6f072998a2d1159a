import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A task id no real task can have: querying it proves the key without creating or paying for anything. */
const PROBE_TASK_ID = '00000000-0000-0000-0000-000000000000';

export class MaxApi implements ICredentialType {
	name = 'maxApi';

	displayName = 'Max API';

	icon: Icon = { light: 'file:../icons/maxapi.svg', dark: 'file:../icons/maxapi.dark.svg' };

	documentationUrl = 'https://docs.maxapi.io/api-reference/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your Max API key, sent as a Bearer token',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.maxapi.io',
			description: 'Change only to go through a proxy or to use a Max API emulator',
		},
		{
			displayName: 'Callback Token',
			name: 'callbackToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			// The modal shows a description only as a tooltip while the field has focus; the hint is always shown.
			hint: "Optional: any long random string. The Max API node adds it to Callback URLs and the Max API Trigger refuses callbacks without it. Empty: no token check, so anyone who knows the trigger's URL can call it (Verify With Max API still checks each task).",
			description:
				'A secret of your own that proves a callback comes from a Callback URL you gave Max API (Max API does not sign callbacks). When set, the Max API node adds it to every Callback URL (?token=…) and the Max API Trigger refuses callbacks that lack it (401) or carry another (403): use this same credential in both nodes. When empty, Callback URLs carry no token and the trigger accepts requests from anyone who knows its URL; with Verify With Max API on, only real finished tasks of your account then start runs, but such a task can be replayed. Changing it makes the callbacks of tasks already submitted fail. Stored encrypted with the credential, never in workflows.',
		},
	];

	// No `authenticate` block: n8n offers its "Custom API Call" operation on every node whose credential
	// has one, and then hides all the node's fields, so that operation could never work in the Max API
	// node. The nodes send the Bearer header themselves (shared/transport/client.ts).

	// Max API has no "who am I" endpoint. Querying a task that cannot exist is free: a bad key is
	// answered with code 401, a good one with "not found". HTTP errors are not thrown so that the
	// envelope's code decides, whatever HTTP status carries it.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: `/api/v1/task/${PROBE_TASK_ID}`,
			method: 'GET',
			headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 401,
					message:
						'Max API rejected this API key (code 401). Copy the key again from your Max API dashboard.',
				},
			},
		],
	};
}
