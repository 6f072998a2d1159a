'use strict';
/**
 * Child-process helpers shared by the scripts: is a pid alive, kill a process group, run a command and
 * capture its output. Plain CommonJS, no dependencies, runs on Node 20.
 */
const { spawn } = require('child_process');

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		// EPERM: it exists but belongs to another user
		return e.code === 'EPERM';
	}
}

/** Sends `signal` to the process group led by `pid`; false when there is no such group. */
function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

/**
 * Runs `cmd args` to the end, capturing stdout+stderr. Resolves to the output; rejects with the label,
 * the exit code and the output's last `tailLines` lines.
 *   onLine: called with every output line; omit: lines matching it stay out of the captured output
 *   (they still reach onLine); echo: also copy the output to this process's stdout.
 */
function runCaptured(cmd, args, { cwd, env, label, onLine, omit, echo = false, tailLines = 40 }) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		const partial = { stdout: '', stderr: '' };
		const keep = (stream) => (chunk) => {
			if (echo) process.stdout.write(chunk);
			const lines = (partial[stream] + chunk.toString()).split('\n');
			partial[stream] = lines.pop();
			for (const line of lines) {
				if (onLine) onLine(line);
				if (!omit || !omit.test(line)) out += line + '\n';
			}
			// a long install's output: only its end matters for an error report
			if (out.length > 200000) out = out.slice(-100000);
		};
		child.stdout.on('data', keep('stdout'));
		child.stderr.on('data', keep('stderr'));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			out += partial.stdout + partial.stderr;
			if (code === 0) return resolve(out);
			const tail = out.split('\n').slice(-tailLines).join('\n');
			reject(new Error(`${label} failed (exit ${code}${signal ? ', ' + signal : ''}):\n${tail}`));
		});
	});
}

module.exports = { pidAlive, killGroup, runCaptured };
