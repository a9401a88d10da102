// `npm run exchange-sim` as a user runs it, stopped the ways a user stops it: npm killed with
// SIGTERM, SIGINT or SIGKILL (nothing is forwarded then), and Ctrl-C in its terminal (SIGINT to
// the whole process group). Each time the server process must go and its port must be free again.
// npm runs in its own process group (detached), as a shell's job does. Linux: reads /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './helpers/wait.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Generous: two shared cores may be busy with other test files. */
const START_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 20_000;

interface Sim {
  npm: ChildProcess;
  pgid: number;
  port: number;
  /** The server process (it prints its pid when serving). */
  pid: number;
  output(): string;
  exited: Promise<void>;
}

const started: Sim[] = [];

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function serves(port: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/v3/ping`, { signal: AbortSignal.timeout(2_000) });
    return r.ok;
  } catch {
    return false;
  }
}

/** State and process group of a pid from /proc; a zombie has exited and only awaits its reaper. */
function proc(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], pgrp: Number(f[2]) };
  } catch {
    return undefined;
  }
}

const running = (pid: number): boolean => {
  const p = proc(pid);
  return p !== undefined && p.state !== 'Z';
};

/** Processes of the group that have not exited: npm, sh, tsx, the server. */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    const p = proc(pid);
    return p !== undefined && p.pgrp === pgid && p.state !== 'Z';
  });
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, deadlineMs: number, context: () => string): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${deadlineMs / 1000} s\n${context()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startSim(): Promise<Sim> {
  const port = await freePort();
  const npm = spawn('npm', ['run', 'exchange-sim', '--', '--port', String(port)], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  npm.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  npm.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let gone = false;
  const exited = new Promise<void>((resolve) => npm.once('exit', () => {
    gone = true;
    resolve();
  }));
  const sim: Sim = { npm, pgid: npm.pid!, port, pid: 0, output: () => out, exited };
  started.push(sim);
  await waitFor('the sim serves /api/v3/ping', async () => {
    if (gone) throw new Error(`npm exited before the sim served:\n${out}`);
    const m = /exchange-sim \(Binance spot API\) on http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)\)/.exec(out);
    if (!m) return false;
    sim.pid = Number(m[2]);
    return serves(port);
  }, START_DEADLINE_MS, () => out);
  return sim;
}

async function expectStopped(sim: Sim): Promise<void> {
  // npm forwards SIGINT and SIGTERM to its direct child only: a script line without `exec` stops them at sh.
  const script = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts['exchange-sim'];
  const context = () => `${sim.output()}\nstill running in group ${sim.pgid}: ${groupMembers(sim.pgid).join(', ') || 'none'}\npackage.json: "exchange-sim": ${JSON.stringify(script)}`;
  await waitFor(`server process ${sim.pid} exits`, () => !running(sim.pid), STOP_DEADLINE_MS, context);
  await waitFor(`port ${sim.port} is free`, () => portIsFree(sim.port), STOP_DEADLINE_MS, context);
  // Nothing of the job lingers: no orphaned sh or tsx wrapper, and npm itself has ended.
  await waitFor('every process of the job exits', () => groupMembers(sim.pgid).length === 0, STOP_DEADLINE_MS, context);
  await sim.exited;
  expect(await serves(sim.port)).toBe(false);
}

afterEach(() => {
  // A failed test must not leave a server behind for the next one.
  for (const sim of started.splice(0)) {
    try {
      process.kill(-sim.pgid, 'SIGKILL');
    } catch {
      // the group is already empty
    }
  }
});

describe('npm run exchange-sim stops with npm', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)('when npm alone gets %s', async (signal) => {
    const sim = await startSim();
    expect(running(sim.pid)).toBe(true);
    process.kill(sim.npm.pid!, signal);
    await expectStopped(sim);
  }, START_DEADLINE_MS + 4 * STOP_DEADLINE_MS);

  it('on Ctrl-C (SIGINT to the whole process group)', async () => {
    const sim = await startSim();
    process.kill(-sim.pgid, 'SIGINT');
    await expectStopped(sim);
  }, START_DEADLINE_MS + 4 * STOP_DEADLINE_MS);
});
