// tsc compiles the TypeScript; n8n also needs the icons and the codex (.node.json) files next to
// the compiled code, which tsc does not copy. This is all gulp does here.
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src('icons/*.svg').pipe(dest('dist/icons'));
}

function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

exports['build:icons'] = parallel(copyIcons, copyCodex);
