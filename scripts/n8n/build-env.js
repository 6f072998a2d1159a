'use strict';
/**
 * The environment an n8n process gets: isolated from the caller's own n8n, npm and test-runner
 * settings, listening on 127.0.0.1 only, and making no calls to n8n.io (telemetry, templates,
 * version checks, verified-package list and the MCP-registry refresh are off). Plain CommonJS.
 */
const path = require('path');
const { scrubNpmEnv } = require('../lib/npm-env');
const { versionProfile } = require('./versions');

/** The caller's own n8n settings must not leak into this isolated instance. */
const N8N_SETTINGS =
	/^(N8N_|DB_|EXECUTIONS_|QUEUE_|GENERIC_TIMEZONE$|WEBHOOK_URL$|VUE_APP_|CODE_ENABLE_STDOUT$)/;
/** jest sets NODE_ENV=test, and n8n refuses to load nodes "in tests"; test-runner/tool settings stay out too. */
const TOOL_SETTINGS = /^(NODE_ENV|NODE_OPTIONS|JEST_WORKER_ID|TS_NODE_.*)$/;

function withoutOuterSettings(env) {
	scrubNpmEnv(env);
	for (const k of Object.keys(env))
		if (N8N_SETTINGS.test(k) || TOOL_SETTINGS.test(k)) delete env[k];
	return env;
}

/**
 * @param {object} o
 * @param {{nodeBin:string, n8nVersion:string}} o.runtime
 * @param {string} o.userFolder
 * @param {number} o.port          the editor/REST port
 * @param {number} o.brokerPort    the task-runner broker's port (each n8n process needs its own)
 * @param {string} o.encryptionKey
 * @param {object} o.ownerEnv      N8N_INSTANCE_OWNER_* (scripts/n8n/owner.js); empty for an n8n that ignores them
 * @param {object} [o.queue]       queue mode: { redisPort, postgres: {port, database, user}, webhookPort }
 * @param {object} [o.overrides]   the caller's extra/overriding variables, applied last
 */
function buildEnv({
	runtime,
	userFolder,
	port,
	brokerPort,
	encryptionKey,
	ownerEnv,
	queue = null,
	overrides,
}) {
	const url = `http://127.0.0.1:${port}`;
	const profile = versionProfile(runtime.n8nVersion);
	const env = withoutOuterSettings({ ...process.env });
	const noProxy = ['127.0.0.1', 'localhost', env.NO_PROXY || env.no_proxy]
		.filter(Boolean)
		.join(',');
	Object.assign(env, {
		PATH: [path.dirname(runtime.nodeBin), process.env.PATH].join(path.delimiter),
		N8N_USER_FOLDER: userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `${url}/`,
		N8N_EDITOR_BASE_URL: url,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		// community packages on, but no fetch of n8n's verified-package list
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		// modules that would call n8n.io (scripts/n8n/versions.js says which, per version)
		...(profile.disabledModules ? { N8N_DISABLED_MODULES: profile.disabledModules } : {}),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_TASK_TIMEOUT: '300',
		N8N_PYTHON_ENABLED: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		DB_TYPE: 'sqlite',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		...ownerEnv,
		...profile.env,
		NO_PROXY: noProxy,
		no_proxy: noProxy,
	});
	if (queue) Object.assign(env, queueModeEnv(queue));
	// production and waiting webhooks go to the webhook process; WEBHOOK_URL, unlike N8N_WEBHOOK_URL, leaves
	// the test-webhook URLs (/webhook-test, served by main only) on the editor's address
	if (queue) delete env.N8N_WEBHOOK_URL;
	return Object.assign(env, overrides || {});
}

/**
 * What every process of a queue-mode n8n shares: the Redis queue, the PostgreSQL database, binary data
 * in that database (a worker cannot read another process's filesystem store), manual runs on the
 * workers too, and the webhook process's address in the URLs n8n hands out (trigger and resume URLs).
 */
function queueModeEnv({ redisPort, postgres, webhookPort }) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/`,
	};
}

module.exports = { buildEnv };
