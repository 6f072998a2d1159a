// One config for the whole repo, a part for each kind of code:
// - nodes/, credentials/, package.json: n8n's official lint rules for community nodes, as shipped by
//   @n8n/node-cli, unchanged (only narrowed from every .ts file to these folders);
// - test/ (and the .d.ts of scripts/): TypeScript with typescript-eslint's recommended rules, not the
//   type-aware ones: those need a TypeScript program of test/ (tsc takes ~16 s of CPU for it alone),
//   which would make `npm run lint` several times slower;
// - scripts/, bench/, test's CommonJS (the emulator, jest configs) and the root's .js: @eslint/js's
//   recommended rules with Node's globals.
import js from '@eslint/js';
import { config as n8nCommunityNodes } from '@n8n/node-cli/eslint';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const productTs = ['nodes/**/*.ts', 'credentials/**/*.ts'];
const toolingTs = ['test/**/*.ts', 'scripts/**/*.ts'];
const commonJs = ['scripts/**/*.js', 'bench/**/*.js', 'test/**/*.js', '*.js'];

// n8n's config applies its rules (community-node rules, import-x) to '**/*.ts': keep them, exactly,
// for the product's code only.
const n8nConfig = n8nCommunityNodes.map((entry) =>
	entry.files?.length === 1 && entry.files[0] === '**/*.ts'
		? { ...entry, files: productTs }
		: entry,
);

// `const { omitted, ...rest } = value` is how this code drops a key from a copy.
const unusedVars = { ignoreRestSiblings: true };

export default defineConfig(
	globalIgnores(['dist', 'coverage', '.dev', '.e2e', 'artifacts']),
	...n8nConfig,
	{
		name: 'maxapi/tooling-ts',
		files: toolingTs,
		extends: [js.configs.recommended, tseslint.configs.recommended],
		languageOptions: { globals: { ...globals.node, ...globals.jest } },
		rules: { '@typescript-eslint/no-unused-vars': ['error', unusedVars] },
	},
	{
		name: 'maxapi/commonjs',
		files: commonJs,
		extends: [js.configs.recommended],
		languageOptions: { sourceType: 'commonjs', globals: globals.node },
		rules: { 'no-unused-vars': ['error', unusedVars] },
	},
	{
		name: 'maxapi/eslint-config',
		files: ['eslint.config.mjs'],
		extends: [js.configs.recommended],
		languageOptions: { sourceType: 'module', globals: globals.node },
	},
);
