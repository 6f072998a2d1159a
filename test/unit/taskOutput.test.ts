// Unit tests of the task → item mapping and the failure explanations (pure functions).
import type { SubmitBody, TaskData } from '../../nodes/shared/api';
import { explainTaskEnd, taskToJson } from '../../nodes/shared/taskOutput';

const submitted: SubmitBody = {
	model: 'gpt-image-2/text-to-image',
	user_id: 'u1',
	input: { prompt: 'p', ratio: '16:9', resolution: '4k', n: 3 },
};

describe('taskToJson', () => {
	it('prices a successful task from what was submitted: n × unit price', () => {
		const task: TaskData = {
			taskId: 't',
			status: 'SUCCESS',
			result: { type: 'image', urls: ['u0', 'u1', 'u2'] },
		};
		expect(taskToJson(task, submitted)).toMatchObject({
			costUsd: 0.18,
			resolution: '4k',
			n: 3,
			ratio: '16:9',
			userId: 'u1',
		});
	});

	it('charges nothing for a failed task and explains why', () => {
		const json = taskToJson(
			{ taskId: 't', status: 'FAILURE', failure_reason: 'INSUFFICIENT_POINTS' },
			submitted,
		);
		expect(json).toMatchObject({ costUsd: 0, urls: [], failureReason: 'INSUFFICIENT_POINTS' });
		expect(json.explanation).toContain('Recharge');
	});

	it('falls back on the echoed input (1k, auto) when the task was not submitted by this run', () => {
		const json = taskToJson({
			taskId: 't',
			status: 'SUCCESS',
			input: {
				model: 'gpt-image-2/image-to-image',
				prompt: 'edit',
				imageUrls: ['https://a/x.png'],
			},
			result: { type: 'image', urls: ['u0', 'u1'] },
		});
		expect(json).toMatchObject({
			model: 'gpt-image-2/image-to-image',
			prompt: 'edit',
			ratio: 'auto',
			resolution: '1k',
			n: 2,
			costUsd: 0.04,
		});
		expect(json.imageUrls).toEqual(['https://a/x.png']);
	});

	it('lists no URLs before success even if the API sent some', () => {
		expect(taskToJson({ taskId: 't', status: 'PROCESSING', result: { urls: ['x'] } }).urls).toEqual(
			[],
		);
	});
});

describe('explainTaskEnd', () => {
	it.each([
		['FAILURE', 'CONTENT_MODERATION', 'moderation'],
		['FAILURE', 'INVALID_PARAMETERS', 'Fix the parameters'],
		['FAILURE', 'INSUFFICIENT_POINTS', 'Recharge'],
		['FAILURE', null, 'transient'],
		['TIMEOUT', null, 'timed out'],
		['CANCELLED', null, 'cancelled'],
	])('%s / %s says what to do and that it is free', (status, reason, words) => {
		const text = explainTaskEnd({ status, failure_reason: reason });
		expect(text).toContain(words);
		expect(text).toContain('not charged');
	});
});
