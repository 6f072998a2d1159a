#!/usr/bin/env node
'use strict';
/**
 * Is this commit ready to be published to npm? Run by .github/workflows/publish.yml before
 * `npm publish`, and locally to see what is left to do (`npm run release:check`). Checks:
 *
 *   - the tag being published is v<package.json version> (in GitHub Actions, on a tag);
 *   - CHANGELOG.md has a dated section for that version: `## [0.1.0] - 2027-01-15`;
 *   - package.json's repository is the GitHub repository the workflow runs in (npm refuses a
 *     provenance statement whose repository differs), bugs is its issues page;
 *   - author has a real name and email (n8n's lint and scanner require an email; a stand-in on the
 *     reserved .invalid domain or an example domain is refused here);
 *   - publishConfig.provenance is true (the guard that makes a bare local `npm publish` fail).
 *
 * Prints every problem and exits 1 if there is one. Plain CommonJS, no dependencies.
 */
const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '..');

/** https://github.com/owner/name from the forms npm accepts (git+https, .git, github:owner/name, owner/name). */
function githubUrl(spec) {
	if (typeof spec !== 'string') return null;
	const s = spec.trim();
	let m = /^(?:github:)?([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(s);
	if (m) return `https://github.com/${m[1]}/${m[2]}`;
	m =
		/^(?:git\+)?(?:https?|ssh|git):\/\/(?:git@)?github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(
			s,
		);
	if (m) return `https://github.com/${m[1]}/${m[2]}`;
	m = /^git@github\.com:([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(s);
	if (m) return `https://github.com/${m[1]}/${m[2]}`;
	return null;
}

function checkRelease({ pkg, changelog, env }) {
	const problems = [];
	const notes = [];
	const version = pkg.version;
	if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version || ''))
		problems.push(`package.json version "${version}" is not a semver version`);

	const onTag = env.GITHUB_ACTIONS === 'true' && env.GITHUB_REF_TYPE === 'tag';
	if (onTag && env.GITHUB_REF_NAME !== `v${version}`) {
		problems.push(
			`tag ${env.GITHUB_REF_NAME} does not match package.json version ${version}: tag v${version}, or bump the version`,
		);
	}

	const escaped = String(version).replace(/[.+-]/g, (c) => `\\${c}`);
	const heading = new RegExp(`^## \\[${escaped}\\](.*)$`, 'm').exec(changelog);
	if (!heading) problems.push(`CHANGELOG.md has no "## [${version}]" section`);
	else if (!/^ - \d{4}-\d{2}-\d{2}\s*$/.test(heading[1])) {
		problems.push(
			`CHANGELOG.md's "## [${version}]${heading[1]}" has no release date: write "## [${version}] - YYYY-MM-DD"`,
		);
	}

	const repoField =
		typeof pkg.repository === 'string' ? pkg.repository : pkg.repository && pkg.repository.url;
	const repoUrl = githubUrl(repoField);
	if (!repoUrl)
		problems.push(
			`package.json repository (${JSON.stringify(repoField)}) is not a GitHub repository URL`,
		);
	else if (env.GITHUB_REPOSITORY) {
		const actual = `https://github.com/${env.GITHUB_REPOSITORY}`;
		if (repoUrl.toLowerCase() !== actual.toLowerCase()) {
			problems.push(
				`package.json repository is ${repoUrl} but this workflow runs in ${actual}: npm refuses provenance from another repository`,
			);
		}
	} else
		notes.push(
			`repository ${repoUrl}: must be the GitHub repository whose workflow publishes (checked there)`,
		);
	const bugsUrl = typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs && pkg.bugs.url;
	if (repoUrl && bugsUrl !== `${repoUrl}/issues`)
		problems.push(
			`package.json bugs.url is ${JSON.stringify(bugsUrl)}, expected ${repoUrl}/issues`,
		);

	const author = pkg.author || {};
	const email = typeof author === 'string' ? (/<([^>]*)>/.exec(author) || [])[1] : author.email;
	const name = typeof author === 'string' ? author.replace(/<.*$/, '').trim() : author.name;
	if (!name) problems.push('package.json author has no name');
	if (!email) problems.push('package.json author has no email (n8n requires one)');
	else if (/\.invalid$|@example\.(com|org|net)$|\.example$|\.local$/i.test(email)) {
		problems.push(
			`package.json author.email "${email}" is a stand-in: put the maintainers' real address (n8n requires one)`,
		);
	}

	if (!pkg.publishConfig || pkg.publishConfig.provenance !== true) {
		problems.push(
			'package.json publishConfig.provenance must be true (it makes a local `npm publish` without provenance fail)',
		);
	}
	if (pkg.dependencies && Object.keys(pkg.dependencies).length)
		problems.push('package.json has runtime dependencies (n8n refuses them)');
	return { version, problems, notes };
}

module.exports = { checkRelease, githubUrl };

if (require.main === module) {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
	const changelog = fs.readFileSync(path.join(REPO, 'CHANGELOG.md'), 'utf8');
	const { version, problems, notes } = checkRelease({ pkg, changelog, env: process.env });
	for (const n of notes) process.stdout.write(`[release] note: ${n}\n`);
	if (problems.length === 0) {
		process.stdout.write(`[release] ${pkg.name}@${version} is ready to publish\n`);
	} else {
		process.stdout.write(`[release] ${pkg.name}@${version} is NOT ready to publish:\n`);
		for (const p of problems) process.stdout.write(`  - ${p}\n`);
		process.exit(1);
	}
}
