'use strict';
/**
 * The instance owner and the credentials the tooling uses: the owner is created by n8n itself from
 * N8N_INSTANCE_OWNER_* (no setup screen; n8n 1.x ignores them, there setupOwner() makes it over REST),
 * then logged in over REST for a cookie, and a public-API key with all the owner's scopes is made with
 * that cookie. Plain CommonJS.
 */
const crypto = require('crypto');
const { request, httpError } = require('../lib/net');

const API_KEY_LABEL_PREFIX = 'maxapi-tooling';

/** A password n8n accepts (8..64 chars with a number and an uppercase letter): random, or derived from `seed`. */
function defaultPassword(seed) {
	const body = seed
		? crypto
				.createHmac('sha256', seed)
				.update('maxapi-tooling owner')
				.digest('base64url')
				.slice(0, 12)
		: crypto.randomBytes(9).toString('base64url');
	return `Mx-${body}-9Q`;
}

/**
 * The caller's owner fields, defaults for the rest. `seed` (the user folder's encryption key) makes the
 * default password the same at every start on that folder: an n8n that keeps its owner in the database
 * rather than taking it from env (1.x) must be logged into with the password it was set up with.
 */
function ownerFrom(given = {}, seed = null) {
	return {
		email: given.email || 'owner@maxapi.local',
		password: given.password || defaultPassword(seed),
		firstName: given.firstName || 'Max',
		lastName: given.lastName || 'Tester',
	};
}

/** The variables that make n8n create (or keep) this owner at start; the password only as a bcrypt hash. */
function ownerEnv(owner, runtime) {
	// bcryptjs comes with n8n: the hash is made by the same library that checks it
	const bcrypt = require(require.resolve('bcryptjs', { paths: [runtime.n8nDir] }));
	return {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(owner.password, 10),
	};
}

/**
 * For an n8n that does not take the owner from env (1.x): POST /rest/owner/setup, what the setup screen
 * sends. A reused user folder already has its owner: n8n refuses the setup with 400, and the login that
 * follows tells whether it is this owner.
 */
async function setupOwner(url, owner) {
	const res = await request('POST', `${url}/rest/owner/setup`, {
		body: {
			email: owner.email,
			firstName: owner.firstName,
			lastName: owner.lastName,
			password: owner.password,
		},
	});
	if (res.status !== 200 && res.status !== 400) throw httpError('POST /rest/owner/setup', res);
}

/** POST /rest/login; resolves to the `n8n-auth=...` cookie. */
async function login(url, owner) {
	const res = await request('POST', `${url}/rest/login`, {
		body: { emailOrLdapLoginId: owner.email, password: owner.password },
	});
	if (res.status !== 200) throw httpError('POST /rest/login', res);
	const setCookie = [].concat(res.headers['set-cookie'] || []);
	const authCookie = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
	if (!authCookie)
		throw new Error(`POST /rest/login gave no n8n-auth cookie (${setCookie.join(' | ')})`);
	return authCookie;
}

/**
 * A new public-API key with every scope the owner has, made through `rest` (the cookie's /rest caller).
 * Keys earlier runs of this tooling made in a reused user folder are deleted first.
 */
async function createApiKey(rest) {
	const listed = await rest('GET', '/api-keys?take=250').catch(() => null);
	const existingKeys = Array.isArray(listed) ? listed : (listed && listed.items) || [];
	for (const k of existingKeys) {
		if (k && typeof k.label === 'string' && k.label.startsWith(API_KEY_LABEL_PREFIX)) {
			await rest('DELETE', `/api-keys/${k.id}`).catch(() => {});
		}
	}
	const scopes = await rest('GET', '/api-keys/scopes');
	const created = await rest('POST', '/api-keys', {
		label: `${API_KEY_LABEL_PREFIX}-${Date.now()}`.slice(0, 50),
		scopes,
		expiresAt: null,
	});
	if (!created.rawApiKey) throw new Error('POST /rest/api-keys returned no rawApiKey');
	return created.rawApiKey;
}

module.exports = { ownerFrom, ownerEnv, setupOwner, login, createApiKey };
