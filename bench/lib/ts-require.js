'use strict';
// Lets plain Node require the test harness's TypeScript files (test/harness/*.ts) without ts-node:
// each .ts file under the repository is transpiled to CommonJS with the TypeScript compiler already
// in devDependencies (transpileModule: no type check, like ts-jest's isolatedModules). Only used by
// the benchmark; the package itself is always the compiled dist/.
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const REPO = path.resolve(__dirname, '..', '..');

if (!require.extensions['.ts']) {
	require.extensions['.ts'] = function compileTs(module, filename) {
		if (
			!filename.startsWith(REPO + path.sep) ||
			filename.includes(`${path.sep}node_modules${path.sep}`)
		) {
			throw new Error(`bench/lib/ts-require: refusing to compile ${filename}`);
		}
		const source = fs.readFileSync(filename, 'utf8');
		const { outputText } = ts.transpileModule(source, {
			fileName: filename,
			compilerOptions: {
				module: ts.ModuleKind.CommonJS,
				target: ts.ScriptTarget.ES2021,
				esModuleInterop: true,
				sourceMap: false,
				inlineSourceMap: true,
			},
		});
		module._compile(outputText, filename);
	};
}

module.exports = { REPO };
