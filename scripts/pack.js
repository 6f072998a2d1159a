'use strict';
/**
 * `npm pack` of a package as built (dist/), the way every script, test and benchmark packs this
 * repository: lifecycle scripts off (the build already ran; prepack would run it again) and npm's
 * run-script environment removed (an outer `npm test` or `npm run dev` exports npm_* variables that
 * would point the inner npm at the outer package). Plain CommonJS, no dependencies.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const { findNpmCli } = require('./n8n-install');
const { KEEP_FOR_PACK, scrubNpmEnv } = require('./lib/npm-env');

/** The environment for an npm child process: this one's, without npm's run-script variables. */
function npmEnv() {
	return scrubNpmEnv({ ...process.env }, KEEP_FOR_PACK);
}

/** Packs `packageDir` into `destDir`; returns the tarball's path and npm's figures for it. */
function packPackage(packageDir, destDir) {
	fs.mkdirSync(destDir, { recursive: true });
	const out = execFileSync(
		process.execPath,
		[findNpmCli(), 'pack', '--ignore-scripts', '--json', '--pack-destination', destDir],
		{
			cwd: packageDir,
			env: npmEnv(),
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	const info = JSON.parse(out.slice(out.indexOf('[')))[0];
	return {
		tgz: path.join(destDir, info.filename),
		id: info.id,
		entryCount: info.entryCount,
		size: info.size,
	};
}

module.exports = { npmEnv, packPackage };
