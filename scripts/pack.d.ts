export function npmEnv(): NodeJS.ProcessEnv;
export function packPackage(
	packageDir: string,
	destDir: string,
): { tgz: string; id: string; entryCount: number; size: number };
