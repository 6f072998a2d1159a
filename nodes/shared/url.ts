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
