'use strict';
/**
 * The n8n user folder ($N8N_USER_FOLDER) as this tooling prepares it: the community package installed
 * the way n8n's own installs lay it out, the encryption key an earlier run left, one n8n per folder,
 * and the sweep of temp folders that killed runs left behind. Plain CommonJS.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { pidAlive } = require('../lib/process');

const TEMP_PREFIX = 'maxapi-n8n-';
const PID_FILE = 'maxapi-n8n.pid';

/** A new temp user folder (its name marks it for sweepStaleTempFolders). */
function makeTempUserFolder() {
	return fs.mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX));
}

const pidFileOf = (userFolder) => path.join(userFolder, '.n8n', PID_FILE);

/**
 * A new temp folder for queue mode's Redis and PostgreSQL data. It names this process as its owner
 * (sweepStaleTempFolders keeps it while we live), and others may pass through it: PostgreSQL runs as
 * the postgres user when we are root and must reach its data folder inside.
 */
function makeTempQueueFolder() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}queue-`));
	fs.chmodSync(dir, 0o711);
	fs.mkdirSync(path.dirname(pidFileOf(dir)));
	fs.writeFileSync(pidFileOf(dir), String(process.pid));
	return dir;
}

/** Throws if a live n8n started by this tooling already uses the folder (they would share one database). */
function assertFolderUnused(userFolder) {
	try {
		const other = Number(fs.readFileSync(pidFileOf(userFolder), 'utf8').trim());
		if (other && other !== process.pid && pidAlive(other)) {
			throw new Error(
				`another n8n started by this tooling (pid ${other}) uses ${userFolder}; stop it first`,
			);
		}
	} catch (e) {
		if (e.code !== 'ENOENT') throw e;
	}
}

/** Temp user folders left by runs that were killed before they could clean up (their n8n is dead). */
function sweepStaleTempFolders() {
	const tmp = os.tmpdir();
	let entries = [];
	try {
		entries = fs.readdirSync(tmp).filter((n) => n.startsWith(TEMP_PREFIX));
	} catch {
		return;
	}
	for (const name of entries) {
		const dir = path.join(tmp, name);
		try {
			let stale;
			try {
				const pid = Number(fs.readFileSync(pidFileOf(dir), 'utf8').trim());
				stale = !pid || !pidAlive(pid);
			} catch {
				stale = Date.now() - fs.statSync(dir).mtimeMs > 60 * 60 * 1000; // no n8n started in it for an hour
			}
			if (stale) fs.rmSync(dir, { recursive: true, force: true });
		} catch {
			// another process may be removing it
		}
	}
}

/** Installs a packed tarball exactly as `npm install <pkg>` in ~/.n8n/nodes would lay it out. */
function installPackageTgz(userFolder, tgz) {
	const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'maxapi-pkg-'));
	try {
		const res = spawnSync('tar', ['-xzf', tgz, '-C', staging], { encoding: 'utf8' });
		if (res.status !== 0) throw new Error(`cannot extract ${tgz}: ${res.stderr}`);
		const root = path.join(staging, 'package');
		const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
		if (pkg.dependencies && Object.keys(pkg.dependencies).length) {
			throw new Error(
				`${pkg.name} has runtime dependencies (${Object.keys(pkg.dependencies).join(', ')}); a community node package must have none`,
			);
		}
		const nodesDir = path.join(userFolder, '.n8n', 'nodes');
		const target = path.join(nodesDir, 'node_modules', pkg.name);
		fs.rmSync(target, { recursive: true, force: true });
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.renameSync(root, target);
		// n8n's own installs keep a package.json here listing the installed packages.
		const manifestFile = path.join(nodesDir, 'package.json');
		let manifest = { name: 'installed-nodes', private: true, dependencies: {} };
		try {
			manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
		} catch {
			// fresh folder
		}
		manifest.dependencies = { ...(manifest.dependencies || {}), [pkg.name]: pkg.version };
		fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
		return { name: pkg.name, version: pkg.version, dir: target, manifest: pkg };
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

/** The key n8n wrote into <folder>/.n8n/config on an earlier run (its credentials are encrypted with it). */
function existingEncryptionKey(userFolder) {
	try {
		const cfg = JSON.parse(fs.readFileSync(path.join(userFolder, '.n8n', 'config'), 'utf8'));
		return cfg.encryptionKey || null;
	} catch {
		return null;
	}
}

module.exports = {
	makeTempUserFolder,
	makeTempQueueFolder,
	pidFileOf,
	assertFolderUnused,
	sweepStaleTempFolders,
	installPackageTgz,
	existingEncryptionKey,
};
