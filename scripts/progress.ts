// One progress display for the CLI's long jobs (training, history downloads), so they all behave
// alike. On a terminal: one line redrawn in place (a bar, value/total, the measured rate, the job's
// own fields and an ETA from that rate), set to 100 % when the job succeeds. On a pipe or a CI log,
// where redrawing in place prints garbage: a plain line every few seconds and a final one.
//
// Drawn by hand rather than with cli-progress: that library turns line wrapping off (and can hide
// the cursor) until stop(), so a job killed mid-bar leaves the terminal that way; it prints nothing
// on a non-TTY (or re-renders the bar on a timer), and its `{field}` placeholders print raw until
// the first payload arrives. Here every field reads "-" until it is known.

type Out = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface ProgressOptions<F extends string> {
  /** Leads every line: "train", "fetch". */
  label: string;
  total: number;
  /** What the value counts ("steps"): shown as value/total and a rate. Without it only the percentage shows (e.g. for a time span). */
  unit?: string;
  /** The job's own fields in display order; each reads "-" until given. */
  fields?: readonly F[];
  /** Where to draw; stderr by default, so that stdout carries only the job's results. */
  stream?: Out;
  /** Seconds between log lines on a non-TTY (default 5); $TRADEGYM_PROGRESS_EVERY overrides, 0 = every update. */
  logEverySec?: number;
}

export interface Progress<F extends string> {
  update(value: number, fields?: Partial<Record<F, string>>): void;
  /** The job succeeded: 100 %. `total` replaces the planned total when the job's real size differed (trainers run whole updates). */
  finish(opts?: { total?: number; fields?: Partial<Record<F, string>> }): void;
  /** The job ended early (an error): its last state is shown marked "stopped", never 100 %, and the line is ended. Harmless after finish() or twice. */
  stop(): void;
  /** A message on its own line (a retry, a warning) without tearing the bar. */
  log(message: string): void;
}

const BAR_WIDTH = 20;
/** At most ten redraws a second on a terminal: faster is invisible and costs the job time. */
const TTY_REDRAW_MS = 100;

export function fmtRate(perSec: number): string {
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)}M`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)}k`;
  return perSec.toFixed(1);
}

export function fmtDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function logEvery(fallback: number): number {
  const env = process.env.TRADEGYM_PROGRESS_EVERY;
  const v = env === undefined || env === '' ? NaN : Number(env);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}

export function createProgress<F extends string = never>(opts: ProgressOptions<F>): Progress<F> {
  const out: Out = opts.stream ?? process.stderr;
  const tty = out.isTTY === true;
  const everyMs = logEvery(opts.logEverySec ?? 5) * 1000;
  let total = Math.max(1, opts.total);
  const fields = new Map<F, string>((opts.fields ?? []).map((f) => [f, '-']));
  let value = 0;
  // The rate is measured between updates, from the first one on: set-up before the job's first
  // report (loading data, compiling kernels) would make the ETA optimistic, and work after its
  // last one (a caller finishing late) would make the final rate look slow.
  let first: { value: number; at: number } | undefined;
  let last = { value: 0, at: 0 };
  let lastDrawn = -Infinity;
  let drawn = false; // a TTY line is on screen without its newline
  let state: 'running' | 'finished' | 'stopped' = 'running';

  const rate = (): number | undefined => {
    if (!first || last.at <= first.at || last.value <= first.value) return undefined;
    return ((last.value - first.value) * 1000) / (last.at - first.at);
  };

  const line = (withBar: boolean): string => {
    const frac = Math.min(1, Math.max(0, value / total));
    // Floored, so 100 % means done.
    const pct = `${Math.floor(frac * 100)}%`;
    const parts: string[] = [];
    let head = opts.label;
    if (withBar) {
      const full = Math.round(frac * BAR_WIDTH);
      head += ` [${'\u2588'.repeat(full)}${'\u2591'.repeat(BAR_WIDTH - full)}]`;
    }
    head += opts.unit ? ` ${Math.round(value)}/${Math.round(total)} ${opts.unit} (${pct})` : ` ${pct}`;
    parts.push(head);
    const r = rate();
    if (opts.unit) parts.push(`${r === undefined ? '-' : fmtRate(r)} ${opts.unit}/s`);
    // The ETA before the job's fields: a narrow terminal cuts the line's end, and the ETA matters more.
    if (state === 'finished') parts.push('done');
    else if (state === 'stopped') parts.push('stopped');
    else parts.push(`ETA ${r === undefined ? '-' : fmtDuration((total - value) / r)}`);
    for (const [name, v] of fields) parts.push(`${name} ${v}`);
    return parts.join(' | ');
  };

  const draw = (): void => {
    if (tty) {
      // One column short of the width: writing into the last column wraps on some terminals, and
      // a wrapped line can no longer be redrawn with a carriage return.
      const width = Math.max(20, (out.columns || 80) - 1); // a pty without a size reports 0 columns
      out.write(`\r${line(true).slice(0, width)}\x1b[K`);
      drawn = true;
    } else {
      out.write(`${line(false)}\n`);
    }
    lastDrawn = Date.now();
  };

  const endLine = (): void => {
    if (drawn) out.write('\n');
    drawn = false;
  };

  const set = (v: number, f?: Partial<Record<F, string>>): void => {
    value = Math.min(total, Math.max(0, v));
    for (const k of Object.keys(f ?? {}) as F[]) if (fields.has(k) && f?.[k] !== undefined) fields.set(k, f[k] as string);
  };

  return {
    update(v, f) {
      if (state !== 'running') return;
      const now = Date.now();
      set(v, f);
      last = { value, at: now };
      if (!first) {
        first = { value, at: now };
        draw();
        return;
      }
      if (now - lastDrawn >= (tty ? TTY_REDRAW_MS : everyMs)) draw();
    },
    finish(o) {
      if (state !== 'running') return;
      if (o?.total !== undefined) total = Math.max(1, o.total);
      set(total, o?.fields);
      state = 'finished';
      draw();
      endLine();
    },
    stop() {
      if (state !== 'running') return;
      state = 'stopped';
      // The last known state, marked stopped (a log may have skipped it), and the line ended, so
      // the error that follows starts on a line of its own.
      if (first) draw();
      endLine();
    },
    log(message) {
      if (tty && drawn) out.write('\r\x1b[K');
      out.write(`${message}\n`);
      if (tty && drawn && state === 'running') draw();
    },
  };
}
