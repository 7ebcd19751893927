/**
 * Resident memory of a process under test, from /proc (Linux only). VmRSS is what it holds now;
 * VmHWM is the peak RSS since it started, so it catches the high point of a load run.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface MemorySample {
  readonly rssBytes: number;
  readonly hwmBytes: number;
}

/** Parses the VmRSS and VmHWM lines of /proc/<pid>/status (values in kB). */
export function parseProcStatus(text: string): MemorySample {
  const kb = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, "m").exec(text);
    if (match?.[1] === undefined) throw new Error(`bench: no ${field} line in /proc status`);
    return Number(match[1]) * 1024;
  };
  return { rssBytes: kb("VmRSS"), hwmBytes: kb("VmHWM") };
}

export function readMemory(pid: number): MemorySample {
  return parseProcStatus(readFileSync(`/proc/${pid}/status`, "utf8"));
}

/** The live processes of a process group (a server plus what it spawned, e.g. Lambda runtimes). */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 5 (pgrp) is the third after the parenthesised command name.
      const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (pgrp === pgid) members.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return members;
}

/**
 * Sum over every live process in a process group. The summed HWM is the sum of each process's
 * own peak, an upper bound of the group's peak.
 */
export function readGroupMemory(pgid: number): MemorySample & { readonly processes: number } {
  let rssBytes = 0;
  let hwmBytes = 0;
  let processes = 0;
  for (const pid of groupMembers(pgid)) {
    try {
      const sample = readMemory(pid);
      rssBytes += sample.rssBytes;
      hwmBytes += sample.hwmBytes;
      processes++;
    } catch {
      // Exited while we looked, or a kernel thread without VmRSS.
    }
  }
  return { rssBytes, hwmBytes, processes };
}

export function megabytes(bytes: number): number {
  return bytes / (1024 * 1024);
}
