// Runs a command to completion and measures it as an operator would see it: wall time, CPU time
// (user + system) and peak resident memory, from Linux's /proc.
//   - CPU: the growth of this process's cutime + cstime (/proc/self/stat), which the kernel adds
//     when a child is reaped: the whole child, to the 10 ms tick, with nothing missed at its end.
//   - Peak RSS: VmHWM of /proc/PID/status (the kernel's own high-water mark), polled every 50 ms;
//     the last reading before exit is kept, so only growth in the final 50 ms could be missed.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // CLK_TCK is 100 on Linux

function childrenCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime are fields 16 and 17 of stat (counted from 1; "state" is field 3).
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

function peakRssKb(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null; // exited between two polls
  }
}

/**
 * Runs `command args` (stdout collected, stderr passed through) and returns
 * { code, stdout, wallMs, cpuMs, peakRssMb }. Nothing else of this process may run child processes
 * meanwhile (their CPU would count).
 */
export async function measuredRun(command, args, { env } = {}) {
  const cpu0 = childrenCpuMs();
  const t0 = process.hrtime.bigint();
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (s) => {
    stdout += s;
  });
  let peakKb = 0;
  const poll = setInterval(() => {
    peakKb = Math.max(peakKb, peakRssKb(child.pid) ?? 0);
  }, 50);
  const [code] = await once(child, 'close');
  clearInterval(poll);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    code,
    stdout,
    wallMs,
    cpuMs: childrenCpuMs() - cpu0,
    peakRssMb: peakKb / 1024,
  };
}
