/**
 * n8n-core bootstrap: the module copies n8n-core itself uses, the few DI services the engine needs,
 * the harness' temp user folder, and the one way the harness refuses what it does not re-create.
 *
 * IMPORTANT: './setup-env' must stay the first import: it points N8N_USER_FOLDER at a temp dir before
 * n8n-core reads its configuration. Every harness module that uses n8n-core imports this module first.
 */
import { harnessUserFolder, removeHarnessUserFolder } from './setup-env';

import type * as http from 'node:http';
import * as path from 'node:path';

import { BinaryDataService, Cipher, EncryptionKeyProxy, InstanceSettings } from 'n8n-core';
import type { KeyInfo } from 'n8n-core';
import { UnexpectedError } from 'n8n-workflow';

/**
 * n8n-core ships its OWN copies of @n8n/di, @n8n/backend-common and @n8n/backend-network under
 * node_modules/n8n-core/node_modules (the hoisted top-level copies are other versions, pulled in by
 * @n8n/node-cli). The DI Container is a module-level map keyed by class, so services registered by
 * n8n-core are only visible through n8n-core's copy: always load those packages relative to n8n-core.
 */
export const n8nCoreDir = path.dirname(require.resolve('n8n-core/package.json'));

function requireFromN8nCore<T>(id: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(require.resolve(id, { paths: [n8nCoreDir] })) as T;
}

export const { Container } = requireFromN8nCore<typeof import('@n8n/di')>('@n8n/di');

/** n8n's own request parsing (sets contentType / encoding on an IncomingMessage). */
export const { parseIncomingMessage } = requireFromN8nCore<{
	parseIncomingMessage: (message: http.IncomingMessage) => void;
}>('@n8n/backend-network');

let coreReady: Promise<void> | undefined;

/**
 * Builds the few n8n-core services the engine needs, once per module instance:
 * - InstanceSettings (reads N8N_USER_FOLDER / N8N_ENCRYPTION_KEY, writes <tmp>/.n8n/config),
 * - an encryption key provider for n8n-core's Cipher: n8n 2.x's CLI serves keys from its database
 *   (key rotation); the harness serves the single legacy key, i.e. the instance encryption key,
 * - BinaryDataService in n8n 2.x's default `filesystem` mode, storing under <tmp>/.n8n/storage.
 * Everything else (Logger, ErrorReporter, OutboundHttp, ...) is created lazily by the Container.
 */
export async function initN8nCore(): Promise<void> {
	coreReady ??= (async () => {
		const instanceSettings = Container.get(InstanceSettings);
		const legacyKey: KeyInfo = {
			id: 'legacy',
			value: Container.get(Cipher).encryptDEKWithInstanceKey(instanceSettings.encryptionKey),
			algorithm: 'aes-256-cbc',
			format: 'no-prefix',
		};
		Container.get(EncryptionKeyProxy).setProvider({
			getActiveKey: async () => legacyKey,
			getKeyById: async (id: string) => (id === legacyKey.id ? legacyKey : null),
			getLegacyKey: async () => legacyKey,
		});
		await Container.get(BinaryDataService).init();
	})();
	await coreReady;
}

/**
 * The harness' answer to an n8n feature it does not re-create (OAuth, credential inheritance,
 * sub-workflows, ...): fail loudly instead of imitating n8n halfway.
 */
export function notSupported(what: string): never {
	throw new UnexpectedError(`${what} is not supported by the test harness`);
}

/** Temp folder used as N8N_USER_FOLDER (binary data under .n8n/storage). */
export const userFolder = harnessUserFolder;

/** Removes the harness' temp user folder (call from afterAll). */
export function cleanupHarness(): void {
	removeHarnessUserFolder();
}
