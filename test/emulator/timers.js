// @ts-check
'use strict';

/** setTimeout's ceiling (about 24.8 days): longer delays are cut to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A set of timers that can be cleared one by one or all at once (reset(), close()). */
class Timers {
	/** @type {Set<NodeJS.Timeout>} */
	#timers = new Set();

	/**
	 * Run `fn` in `ms` milliseconds (at most MAX_TIMER_MS).
	 * @param {number} ms
	 * @param {() => void} fn
	 * @returns {NodeJS.Timeout}
	 */
	later(ms, fn) {
		const timer = setTimeout(
			() => {
				this.#timers.delete(timer);
				fn();
			},
			Math.min(ms, MAX_TIMER_MS),
		);
		this.#timers.add(timer);
		return timer;
	}

	/** A promise resolved in `ms` milliseconds (never, if the timers are cleared first). @param {number} ms */
	sleep(ms) {
		return new Promise((resolve) => this.later(ms, () => resolve(undefined)));
	}

	/** @param {NodeJS.Timeout} timer */
	cancel(timer) {
		clearTimeout(timer);
		this.#timers.delete(timer);
	}

	clear() {
		for (const timer of this.#timers) clearTimeout(timer);
		this.#timers.clear();
	}
}

module.exports = { MAX_TIMER_MS, Timers };
