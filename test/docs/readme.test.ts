// The README's model table is the catalog's: a model added or changed without updating the README fails here.
import * as fs from 'fs';
import * as path from 'path';

import { N8N_VERSIONS } from '../../scripts/n8n-install';
import { E2E_TARGETS } from '../e2e/targets';
import { modelTable } from './modelTable';

it("README's model table lists exactly the catalog's models, fields, prices and times", () => {
	const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
	const table = modelTable();
	if (!readme.includes(table)) {
		throw new Error(
			`README.md does not contain the catalog's model table. Paste this in its place:\n\n${table}\n`,
		);
	}
});

// The Compatibility section says which n8n versions are tested: exactly those the real-n8n suites run on
// (test/e2e/targets.ts), and every n8n the tooling installs is one of them.
it("README's Compatibility table lists exactly the n8n versions the real-n8n suites run on", () => {
	const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
	const start = readme.indexOf('\n## Compatibility\n');
	expect(start).toBeGreaterThan(-1);
	const section = readme.slice(start + 1).split('\n## ')[0];
	const listed = section
		.split('\n')
		.map((line) => /^\| (\d+\.\d+\.\d+)\b/.exec(line)?.[1])
		.filter((version): version is string => !!version);
	const tested = E2E_TARGETS.map((target) => target.version);
	expect([...listed].sort()).toEqual([...new Set(tested)].sort());
	expect([...N8N_VERSIONS].sort()).toEqual([...new Set(tested)].sort());
});
