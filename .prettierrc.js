// Formatting for the whole repository: n8n-nodes-starter's settings, so the code reads like the n8n
// community packages it sits next to. `npm run format` applies it; `npm test` checks it.
module.exports = {
	semi: true,
	trailingComma: 'all',
	bracketSpacing: true,
	useTabs: true,
	tabWidth: 2,
	arrowParens: 'always',
	singleQuote: true,
	quoteProps: 'as-needed',
	endOfLine: 'lf',
	printWidth: 100,
	// npm writes package-lock.json with package.json's indentation: package.json keeps npm's two spaces,
	// so that a fresh `npm install` leaves the committed lockfile as it is.
	overrides: [{ files: 'package.json', options: { useTabs: false } }],
};
