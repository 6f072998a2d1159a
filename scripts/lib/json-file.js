'use strict';
/** JSON files: read (null when missing or not JSON) and written (two-space indent, final newline). */
const fs = require('fs');

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return null;
	}
}

function writeJson(file, value) {
	fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

module.exports = { readJson, writeJson };
