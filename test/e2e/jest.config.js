// Jest config of the end-to-end tests against a real n8n (test/e2e/*.e2e.test.ts):
//   npm run build && npx jest -c test/e2e/jest.config.js
// The first run installs the n8n runtime into .dev/runtime (~3 min); later runs reuse it.
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
	},
	testTimeout: 120000,
	// one n8n at a time; the runtime install takes a lock anyway
	maxWorkers: 1,
};
