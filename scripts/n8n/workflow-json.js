'use strict';
/** Workflow JSON as n8n's public API accepts it: its schemas are strict, editor exports carry more. */

const NODE_KEYS = [
	'id',
	'name',
	'webhookId',
	'disabled',
	'notesInFlow',
	'notes',
	'type',
	'typeVersion',
	'executeOnce',
	'alwaysOutputData',
	'retryOnFail',
	'maxTries',
	'waitBetweenTries',
	'continueOnFail',
	'onError',
	'position',
	'parameters',
	'credentials',
];
const SETTINGS_KEYS = [
	'saveExecutionProgress',
	'saveManualExecutions',
	'saveDataErrorExecution',
	'saveDataSuccessExecution',
	'executionTimeout',
	'errorWorkflow',
	'timezone',
	'executionOrder',
	'callerPolicy',
	'callerIds',
	'timeSavedMode',
	'timeSavedPerExecution',
	'availableInMCP',
];
const pick = (obj, keys) =>
	Object.fromEntries(keys.filter((k) => obj && obj[k] !== undefined).map((k) => [k, obj[k]]));

function toPublicWorkflow(json) {
	const wf = typeof json === 'string' ? JSON.parse(json) : json;
	const out = {
		name: wf.name || 'Untitled workflow',
		nodes: (wf.nodes || []).map((n) => pick(n, NODE_KEYS)),
		connections: wf.connections || {},
		settings: { executionOrder: 'v1', ...pick(wf.settings || {}, SETTINGS_KEYS) },
	};
	if (wf.staticData) out.staticData = wf.staticData;
	if (wf.pinData && Object.keys(wf.pinData).length) out.pinData = wf.pinData;
	return out;
}

module.exports = { toPublicWorkflow };
