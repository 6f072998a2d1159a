'use strict';
/**
 * The environment for an npm child process. An outer `npm run` (npm run dev, npm test) exports npm_*
 * variables (npm_config_local_prefix, npm_package_json, npm_config_nodedir from ~/.npmrc, ...) that
 * would point the inner npm at the outer package or another Node: they are removed, except the
 * settings a list keeps. Plain CommonJS.
 */

/** Where and how npm downloads: an install keeps them (a proxy, a mirror, a CA must still apply). */
const KEEP_FOR_INSTALL =
	/^npm_config_(cache|registry|cafile|ca|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|fetch_.*|prefer_offline|offline)$/i;
/** `npm pack` downloads nothing: only the cache and registry settings stay. */
const KEEP_FOR_PACK = /^npm_config_(cache|registry)$/i;

/** Deletes from `env` (in place) every npm_* variable that `keep` does not match; returns `env`. */
function scrubNpmEnv(env, keep = null) {
	for (const k of Object.keys(env)) if (/^npm_/i.test(k) && !(keep && keep.test(k))) delete env[k];
	return env;
}

module.exports = { KEEP_FOR_INSTALL, KEEP_FOR_PACK, scrubNpmEnv };
