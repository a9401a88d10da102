// Feature specs ("rsi:14", "macd:12:26:9", ...) and how each turns into columns. Every built-in
// column is computed by the STREAMING form of its indicator, bar by bar, so the batch matrix used
// in training and the rows built live in deploy come from the same code. Model features are made
// scale-free (relative to the close, or rescaled to ~[-1, 1]); `raw` gives the indicator values.
// Users add their own kinds with registerFeature (streaming, or column arithmetic over a series).
import { ConfigError } from '../errors.js';
import {
  AtrStream, BollingerStream, EmaStream, MacdStream, ObvStream, RocStream, RollingVolatilityStream,
  RollingVwapStream, RsiStream, SmaStream, StochasticStream, WmaStream, ZscoreStream, type Bar,
} from './indicators/index.js';

/** Per-bar state of one feature: writes its columns for this bar into out[offset ..]. */
export interface FeatureState {
  update(bar: Bar, out: Float64Array, offset: number): void;
}

export interface FeatureDef {
  spec: string;
  columns: string[];
  /** Column names in raw mode when they differ. */
  rawColumns?: string[];
  /** The streaming form: the live rows (FeatureStream), and the matrix too unless `batch` is given. */
  create(raw: boolean): FeatureState;
  /**
   * A whole-series form (custom features written as column arithmetic): the feature matrix of a
   * series comes from it, the live rows from `create`, which re-runs it over the last bars. Row t
   * must use rows <= t only; `tradegym check lookahead` is what proves it.
   */
  batch?(bars: BarColumns): Float64Array[];
}

