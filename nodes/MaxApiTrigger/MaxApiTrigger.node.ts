import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { TERMINAL_STATUSES, type TaskData } from '../shared/api';
import { downloadTaskResults } from '../shared/download';
import { findModel, MODEL_IDS } from '../shared/models';
import { resultMedia, resultUrls, taskModel, taskToJson } from '../shared/taskOutput';
import { MaxApiClient } from '../shared/transport/client';
import { checkSecret, type Rejection } from '../shared/callback';
import { callbackRequest } from '../shared/callbackRequest';
import { verifyTask } from '../shared/verifyTask';

/** How to get a callback to the Test URL while the editor listens (one run, then listening stops). */
const SEND_TO_TEST_URL =
	'Send it one by running a Max API node with Wait for Completion off and this Test URL as Callback URL (your n8n must be reachable from the internet), or replay a finished task yourself: POST {"data": {"taskId": "TASK_ID", "status": "SUCCESS"}} (its id and final status) as application/json to the Test URL, with ?token=YOUR_CALLBACK_TOKEN if the credential has a Callback Token. With Verify With Max API on, the run gets the task as Max API reports it.';

const TEST_URL_HELP = `<b>To test</b>: click <b>Execute step</b>; this node then listens on its <b>Test URL</b> (Webhook URLs, above) for one callback. ${SEND_TO_TEST_URL} For real tasks, give Max API the Production URL: a Test URL works only while the editor listens.`;

interface TriggerOptions {
	downloadImages?: boolean;
	binaryPropertyName?: string;
}

export class MaxApiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Max API Trigger',
		name: 'maxApiTrigger',
		icon: { light: 'file:../../icons/maxapi.svg', dark: 'file:../../icons/maxapi.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'On finished task',
		description: 'Starts the workflow when Max API calls back with a finished task',
		defaults: { name: 'Max API Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Always needed: it holds the callback token, and the key that verifies tasks.
		credentials: [{ name: 'maxApi', required: true }],
		// The panel shown while the node listens on its Test URL (n8n's default text says "go to Max API and
		// make an event happen", which is not how a callback comes).
		triggerPanel: {
			executionsHelp: {
				inactive: `<b>While building your workflow</b>, click 'Execute step': this node listens on its Test URL for one callback. ${SEND_TO_TEST_URL} The run shows up in this editor.<br /><br /><b>Once you're happy with your workflow</b>, publish it and give Max API the Production URL as Callback URL: every callback then starts a run, listed in the workflow's executions.`,
				active: `<b>While building your workflow</b>, click 'Execute step': this node listens on its Test URL for one callback. ${SEND_TO_TEST_URL} The run shows up in this editor.<br /><br /><b>Your workflow is published</b>: every callback to the Production URL also starts a run, listed in the workflow's executions.`,
			},
			activationHint: {
				inactive:
					'Once you have finished building your workflow, publish it: callbacks to the Production URL then start runs (they will not show up here).',
				active:
					'Callbacks to the Production URL also start runs, since this workflow is published (they will not show up here).',
			},
		},
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'maxapi',
			},
		],
		properties: [
			{
				displayName:
					"Paste this node's <b>Production URL</b> (above) into the Max API node's <b>Callback URL</b> option and turn off Wait for Completion there; the node adds the credential's Callback Token to it. Then <b>Publish</b> this workflow (n8n 1.x: make it Active): only a published workflow receives callbacks on the Production URL. Max API calls from the internet and refuses localhost, so your n8n must be publicly reachable (n8n's WEBHOOK_URL setting).",
				name: 'callbackNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: TEST_URL_HELP,
				name: 'testUrlNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Verify With Max API',
				name: 'verifyWithApi',
				type: 'boolean',
				default: true,
				description:
					"Whether to look the task up at Max API before starting a run, and use the API's answer rather than the request's body. Max API does not sign callbacks: with this off, anyone who knows the URL (and the token) can start runs with made-up tasks.",
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				default: [...TERMINAL_STATUSES],
				description: 'Which task endings start a run; other callbacks are acknowledged and ignored',
				options: [
					{ name: 'Cancelled', value: 'CANCELLED' },
					{ name: 'Failure', value: 'FAILURE' },
					{ name: 'Success', value: 'SUCCESS' },
					{ name: 'Timeout', value: 'TIMEOUT' },
				],
			},
			{
				displayName: 'Models',
				name: 'models',
				type: 'multiOptions',
				default: [],
				description: 'Start runs only for tasks of these models. None selected: all models.',
				options: modelFilterOptions(),
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Download Results',
						name: 'downloadImages',
						type: 'boolean',
						default: true,
						description:
							'Whether to download the images or video of a successful task into binary data (data, data_1, …), after Max API has been answered',
					},
					{
						displayName: 'Put Output File in Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description:
							'Name of the binary field for the first file; further files get _1, _2… appended',
					},
				],
			},
		],
	};

	// Max API has no endpoint to register callbacks: the URL travels with each submit (callBackUrl).
	// n8n still calls these when the workflow is published (activated, in n8n 1.x), so they report
	// success and change nothing remotely.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { answer, parseBody } = callbackRequest(this);
		const reject = (rejection: Rejection, taskId?: string): IWebhookResponseData => {
			// The reason goes to the log and to the caller; the token never does.
			this.logger.warn(
				`Max API Trigger: callback rejected (${rejection.status}: ${rejection.reason})`,
				{ taskId },
			);
			return answer(rejection.status, { received: false, error: rejection.reason });
		};

		const client = await MaxApiClient.connect(this);
		const secretRejection = checkSecret(
			client.callbackToken,
			this.getQueryData() as Record<string, unknown>,
			this.getHeaderData() as Record<string, unknown>,
		);
		if (secretRejection) return reject(secretRejection);

		const parsed = parseBody();
		if ('rejection' in parsed) return reject(parsed.rejection);
		const claimed = parsed.task;

		let task: TaskData = claimed;
		if (this.getNodeParameter('verifyWithApi', true) as boolean) {
			const verified = await verifyTask(client, claimed);
			if ('rejection' in verified) return reject(verified.rejection, claimed.taskId);
			task = verified.task;
		}

		const statuses = this.getNodeParameter('statuses', []) as string[];
		const models = this.getNodeParameter('models', []) as string[];
		const model = typeof task.input?.model === 'string' ? task.input.model : undefined;
		if (
			!statuses.includes(task.status) ||
			(models.length > 0 && (!model || !models.includes(model)))
		) {
			return answer(200, {
				received: true,
				taskId: task.taskId,
				ignored: 'not selected by the trigger filters',
			});
		}

		// Answer Max API first: downloads can take longer than a callback sender waits.
		answer(200, { received: true, taskId: task.taskId });

		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const item: INodeExecutionData = { json: taskToJson(task) };
		const urls = resultUrls(task);
		if ((options.downloadImages ?? true) && urls.length > 0) {
			try {
				const media = resultMedia(task, taskModel(task));
				item.binary = await downloadTaskResults(
					this,
					{ taskId: task.taskId, urls, media },
					options.binaryPropertyName || 'data',
					0,
				);
			} catch (error) {
				// The callback was accepted: start the run anyway, with the URLs and the reason.
				item.json.downloadError = (error as Error).message;
			}
		}
		return { noWebhookResponse: true, workflowData: [[item]] };
	}
}

/** Every catalog model id, once (Seedream's ids serve text and image to image alike), by name. */
function modelFilterOptions(): Array<{ name: string; value: string }> {
	return MODEL_IDS.map((id) => ({ name: `${findModel(id)!.name} (${id})`, value: id })).sort(
		(a, b) => a.name.localeCompare(b.name),
	);
}
