// What makes a sweep resumable, in <sweepDir>/:
//  - trials.jsonl: one line per finished trial (append-only, fsync'd);
//  - proposals.jsonl: one line per proposed trial, fsync'd before the trial is dispatched;
//  - state.json: what the sweep is (fingerprint of its search, run id), written once, atomically.
// A restarted coordinator skips every id in trials.jsonl and re-dispatches the proposals that had
// not finished, with the same params, before asking the search for new ones.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../data/errors.js';
import type { Curve } from './early-stop.js';
import type { Params } from './space.js';
import type { TrialStatus } from './trial.js';

export interface TrialRecord {
  id: string;
  index: number;
  params: Params;
  status: TrialStatus;
  metrics: Record<string, number>;
  curve: Curve;
  error?: string;
  durationMs: number;
  worker?: string;
  attempts?: number;
  finishedAt: string;
}

export interface Proposal {
  index: number;
  id: string;
  params: Params;
}

export interface SweepState {
  version: 1;
  name: string;
  /** Hash of what decides the trials (method, spaces, seed, metric, base config). */
  fingerprint: string;
  /** Distinguishes this sweep's jobs from an earlier sweep of the same name in a shared queue. */
  runId: string;
  createdAt: string;
}

export class SweepStore {
  readonly trialsPath: string;
  readonly statePath: string;
  readonly proposalsPath: string;

  constructor(readonly dir: string) {
    this.trialsPath = join(dir, 'trials.jsonl');
    this.statePath = join(dir, 'state.json');
    this.proposalsPath = join(dir, 'proposals.jsonl');
  }

  /** Reads the finished trials; a torn last line (crash mid-write) is cut off. First line per id wins. */
  readTrials(): TrialRecord[] {
    return firstPerId(readJsonLines<TrialRecord>(this.trialsPath));
  }

  appendTrial(rec: TrialRecord): void {
    appendLine(this.trialsPath, rec);
  }

  readProposals(): Proposal[] {
    return firstPerId(readJsonLines<Proposal>(this.proposalsPath));
  }

  appendProposal(p: Proposal): void {
    appendLine(this.proposalsPath, p);
  }

  readState(): SweepState | undefined {
    if (!existsSync(this.statePath)) return undefined;
    try {
      return JSON.parse(readFileSync(this.statePath, 'utf8')) as SweepState;
    } catch (err) {
      throw new ConfigError(this.statePath, `unreadable sweep state: ${(err as Error).message}`);
    }
  }

  saveState(state: SweepState): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(this.statePath, `${JSON.stringify(state, null, 1)}\n`);
  }
}

function firstPerId<T extends { id: string }>(items: T[]): T[] {
  const out = new Map<string, T>();
  for (const it of items) if (!out.has(it.id)) out.set(it.id, it);
  return [...out.values()];
}

/** Parses a JSON-lines file; a torn last line (a crash mid-append) is cut off the file. */
function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const out: T[] = [];
  let end = 0; // bytes of complete lines
  const lines = text.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i];
    if (line.trim() !== '') {
      try {
        out.push(JSON.parse(line) as T);
      } catch {
        throw new ConfigError(path, `line ${i + 1} is not JSON; fix or delete it`);
      }
    }
    end += Buffer.byteLength(line) + 1;
  }
  // The text after the last newline is an unfinished append.
  if (end < Buffer.byteLength(text)) truncateSync(path, end);
  return out;
}

function appendLine(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, `${JSON.stringify(value)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Write to a temporary file, fsync, rename: a crash leaves the old or the new file, never half. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  // The rename itself is durable only once the folder is synced (Linux; elsewhere best effort).
  try {
    const dirFd = openSync(dirname(path), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    /* not supported on this platform */
  }
}
