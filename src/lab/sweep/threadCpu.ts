/**
 * CPU time of the calling thread in ms, from Linux's /proc/thread-self/stat (utime + stime, in
 * USER_HZ = 100 ticks/s on every Linux ABI Node supports): so profiling can tell a unit that
 * waited for a core (wall grows, CPU does not) from one whose core ran slower beside another
 * (CPU grows too). Node has no per-thread CPU clock (process.cpuUsage sums every thread).
 * NaN where /proc is not there (macOS, Windows). A synchronous read runs on the calling thread.
 */
import { readFileSync } from 'node:fs';

const TICK_MS = 10;

export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the ')' of the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}
