// The credential's "Test" button, run the way n8n runs it, against the emulator: costs nothing.
import { testCredential } from './harness/engine';
import { useTestbed } from './support/maxApi';

const bed = useTestbed();

describe('Max API credential test', () => {
	it('passes with a good key, without creating a task', async () => {
		const result = await testCredential(
			'maxApi',
			{ apiKey: bed.emu.apiKey, baseUrl: bed.emu.url },
			{ pkg: bed.pkg },
		);
		expect(result.status).toBe('OK');
		expect(bed.emu.stats().tasksCreated).toBe(0);
	});

	it('fails with a bad key, saying so', async () => {
		const result = await testCredential(
			'maxApi',
			{ apiKey: 'not-the-key', baseUrl: bed.emu.url },
			{ pkg: bed.pkg },
		);
		expect(result.status).toBe('Error');
		expect(result.message).toContain('rejected this API key');
	});

	it('fails when nothing answers at the base URL', async () => {
		const result = await testCredential(
			'maxApi',
			{ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' },
			{ pkg: bed.pkg },
		);
		expect(result.status).toBe('Error');
	});
});
