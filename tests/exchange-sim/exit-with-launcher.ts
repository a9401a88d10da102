// Stops the sim when whatever launched it is gone, even when nobody says so. `npm run exchange-sim`
// starts npm -> sh -> (tsx ->) node; a SIGKILLed npm forwards nothing, and a SIGTERMed npm forwards
// to sh, which dies without passing it on. Either way a link of the chain is cut and its lower end
// is re-parented, and that is what this watches: every parent link from this process up through
// the processes of its own process group (the shell's job: npm and what it started). Launched
// alone (`node main.js`), the sim leads its own group and nothing is watched, so `nohup` and `&`
// keep working. Linux only (it reads /proc); elsewhere the sim stops on signals alone.
import { readFileSync } from 'node:fs';

interface ProcStat {
  ppid: number;
  pgrp: number;
}

function procStat(pid: number | 'self'): ProcStat | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), pgrp: Number(f[2]) };
  } catch {
    return undefined;
  }
}

/** Parent links (child pid -> its parent) from this process up through its process group. */
export function launcherChain(): Array<{ pid: number; ppid: number }> {
  const self = procStat('self');
  if (!self) return [];
  const links: Array<{ pid: number; ppid: number }> = [];
  let pid = process.pid;
  let ppid = self.ppid;
  for (;;) {
    const parent = ppid > 1 ? procStat(ppid) : undefined;
    if (!parent || parent.pgrp !== self.pgrp) break;
    links.push({ pid, ppid });
    pid = ppid;
    ppid = parent.ppid;
  }
  return links;
}

/** Calls `onOrphaned` once when a link of the launcher chain breaks; checks every `everyMs`. */
export function exitWithLauncher(onOrphaned: () => void, everyMs = 500): () => void {
  const links = launcherChain();
  if (links.length === 0) return () => {};
  const timer = setInterval(() => {
    // A dead launcher may linger as a zombie until reaped, but its children are re-parented at once.
    const broken = links.some((l) => procStat(l.pid)?.ppid !== l.ppid);
    if (!broken) return;
    clearInterval(timer);
    onOrphaned();
  }, everyMs);
  // The watch alone must not keep the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
