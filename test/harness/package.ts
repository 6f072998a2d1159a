/**
 * Loading a compiled community package the way n8n loads an installed one, and the package every
 * run uses unless it names another.
 */
import { initN8nCore, n8nCoreDir } from './core';

import * as fs from 'node:fs';
import * as path from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';

import { HarnessCredentialTypes, HarnessNodeTypes } from './registries';

export interface LoadedPackage {
	packageName: string;
	packageDir: string;
	loader: PackageDirectoryLoader;
	nodeTypes: HarnessNodeTypes;
	credentialTypes: HarnessCredentialTypes;
}

let lastLoaded: LoadedPackage | undefined;

/**
 * A package whose `require('n8n-workflow')` resolves to a different file than n8n-core's would get a
 * second copy of n8n-workflow: its NodeApiError/NodeOperationError would then fail n8n-core's
 * `instanceof` checks and behave unlike in n8n. Refuse to run in that state.
 */
function assertSharedN8nWorkflow(packageDir: string): void {
	const fromCore = fs.realpathSync(require.resolve('n8n-workflow', { paths: [n8nCoreDir] }));
	let fromPackage: string;
	try {
		fromPackage = fs.realpathSync(require.resolve('n8n-workflow', { paths: [packageDir] }));
	} catch {
		throw new Error(
			`The package in ${packageDir} cannot resolve 'n8n-workflow' (its peer dependency). ` +
				'Link node_modules/n8n-workflow next to it (see test/harness/fixture.ts).',
		);
	}
	if (fromCore !== fromPackage) {
		throw new Error(
			`The package in ${packageDir} resolves n8n-workflow to ${fromPackage}, n8n-core uses ${fromCore}: ` +
				'two copies of n8n-workflow break instanceof checks inside n8n-core.',
		);
	}
}

/**
 * Loads a compiled community package the way n8n loads an installed one: n8n-core's
 * PackageDirectoryLoader reads package.json's `n8n.nodes` / `n8n.credentials` (dist paths).
 * Node types are named `<package name>.<node name>` like in n8n.
 */
export async function loadPackage(packageDir: string): Promise<LoadedPackage> {
	await initN8nCore();
	const dir = path.resolve(packageDir);
	assertSharedN8nWorkflow(dir);
	const loader = new PackageDirectoryLoader(dir);
	await loader.loadAll();
	const pkg: LoadedPackage = {
		packageName: loader.packageName,
		packageDir: loader.directory,
		loader,
		nodeTypes: new HarnessNodeTypes(loader),
		credentialTypes: new HarnessCredentialTypes(loader),
	};
	lastLoaded = pkg;
	return pkg;
}

/** The given package, else the one loaded last. */
export function resolvePackage(pkg?: LoadedPackage): LoadedPackage {
	const resolved = pkg ?? lastLoaded;
	if (!resolved) throw new Error('No package loaded: call loadPackage(dir) first (or pass `pkg`).');
	return resolved;
}
