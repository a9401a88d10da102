// One trial: the contract a trial module fulfils, the message that travels to a worker, and the
// code every worker (in-process, child process, BullMQ) uses to run it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Curve, Decision } from './early-stop.js';
import { canonicalJson, type Params } from './space.js';

export interface TrialContext {
  /** Stable id of this parameter set in this sweep (same params + seed -> same id). */
  trialId: string;
  /** The params the sweep chose (dotted path -> value); already merged into the config. */
  params: Params;
  /** A seed for the trial's own randomness, derived from the sweep seed and the trial id. */
  seed: number;
  /**
   * Reports the optimised metric at a step (epoch, env step, ...). 'stop' means the early-stopping
   * rule wants this trial ended: return soon (its metrics then count as a stopped trial).
   */
  report(step: number, value: number): Promise<Decision>;
  /** Aborted when the trial is told to stop. */
  signal: AbortSignal;
  /**
   * The trial's run folder, <sweep>/trials/<trial id> (not created yet): what the trial writes
   * (config, TensorBoard events, checkpoints, metrics.json) goes here, next to the session the
   * coordinator records for TensorBoard's HPARAMS tab.
   */
  runDir: string;
}

export interface TrialResult {
  metrics: Record<string, number>;
}

/** What a trial module exports. */
export type RunTrial = (config: Record<string, unknown>, ctx: TrialContext) => Promise<TrialResult>;

/** A trial as sent to a worker: plain JSON. */
export interface TrialJob {
  sweep: string;
  trialId: string;
  index: number;
  params: Params;
  seed: number;
  /** The resolved config (base deep-merged with params, validated). */
  config: Record<string, unknown>;
  metric: string;
  /** Whether reports need the coordinator's answer (an early-stopping rule is set). */
  earlyStop: boolean;
  /** Absolute path of the trial module on the coordinator's machine... */
  trialModule: string;
  /** ...and relative to the coordinator's working directory, for workers whose checkout lives elsewhere. */
  trialModuleRel: string;
  /** The trial's run folder on the coordinator's machine (absolute)... */
  runDir: string;
  /** ...and relative to the coordinator's working directory, for workers on other machines. */
  runDirRel: string;
}

export type TrialStatus = 'completed' | 'stopped' | 'failed';

export interface TrialOutcome {
  status: TrialStatus;
  metrics: Record<string, number>;
  curve: Curve;
  error?: string;
  durationMs: number;
  /** Which worker ran it (host:pid, or "coordinator"). */
  worker?: string;
  /** Times the trial was started (> 1 after a worker died mid-trial). */
  attempts?: number;
}

export function trialId(params: Params, seed: number): string {
  return createHash('sha256').update(`${canonicalJson(params)}|${seed}`).digest('hex').slice(0, 12);
}

export function trialSeed(id: string): number {
  return parseInt(id.slice(0, 8), 16);
}

export function failedOutcome(error: unknown, durationMs = 0, curve: Curve = []): TrialOutcome {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { status: 'failed', metrics: {}, curve, error: message, durationMs };
}

/** Error thrown into a trial's signal when it is told to stop. */
export class TrialStopped extends Error {
  constructor() {
    super('stopped early by the sweep');
    this.name = 'TrialStopped';
  }
}

/** The coordinator's folder when this machine has its sweep folder (same machine, shared disk), else relative to here. */
function runDirOf(job: TrialJob): string {
  return existsSync(dirname(dirname(job.runDir))) ? job.runDir : resolve(job.runDirRel);
}

function modulePath(job: TrialJob): string {
  if (existsSync(job.trialModule)) return job.trialModule;
  const rel = resolve(job.trialModuleRel);
  if (existsSync(rel)) return rel;
  throw new Error(`trial module not found at ${job.trialModule} nor ${rel} (run the worker from the project root)`);
}

let tsxLoader = false;

/**
 * Imports a trial module. A TypeScript one (a user's trial.ts, the test fixtures) in a process
 * started without a TypeScript loader (the compiled `tradegym worker`) gets tsx's loader first.
 */
async function importTrialModule(path: string): Promise<{ runTrial?: unknown }> {
  const url = pathToFileURL(path).href;
  // Node remembers a failed import by URL, so once tsx is in, TypeScript modules load under another.
  const viaTsx = `${url}?tsx`;
  if (tsxLoader && path.endsWith('.ts')) return (await import(viaTsx)) as { runTrial?: unknown };
  try {
    return (await import(url)) as { runTrial?: unknown };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION' || tsxLoader) throw err;
    let register: () => unknown;
    try {
      ({ register } = await import('tsx/esm/api'));
    } catch {
      throw new Error(`${path} is TypeScript and this process has no TypeScript loader (install tsx, or give a .js trial module)`);
    }
    register();
    tsxLoader = true;
    return (await import(viaTsx)) as { runTrial?: unknown };
  }
}

/**
 * Imports the trial module and runs it. Never throws: an error in the trial becomes a failed
 * outcome, since running it again would fail again. `report` asks the coordinator for a decision.
 */
export async function runTrialModule(job: TrialJob, report: (step: number, value: number) => Promise<Decision>, worker?: string): Promise<TrialOutcome> {
  const t0 = performance.now();
  const curve: Curve = [];
  const controller = new AbortController();
  let stopped = false;
  const elapsed = () => Math.round(performance.now() - t0);
  try {
    const mod = await importTrialModule(modulePath(job));
    if (typeof mod.runTrial !== 'function') throw new Error(`${job.trialModule} does not export runTrial(config, ctx)`);
    const ctx: TrialContext = {
      trialId: job.trialId,
      params: job.params,
      seed: job.seed,
      signal: controller.signal,
      runDir: runDirOf(job),
      report: async (step, value) => {
        if (!Number.isFinite(step) || typeof value !== 'number') throw new TypeError(`report(step, value) needs numbers, got ${step}, ${value}`);
        curve.push([step, value]);
        if (stopped) return 'stop';
        const d = await report(step, value);
        if (d === 'stop' && !stopped) {
          stopped = true;
          controller.abort(new TrialStopped());
        }
        return d;
      },
    };
    const result = (await (mod.runTrial as RunTrial)(job.config, ctx)) as TrialResult | undefined;
    const metrics = result?.metrics;
    if (typeof metrics !== 'object' || metrics === null) throw new Error('runTrial must resolve to { metrics: { name: number } }');
    for (const [k, v] of Object.entries(metrics)) if (typeof v !== 'number') throw new Error(`metric ${k} is ${typeof v}, not a number`);
    const out = { ...metrics };
    if (stopped) {
      if (out[job.metric] === undefined && curve.length) out[job.metric] = curve[curve.length - 1][1];
      return { status: 'stopped', metrics: out, curve, durationMs: elapsed(), worker };
    }
    if (typeof out[job.metric] !== 'number') throw new Error(`runTrial returned no metric "${job.metric}" (got: ${Object.keys(out).join(', ') || 'none'})`);
    return { status: 'completed', metrics: out, curve, durationMs: elapsed(), worker };
  } catch (err) {
    if (stopped) return { status: 'stopped', metrics: curve.length ? { [job.metric]: curve[curve.length - 1][1] } : {}, curve, durationMs: elapsed(), worker };
    return { ...failedOutcome(err, elapsed(), curve), worker };
  }
}
