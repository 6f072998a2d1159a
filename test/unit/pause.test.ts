// The pure parts of Pause Until Callback: which runs pause (decideWaitMode), what a paused run leaves
// in the execution (pausedItems), and the order callbacks look at the tasks in. The pause itself is
// proven in a real n8n (test/e2e/pause.e2e.test.ts).
import { InvalidParameter } from '../../nodes/shared/invalidParameter';
import { decideWaitMode, type WaitModeFacts } from '../../nodes/MaxApi/pause/decideWaitMode';
import {
	awaitedItem,
	finalItem,
	PAUSE_KEY,
	pauseRecordOf,
	ringOrder,
	type PauseRecord,
} from '../../nodes/MaxApi/pause/pausedItems';

const PUBLIC_RESUME = 'https://n8n.example.com/webhook-waiting/42?signature=abc';
const LOCAL_RESUME = 'http://localhost:5678/webhook-waiting/42?signature=abc';
const PRIVATE_RESUME = 'http://192.168.1.20:5678/webhook-waiting/42?signature=abc';

const facts = (overrides: Partial<WaitModeFacts>): WaitModeFacts => ({
	requested: 'auto',
	waiting: true,
	allVideo: true,
	resumeUrl: PUBLIC_RESUME,
	apiIsPublic: true,
	userCallbackUrl: false,
	toolMode: false,
	...overrides,
});

describe('decideWaitMode', () => {
	it('auto pauses a video batch that the real Max API can call back', () => {
		expect(decideWaitMode(facts({}))).toBe('pause');
	});

	it.each([
		['images (seconds, not minutes)', { allVideo: false }],
		['n8n on localhost with the real Max API', { resumeUrl: LOCAL_RESUME }],
		['n8n on a private network with the real Max API', { resumeUrl: PRIVATE_RESUME }],
		['a Callback URL option (a task has one callback URL)', { userCallbackUrl: true }],
		['an AI Agent tool call', { toolMode: true }],
		['no resume URL', { resumeUrl: undefined }],
		['nothing to wait for', { waiting: false }],
	])('auto polls for %s', (_, overrides) => {
		expect(decideWaitMode(facts(overrides))).toBe('poll');
	});

	it('auto pauses on localhost when the credential points at another Max API (the emulator)', () => {
		expect(decideWaitMode(facts({ resumeUrl: LOCAL_RESUME, apiIsPublic: false }))).toBe('pause');
	});

	it('an explicit pause pauses images too, and poll always polls', () => {
		expect(decideWaitMode(facts({ requested: 'pause', allVideo: false }))).toBe('pause');
		expect(decideWaitMode(facts({ requested: 'poll' }))).toBe('poll');
	});

	it.each([
		[
			'with a Callback URL option',
			{ userCallbackUrl: true },
			/Callback URL option cannot be used together/,
		],
		['with localhost and the real Max API', { resumeUrl: LOCAL_RESUME }, /refuses localhost.*/],
		['without a resume URL', { resumeUrl: undefined }, /no resume URL/],
	])(
		'an explicit pause that cannot work is an error naming Wait Mode %s',
		(_, overrides, message) => {
			const decide = () => decideWaitMode(facts({ requested: 'pause', ...overrides }));
			expect(decide).toThrow(InvalidParameter);
			expect(decide).toThrow(message);
			try {
				decide();
			} catch (error) {
				expect((error as InvalidParameter).field).toBe('Wait Mode');
			}
		},
	);
});

describe('pausedItems', () => {
	const record: PauseRecord = {
		taskId: 'task-1',
		model: 'veo3_fast',
		deadline: '2026-12-02T04:00:00.000Z',
		timeoutSeconds: 900,
		download: true,
		binaryPropertyName: 'video',
	};

	it('an awaited item reads as its timeout and carries the record the resume needs', () => {
		const item = awaitedItem(2, record, {
			taskId: 'task-1',
			status: 'UNKNOWN',
			error: 'did not finish',
		});
		expect(item.pairedItem).toEqual({ item: 2 });
		expect(item.json).toEqual(
			expect.objectContaining({ taskId: 'task-1', status: 'UNKNOWN', error: 'did not finish' }),
		);
		expect(pauseRecordOf(item)).toEqual(record);
	});

	it('items without a valid record are final, and the record never leaves the resume', () => {
		expect(pauseRecordOf({ json: { taskId: 'x', status: 'PENDING' } })).toBeUndefined();
		expect(
			pauseRecordOf({ json: { [PAUSE_KEY]: { ...record, deadline: 'soon' } } }),
		).toBeUndefined();
		expect(pauseRecordOf({ json: { [PAUSE_KEY]: { ...record, taskId: 7 } } })).toBeUndefined();
		const final = finalItem(awaitedItem(0, record, { taskId: 'task-1' }), 0);
		expect(final.json).toEqual({ taskId: 'task-1' });
	});

	it('a callback walks the tasks from its own, round the list', () => {
		expect(ringOrder(['a', 'b', 'c', 'd'], 2)).toEqual(['c', 'd', 'a', 'b']);
		expect(ringOrder(['a', 'b'], 0)).toEqual(['a', 'b']);
		expect(ringOrder([], 3)).toEqual([]);
	});
});
