/**
 * The harness' first entry point, kept so that existing imports (`./harness/engine`) and the
 * benchmark (bench/sections/harness.js requires this file through bench/lib/ts-require.js) keep
 * working. The harness lives in the modules behind index.ts (see README.md).
 */
export * from './index';
