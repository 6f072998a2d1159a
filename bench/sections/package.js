'use strict';
// Section "package": what `npm pack` would publish (size) and the runtime dependencies it would pull.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { REPO } = require('../lib/ts-require');

async function run(ctx) {
	const { findNpmCli } = require(path.join(REPO, 'scripts', 'n8n-install.js'));
	const out = execFileSync(
		process.execPath,
		[findNpmCli(), 'pack', '--dry-run', '--json', '--ignore-scripts'],
		{
			cwd: ctx.packageDir,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	const [info] = JSON.parse(out.slice(out.indexOf('[')));
	const pkg = JSON.parse(fs.readFileSync(path.join(ctx.packageDir, 'package.json'), 'utf8'));
	const runtimeDeps = [
		...Object.keys(pkg.dependencies ?? {}),
		...Object.keys(pkg.optionalDependencies ?? {}),
		...[].concat(pkg.bundleDependencies ?? pkg.bundledDependencies ?? []),
	];
	return [
		{
			key: 'package',
			n: undefined,
			runs: [
				{
					packedBytes: info.size,
					unpackedBytes: info.unpackedSize,
					files: info.entryCount,
					runtimeDeps,
					peerDeps: Object.keys(pkg.peerDependencies ?? {}),
				},
			],
		},
	];
}

module.exports = { run };
