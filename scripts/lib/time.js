'use strict';
/** Waiting and timing helpers shared by the scripts, the bench and the tests. Plain CommonJS. */

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds since `t0` (a Date.now() value), one decimal: "12.3". */
const secondsSince = (t0) => ((Date.now() - t0) / 1000).toFixed(1);

module.exports = { sleep, secondsSince };
