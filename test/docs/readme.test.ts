// The README's model table is the catalog's: a model added or changed without updating the README fails here.
import * as fs from 'fs';
import * as path from 'path';

import { modelTable } from './modelTable';

it("README's model table lists exactly the catalog's models, fields, prices and times", () => {
	const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
	const table = modelTable();
	if (!readme.includes(table)) {
		throw new Error(`README.md does not contain the catalog's model table. Paste this in its place:\n\n${table}\n`);
	}
});
