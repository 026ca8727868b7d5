// CPU time of another process (the auth server under load), read from /proc on Linux: the suite
// reports server CPU µs per request, which a busy shared machine disturbs less than req/s.

import { readFileSync } from 'node:fs';

/** CPU milliseconds (user + system) process `pid` has used so far; null where /proc is missing. */
export function processCpuMs(pid) {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ", utime and stime are fields 14 and 15 of stat, in ticks of 10 ms
    // (CLK_TCK is 100 on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}
