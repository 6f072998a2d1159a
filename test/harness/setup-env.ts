/**
 * Side-effect module: prepares the process environment BEFORE n8n-core is loaded.
 *
 * core.ts imports this file first, and every harness module that uses n8n-core imports core.ts first.
 * n8n-core reads its configuration (user folder, encryption key, log level, binary data mode) from
 * environment variables when its DI services are first built, and InstanceSettings writes
 * `<N8N_USER_FOLDER>/.n8n/config`. Pointing N8N_USER_FOLDER at a fresh temp directory keeps the
 * harness from ever touching ~/.n8n.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Temp folder used as n8n's user folder for this module instance (one per jest test file). */
export const harnessUserFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-harness-'));

process.env.N8N_USER_FOLDER = harnessUserFolder;
// A fixed key: InstanceSettings would otherwise generate one and persist it in the temp config file.
process.env.N8N_ENCRYPTION_KEY ??= 'n8n-harness-test-encryption-key';
// n8n-core's ErrorReporter logs every node error through the n8n Logger; keep test output quiet
// unless the caller asks for logs (e.g. N8N_LOG_LEVEL=debug npx jest ...).
process.env.N8N_LOG_LEVEL ??= 'silent';
// Default binary data mode of a regular (non-queue) n8n 2.x instance: binary data lives on disk and
// `item.binary[x].data` only holds the mode name, with `id` pointing at the stored file.
process.env.N8N_DEFAULT_BINARY_DATA_MODE ??= 'filesystem';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';

let cleaned = false;
/** Removes the temp user folder (binary data, config). Safe to call more than once. */
export function removeHarnessUserFolder(): void {
	if (cleaned) return;
	cleaned = true;
	try {
		fs.rmSync(harnessUserFolder, { recursive: true, force: true });
	} catch {
		// best effort
	}
}
