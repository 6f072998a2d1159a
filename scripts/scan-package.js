#!/usr/bin/env node
'use strict';
/**
 * n8n's community-package scanner (@n8n/scan-community-package, the check n8n runs before it verifies a
 * package), run on this repository instead of on a published version:
 *
 *   1. the tarball: `npm pack` of dist/ as built, unpacked, linted with ['**\/*.js', 'package.json']
 *      (what the scanner lints in the published package);
 *   2. the source: package.json, nodes/ and credentials/ with the scanner's SOURCE_FILE_PATTERNS
 *      (what it lints in the commit that the package's npm provenance points at);
 *   3. its YARA malware rules on the unpacked tarball, when the installed scanner has them (runYaraRules).
 *
 * Prints every finding and exits 1 if there is one. What the scanner does besides (provenance check,
 * fetching the package and its source from the registry and GitHub) needs a published version, and is
 * not done here.
 *
 * Usage: node scripts/scan-package.js [--tarball <file.tgz>] [--source <dir>]
 *   run after `npm run build` (`npm run scan` does both); --tarball scans a given tarball instead of
 *   packing this repository, --source lints another source folder (both for testing this script).
 * Plain CommonJS, no dependencies besides the scanner (a devDependency).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { createRequire } = require('module');
const { pathToFileURL } = require('url');
const { packPackage } = require('./pack');
const { secondsSince: since } = require('./lib/time');

const REPO = path.resolve(__dirname, '..');
const SCANNER = '@n8n/scan-community-package';
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

const say = (msg) => process.stdout.write(`[scan] ${msg}\n`);

function parseArgs(argv) {
	const args = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--tarball' || a === '--source') args[a.slice(2)] = path.resolve(argv[++i] || '');
		else
			throw new Error(
				`unknown argument ${a}; usage: node scripts/scan-package.js [--tarball <file.tgz>] [--source <dir>]`,
			);
	}
	return args;
}

async function loadScanner() {
	let pkgJson;
	try {
		pkgJson = require.resolve(`${SCANNER}/package.json`, { paths: [REPO] });
	} catch {
		throw new Error(`${SCANNER} is not installed: run npm install (it is a devDependency)`);
	}
	const dir = path.dirname(pkgJson);
	const { version } = JSON.parse(fs.readFileSync(pkgJson, 'utf8'));
	// The package has no "main" or "exports": its API is the ES module scanner/scanner.mjs.
	const scanner = await import(pathToFileURL(path.join(dir, 'scanner', 'scanner.mjs')).href);
	const scannerRequire = createRequire(pkgJson);
	// scanner.mjs makes a temp folder when loaded; have its tmp module remove it at exit.
	try {
		scannerRequire('tmp').setGracefulCleanup();
	} catch {
		// an empty folder in the temp dir at worst
	}
	return { scanner, version, dir, glob: scannerRequire('fast-glob') };
}

/** npm pack of the repository as built. */
function packRepository(destDir) {
	if (!fs.existsSync(path.join(REPO, 'dist')))
		throw new Error('no dist/: run `npm run build` first (`npm run scan` does)');
	return packPackage(REPO, destDir);
}

/** Unpacks like the scanner does (tar -xzf … --strip-components=1: the tarball's package/ becomes the root). */
function unpack(tgz, destDir) {
	fs.mkdirSync(destDir, { recursive: true });
	const r = spawnSync('tar', ['-xzf', tgz, '-C', destDir, '--strip-components=1'], {
		encoding: 'utf8',
	});
	if (r.status !== 0) throw new Error(`tar -xzf ${tgz} failed: ${r.stderr || r.error}`);
	return destDir;
}

/** The files analyzePackage will lint (same glob and ignores as the scanner), to say what was covered. */
function filesCovered(glob, dir, patterns) {
	return glob
		.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] })
		.sort();
}

/** Runs one analyzePackage leg; returns true when it found nothing. */
async function lintLeg(s, label, dir, patterns) {
	const t = Date.now();
	const files = filesCovered(s.glob, dir, patterns);
	const result = await s.scanner.analyzePackage(dir, patterns);
	const where = `${label}: ${JSON.stringify(patterns)}, ${files.length} file${files.length === 1 ? '' : 's'}`;
	if (files.length === 0) {
		say(`FAIL ${where}: nothing to lint (${result.message || 'no files'})`);
		return false;
	}
	if (result.passed) {
		say(`ok   ${where}: 0 findings (${since(t)}s)`);
		return true;
	}
	say(`FAIL ${where}: ${result.message}`);
	if (result.details) process.stdout.write(`${result.details.trim()}\n`);
	return false;
}

/** Why YARA rules are not run, or null when the scanner has them. */
function yaraUnavailable(s) {
	if (typeof s.scanner.runYaraRules === 'function') return null;
	const yaraBin = spawnSync('sh', ['-c', 'command -v yara'], { encoding: 'utf8' }).stdout.trim();
	return (
		`${SCANNER}@${s.version} has no YARA rules (it exports no runYaraRules; n8n's later scanner versions ` +
		`ship GuardDog's rules and run them with @virustotal/yara-x, which the registry here does not have). ` +
		(yaraBin
			? `A yara binary is installed (${yaraBin}), but the rules come with the scanner. `
			: '') +
		'Raise the devDependency when a version with runYaraRules is published: this script then runs them.'
	);
}

async function yaraLeg(s, dir) {
	const why = yaraUnavailable(s);
	if (why) {
		say(`skip YARA rules: ${why}`);
		return true;
	}
	const t = Date.now();
	let result;
	try {
		result = await s.scanner.runYaraRules(dir);
	} catch (e) {
		say(
			`skip YARA rules: ${SCANNER}@${s.version}'s runYaraRules cannot run here: ${e.message.split('\n')[0]}`,
		);
		return true;
	}
	if (result.passed) {
		say(`ok   YARA rules on the tarball: ${result.summary || 'no findings'} (${since(t)}s)`);
		return true;
	}
	say(`FAIL YARA rules on the tarball: ${result.message || ''} ${result.summary || ''}`.trim());
	if (result.details) process.stdout.write(`${result.details.trim()}\n`);
	return false;
}

async function main() {
	const t0 = Date.now();
	const args = parseArgs(process.argv.slice(2));
	const s = await loadScanner();
	say(
		`${SCANNER}@${s.version} (n8n's community-package scanner) on ${args.tarball ? path.relative(REPO, args.tarball) || args.tarball : 'npm pack of this repository'} and its source`,
	);

	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-scan-'));
	try {
		let tgz = args.tarball;
		if (!tgz) {
			const packed = packRepository(work);
			tgz = packed.tgz;
			say(
				`packed ${packed.id}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} KiB`,
			);
		}
		const unpacked = unpack(tgz, path.join(work, 'package'));
		const ok = [
			await lintLeg(s, 'tarball', unpacked, TARBALL_PATTERNS),
			await lintLeg(s, 'source', args.source || REPO, s.scanner.SOURCE_FILE_PATTERNS),
			await yaraLeg(s, unpacked),
		].every(Boolean);
		say(
			`${ok ? 'passed' : 'FAILED'}: n8n's scanner rules on the tarball and the source (${since(t0)}s)`,
		);
		return ok;
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

main().then(
	(ok) => process.exit(ok ? 0 : 1),
	(err) => {
		process.stderr.write(`[scan] FAILED: ${err.stack || err.message}\n`);
		process.exit(1);
	},
);
