// Types for scripts/lib/time.js (plain CommonJS).
export function sleep(ms: number): Promise<void>;
/** Seconds since t0 (a Date.now() value), one decimal. */
export function secondsSince(t0: number): string;
