import { InvalidParameter } from '../../nodes/shared/invalidParameter';

/** The InvalidParameter `fn` throws; fails the test when it accepts the value. */
export function refusal(fn: () => unknown): InvalidParameter {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidParameter);
		return error as InvalidParameter;
	}
	throw new Error('expected the value to be refused');
}
