// How busy the machine is without this process: what countFile's default
// reads before it starts workers. os.loadavg()[0] is the number of threads
// running or waiting for a core, averaged over about a minute (the kernel
// decays it exponentially, with a time constant of 60 s); this process's own
// threads are part of it, so a program that has just counted a file on two
// threads would otherwise find the machine "busy" with itself. Its own share
// is estimated the same way from process.cpuUsage() (all its threads),
// decayed over the same minute, and taken off.
//
// On Windows os.loadavg() is always [0, 0, 0]: the machine reads as idle.

import { availableParallelism, loadavg } from 'node:os';

/** @internal The cores, and how many of them other processes keep busy. */
export interface CpuView {
  cores: number;
  /** Threads of other processes running or waiting for a core (1-minute average). */
  load: number;
}

/** The load average's time constant. */
const DECAY_MS = 60_000;

let lastAt = performance.now() - process.uptime() * 1000;
let lastCpuUs = 0;
let own = 0;

/** This process's cores in use, averaged as the load average is (each call updates it). */
function ownLoad(): number {
  const now = performance.now();
  const { user, system } = process.cpuUsage();
  const cpuUs = user + system;
  const dt = now - lastAt;
  if (dt > 0) {
    const rate = (cpuUs - lastCpuUs) / 1000 / dt;
    const keep = Math.exp(-dt / DECAY_MS);
    own = own * keep + rate * (1 - keep);
    lastAt = now;
    lastCpuUs = cpuUs;
  }
  return own;
}

/** @internal */
export function cpuView(): CpuView {
  const mine = ownLoad();
  return { cores: availableParallelism(), load: Math.max(0, loadavg()[0]! - mine) };
}
