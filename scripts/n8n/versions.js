'use strict';
/**
 * What the tooling does differently per n8n major version, in one object per major, so the launcher's
 * modules ask the profile instead of comparing version numbers. Each field says what was met when
 * n8n 1.123.81 (the last 1.x) was started here next to 2.41.1. Plain CommonJS.
 */

const PROFILES = {
	2: {
		// the MCP-registry module refreshes a server list from api.n8n.io at start: switched off
		disabledModules: 'mcp-registry',
		// N8N_INSTANCE_OWNER_* create the owner at start; no setup screen, no setup call
		ownerFromEnv: true,
		// /healthz/readiness answers once n8n can serve
		readyLogLine: null,
		// the public API lists (GET) and updates (PATCH) credentials
		credentialsListAndUpdateOverRest: false,
		// POST /rest/workflows/:id/run runs the saved workflow from the trigger it is given
		runNeedsWorkflowData: false,
		// n8n's defaults suit the tooling
		env: {},
	},
	1: {
		// 1.x has no mcp-registry module, and an unknown name in N8N_DISABLED_MODULES aborts its start
		disabledModules: null,
		// 1.x ignores N8N_INSTANCE_OWNER_*: the owner is made with POST /rest/owner/setup on a fresh instance
		ownerFromEnv: false,
		// 1.x answers /healthz/readiness while its migrations still run; this line comes when it can serve
		readyLogLine: /Editor is now accessible/,
		// 1.x's public API answers 405 to GET and PATCH /api/v1/credentials (it creates and deletes them);
		// the editor's endpoints, /rest/credentials, do both
		credentialsListAndUpdateOverRest: true,
		// 1.x's run endpoint wants the workflow itself in the body, as its editor sends it
		runNeedsWorkflowData: true,
		// 1.x's default SQLite mode (no read pool, deprecated by 1.x itself) saves an execution's status and
		// its data in two writes outside a transaction: a reader in between sees a finished run whose data is
		// missing or not yet the final one. With a pool (2.x's default, 3) both are written in one transaction.
		env: { DB_SQLITE_POOL_SIZE: '3' },
	},
};

/** The profile of an n8n version ('2.41.1', '1.123.81'); throws for a major the tooling does not know. */
function versionProfile(n8nVersion) {
	const major = String(n8nVersion).split('.')[0];
	const profile = PROFILES[major];
	if (!profile)
		throw new Error(
			`n8n ${n8nVersion}: the tooling knows how to run n8n ${Object.keys(PROFILES).join('.x and ')}.x only`,
		);
	return { major: Number(major), ...profile };
}

module.exports = { versionProfile };