/** The bar fields of a whole series (copies: a batch feature may not change the candles). */
export interface BarColumns {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

function intArgs(spec: string, args: string[], defaults: number[]): number[] {
  if (args.length > defaults.length) throw new ConfigError('features', `"${spec}" takes at most ${defaults.length} parameters`);
  return defaults.map((d, k) => {
    if (args[k] === undefined || args[k] === '') return d;
    const v = Number(args[k]);
    if (!Number.isFinite(v) || v <= 0) throw new ConfigError('features', `"${spec}": parameter ${k + 1} must be a positive number, got "${args[k]}"`);
    return v;
  });
}

/** A feature relative to the close: close / x - 1 (model) or x (raw). */
function relative(update: (bar: Bar) => number): (raw: boolean) => FeatureState {
  return (raw) => ({
    update(bar, out, o) {
      const x = update(bar);
      out[o] = raw ? x : bar.close / x - 1;
    },
  });
}

const KINDS: Record<string, { help: string; define(spec: string, args: string[]): Omit<FeatureDef, 'spec'> }> = {
  logret: {
    help: 'logret:k — the last k log returns of the close (lag 0 first)',
    define(spec, args) {
      const [k] = intArgs(spec, args, [1]);
      return {
        columns: Array.from({ length: k }, (_, j) => `logret_lag${j}`),
        create: () => {
          const ring = new Float64Array(k).fill(NaN);
          let prev = NaN;
          let head = 0;
          return {
            update(bar, out, o) {
              ring[head] = Math.log(bar.close / prev);
              prev = bar.close;
              for (let j = 0; j < k; j++) out[o + j] = ring[(head - j + k) % k];
              head = (head + 1) % k;
            },
          };
        },
      };
    },
  },
  sma: { help: 'sma:n — close / SMA(n) - 1', define: (s, a) => { const [n] = intArgs(s, a, [20]); return { columns: [`sma${n}`], create: (raw) => { const st = new SmaStream(n); return relative((b) => st.update(b.close))(raw); } }; } },
  ema: { help: 'ema:n — close / EMA(n) - 1', define: (s, a) => { const [n] = intArgs(s, a, [20]); return { columns: [`ema${n}`], create: (raw) => { const st = new EmaStream(n); return relative((b) => st.update(b.close))(raw); } }; } },
  wma: { help: 'wma:n — close / WMA(n) - 1', define: (s, a) => { const [n] = intArgs(s, a, [20]); return { columns: [`wma${n}`], create: (raw) => { const st = new WmaStream(n); return relative((b) => st.update(b.close))(raw); } }; } },
  vwap: { help: 'vwap:n — close / rolling VWAP(n) - 1', define: (s, a) => { const [n] = intArgs(s, a, [20]); return { columns: [`vwap${n}`], create: (raw) => { const st = new RollingVwapStream(n); return relative((b) => st.update(b))(raw); } }; } },
  rsi: {
    help: 'rsi:n — Wilder RSI(n) / 100 - 0.5',
    define: (s, a) => {
      const [n] = intArgs(s, a, [14]);
      return { columns: [`rsi${n}`], create: (raw) => { const st = new RsiStream(n); return { update(b, out, o) { const v = st.update(b.close); out[o] = raw ? v : v / 100 - 0.5; } }; } };
    },
  },
  macd: {
    help: 'macd:fast:slow:signal — MACD, signal and histogram (TA-Lib), divided by the close',
    define: (s, a) => {
      const [fast, slow, signal] = intArgs(s, a, [12, 26, 9]);
      return {
        columns: [`macd${fast}_${slow}`, `macd_signal${signal}`, 'macd_hist'],
        create: (raw) => {
          const st = new MacdStream({ fast, slow, signal });
          return { update(b, out, o) { const v = st.update(b.close); const d = raw ? 1 : b.close; out[o] = v.macd / d; out[o + 1] = v.signal / d; out[o + 2] = v.hist / d; } };
        },
      };
    },
  },
  bb: {
    help: 'bb:n:k — Bollinger %B and bandwidth (raw: upper, middle, lower)',
    define: (s, a) => {
      const [n, k] = intArgs(s, a, [20, 2]);
      return {
        columns: [`bb${n}_pctb`, `bb${n}_width`, `bb${n}_lower`],
        rawColumns: [`bb${n}_upper`, `bb${n}_middle`, `bb${n}_lower`],
        create: (raw) => {
          const st = new BollingerStream({ n, k });
          return {
            update(b, out, o) {
              const v = st.update(b.close);
              if (raw) { out[o] = v.upper; out[o + 1] = v.middle; out[o + 2] = v.lower; return; }
              const w = v.upper - v.lower;
              out[o] = w > 0 ? (b.close - v.lower) / w - 0.5 : 0 * w;
              out[o + 1] = w / v.middle;
              out[o + 2] = b.close / v.lower - 1;
            },
          };
        },
      };
    },
  },
  atr: {
    help: 'atr:n — Wilder ATR(n) / close',
    define: (s, a) => {
      const [n] = intArgs(s, a, [14]);
      return { columns: [`atr${n}`], create: (raw) => { const st = new AtrStream(n); return { update(b, out, o) { const v = st.update(b); out[o] = raw ? v : v / b.close; } }; } };
    },
  },
  stoch: {
    help: 'stoch:k:smooth:d — stochastic %K and %D / 100 - 0.5',
    define: (s, a) => {
      const [kPeriod, kSmooth, dPeriod] = intArgs(s, a, [14, 3, 3]);
      return {
        columns: [`stoch${kPeriod}_k`, `stoch${kPeriod}_d`],
        create: (raw) => {
          const st = new StochasticStream({ kPeriod, kSmooth, dPeriod });
          return { update(b, out, o) { const v = st.update(b); out[o] = raw ? v.k : v.k / 100 - 0.5; out[o + 1] = raw ? v.d : v.d / 100 - 0.5; } };
        },
      };
    },
  },
  obv: {
    help: 'obv:n — change of OBV over n bars / volume traded in them (raw: OBV)',
    define: (s, a) => {
      const [n] = intArgs(s, a, [20]);
      return {
        columns: [`obv${n}`],
        create: (raw) => {
          const st = new ObvStream();
          const hist = new Float64Array(n + 1).fill(NaN);
          const vols = new Float64Array(n).fill(NaN);
          let i = 0;
          let volSum = 0;
          return {
            update(b, out, o) {
              const v = st.update(b);
              if (raw) { out[o] = v; return; }
              const old = hist[i % (n + 1)];
              hist[i % (n + 1)] = v;
              const leaving = vols[i % n];
              vols[i % n] = b.volume;
              volSum += b.volume - (leaving === leaving ? leaving : 0);
              i++;
              out[o] = i > n && volSum > 0 ? (v - old) / volSum : NaN;
            },
          };
        },
      };
    },
  },
  roc: { help: 'roc:n — rate of change over n bars, / 100', define: (s, a) => { const [n] = intArgs(s, a, [10]); return { columns: [`roc${n}`], create: (raw) => { const st = new RocStream(n); return { update(b, out, o) { const v = st.update(b.close); out[o] = raw ? v : v / 100; } }; } }; } },
  vol: { help: 'vol:n — rolling std of log returns', define: (s, a) => { const [n] = intArgs(s, a, [20]); return { columns: [`vol${n}`], create: () => { const st = new RollingVolatilityStream(n); return { update(b, out, o) { out[o] = st.update(b.close); } }; } }; } },
  zscore: { help: 'zscore:n — rolling z-score of the close', define: (s, a) => { const [n] = intArgs(s, a, [20]); return { columns: [`zscore${n}`], create: () => { const st = new ZscoreStream(n); return { update(b, out, o) { out[o] = st.update(b.close); } }; } }; } },
};

/**
 * What `define(spec, args)` of a custom feature returns: a streaming form, like the built-ins
 * (one code path for training and live, so it cannot see a later bar), or a batch form over the
 * whole series with the number of bars each row reads (`window`), from which the live form is
 * derived by re-running it over the last `window` bars.
 */
export type CustomFeatureDef =
  | { columns: string[]; create(): FeatureState }
  | { columns: string[]; window: number; batch(bars: BarColumns): Float64Array[] };

export interface CustomFeature {
  /** One line for `--help`, e.g. "spread:n — (high - low) / close, mean of n bars". */
  help: string;
  /** Columns and computation for a spec "kind:arg1:arg2" (args as strings; throw ConfigError on bad ones). */
  define(spec: string, args: string[]): CustomFeatureDef;
}

const CUSTOM = new Map<string, CustomFeature>();

/**
 * Adds a feature kind for every pipeline built in this process (configs name it like a built-in:
 * "spread:24"). Call it before the pipeline is built or a checkpoint using it is loaded, e.g. from
 * a module given to Node: `NODE_OPTIONS='--import ./my-features.js' tradegym run ...`. A built-in
 * kind cannot be replaced. Returns a function that removes the kind again.
 */
export function registerFeature(kind: string, feature: CustomFeature): () => void {
  if (!/^[a-z][a-z0-9_]*$/i.test(kind)) throw new ConfigError('features', `feature kind "${kind}": use letters, digits and _ (no ":"), starting with a letter`);
  if (Object.hasOwn(KINDS, kind)) throw new ConfigError('features', `"${kind}" is a built-in feature; register yours under another name`);
  CUSTOM.set(kind, feature);
  return () => {
    if (CUSTOM.get(kind) === feature) CUSTOM.delete(kind);
  };
}

export function featureHelp(): string[] {
  return [...Object.values(KINDS), ...CUSTOM.values()].map((k) => k.help);
}

/** Parses "rsi:14" etc.; unknown kinds are ConfigErrors listing the known ones. */
export function defineFeature(spec: string): FeatureDef {
  const [kind, ...args] = spec.trim().split(':');
  if (Object.hasOwn(KINDS, kind)) return { spec, ...KINDS[kind].define(spec, args) };
  const custom = CUSTOM.get(kind);
  if (!custom) throw new ConfigError('features', `unknown feature "${kind}" in "${spec}"; known: ${[...Object.keys(KINDS), ...CUSTOM.keys()].join(', ')}`);
  return customDef(spec, custom.define(spec, args));
}

function customDef(spec: string, d: CustomFeatureDef): FeatureDef {
  if (!Array.isArray(d.columns) || d.columns.length === 0 || d.columns.some((c) => typeof c !== 'string' || !c)) {
    throw new ConfigError('features', `"${spec}": define() must return at least one column name`);
  }
  const columns = [...d.columns];
  if ('create' in d) return { spec, columns, create: () => d.create() };
  if (!(Number.isInteger(d.window) && d.window >= 1)) throw new ConfigError('features', `"${spec}": window must be a whole number of bars >= 1, got ${d.window}`);
  const batch = (bars: BarColumns): Float64Array[] => {
    const out = d.batch(bars);
    const n = bars.close.length;
    if (!Array.isArray(out) || out.length !== columns.length || out.some((col) => !(col instanceof Float64Array) || col.length !== n)) {
      throw new ConfigError('features', `"${spec}": batch() must return ${columns.length} Float64Array column(s) of ${n} rows, one per column name`);
    }
    return out;
  };
  return { spec, columns, batch, create: () => windowedState(batch, d.window, columns.length) };
}

/**
 * The live form of a batch feature: the last `window` bars kept, the batch form re-run over them
 * at each bar and its last row taken. It equals the batch matrix exactly when each row reads at
 * most the `window` bars up to it: a feature that looks further back, or ahead, disagrees.
 */
function windowedState(batch: (bars: BarColumns) => Float64Array[], window: number, width: number): FeatureState {
  const h = new Float64Array(window);
  const l = new Float64Array(window);
  const c = new Float64Array(window);
  const v = new Float64Array(window);
  let seen = 0;
  return {
    update(bar, out, o) {
      if (seen === window) {
        for (const a of [h, l, c, v]) a.copyWithin(0, 1);
        seen--;
      }
      h[seen] = bar.high;
      l[seen] = bar.low;
      c[seen] = bar.close;
      v[seen] = bar.volume;
      seen++;
      const cols = batch({ high: h.slice(0, seen), low: l.slice(0, seen), close: c.slice(0, seen), volume: v.slice(0, seen) });
      for (let j = 0; j < width; j++) out[o + j] = cols[j][seen - 1];
    },
  };
}
