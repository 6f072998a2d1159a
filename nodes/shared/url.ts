// URL parsing shared by parameter validation, the credential's base URL and the callback helpers.
// Pure: no n8n here.

/** The URL if `candidate` is an absolute http(s) URL, else undefined. */
export function parseHttpUrl(candidate: string): URL | undefined {
	try {
		const url = new URL(candidate);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
	} catch {
		return undefined;
	}
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/i;
// RFC 1918, link-local, unique-local IPv6 and mDNS names: no service on the internet reaches them.
const PRIVATE_HOST =
	/^(10(?:\.\d{1,3}){3}|192\.168(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.\d{1,3}){2}|169\.254(?:\.\d{1,3}){2}|\[f[cd][0-9a-f:]*\]|.*\.local)$/i;

/** Whether `hostname` (a URL's) is this machine: the real Max API refuses such callback URLs. */
export function isLoopbackHost(hostname: string): boolean {
	return LOOPBACK_HOST.test(hostname);
}

/** Whether a service on the internet can reach `hostname` at all (not loopback, not a private network). */
export function isInternetHost(hostname: string): boolean {
	return !isLoopbackHost(hostname) && !PRIVATE_HOST.test(hostname);
}
