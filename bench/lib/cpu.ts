/**
 * CPU time used by a server under test, from /proc (Linux only). On two cores the load
 * generator competes with the server, so throughput ratios are squeezed toward 1 whenever the
 * generator is the limit; the server's own CPU per request is the figure that does not depend
 * on what the client costs: it says how many requests one core of the server serves.
 */
import { readFileSync } from "node:fs";
import { groupMembers } from "./memory.js";

/** Kernel clock ticks per second for /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User plus system CPU of one process so far, in microseconds, from /proc/<pid>/stat. */
export function parseProcStatCpu(stat: string): number {
  // After the parenthesised command name: state is field 3, utime field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error("bench: no utime/stime in /proc stat");
  return (ticks * 1e6) / TICKS_PER_SECOND;
}

/**
 * CPU used so far by the live processes of a process group (every server here leads its own),
 * in microseconds; undefined where /proc cannot be read (not Linux).
 */
export function readGroupCpuMicros(pgid: number): number | undefined {
  try {
    let micros = 0;
    for (const pid of groupMembers(pgid)) {
      try {
        micros += parseProcStatCpu(readFileSync(`/proc/${pid}/stat`, "utf8"));
      } catch {
        // Exited while we looked.
      }
    }
    return micros;
  } catch {
    return undefined;
  }
}

/**
 * Measures a server's CPU across a stretch of work: `stop()` gives the microseconds it used
 * since `start`, or undefined without /proc.
 */
export function startCpuMeter(pgid: number | undefined): { stop(): number | undefined } {
  const before = pgid === undefined ? undefined : readGroupCpuMicros(pgid);
  return {
    stop() {
      if (pgid === undefined || before === undefined) return undefined;
      const after = readGroupCpuMicros(pgid);
      return after === undefined ? undefined : after - before;
    },
  };
}
