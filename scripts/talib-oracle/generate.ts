// Regenerates tests/fixtures/talib/ from TA-Lib itself (see README.md here):
//   npx tsx scripts/talib-oracle/generate.ts --talib /tmp/talib/package/src/lib
// compiles oracle.c with TA-Lib's C sources, runs every spec below over the first 3000 rows of the
// shipped Coinbase BTC/USD 1h sample and writes TA-Lib's outputs (never the inputs: the test
// re-reads them from data/samples). `--binance FILE --out DIR` instead runs the specs over the first
// 2000 rows of a freqtrade JSON file (GPL data: DIR must be outside the repository).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCandles } from '../../data/store/candle-store.js';
import { SAMPLES_STORE } from '../../data/store/catalog.js';

/** One TA-Lib call: function, parameters, and how many leading rows of its output are kept. */
export interface OracleSpec {
  file: string;
  fn: string;
  params: number[];
  rows: number;
  columns: string[];
}

const ROWS = 3000;
const SHORT = 500;

const SPECS: Omit<OracleSpec, 'columns' | 'file'>[] = [
  // The usual parameters, over the whole input.
  { fn: 'SMA', params: [20], rows: ROWS },
  { fn: 'EMA', params: [20], rows: ROWS },
  { fn: 'WMA', params: [20], rows: ROWS },
  { fn: 'RSI', params: [14], rows: ROWS },
  { fn: 'MACD', params: [12, 26, 9], rows: ROWS },
  { fn: 'BBANDS', params: [20, 2, 2], rows: ROWS },
  { fn: 'STDDEV', params: [20], rows: ROWS },
  { fn: 'ATR', params: [14], rows: ROWS },
  { fn: 'TRANGE', params: [], rows: ROWS },
  { fn: 'STOCH', params: [14, 3, 3], rows: ROWS },
  { fn: 'OBV', params: [], rows: ROWS },
  { fn: 'ROC', params: [10], rows: ROWS },
  // Short and edge periods catch off-by-one seeding; output at i only uses rows <= i, so keeping
  // the first SHORT rows equals running TA-Lib on them.
  { fn: 'SMA', params: [2], rows: SHORT },
  { fn: 'EMA', params: [2], rows: SHORT },
  { fn: 'EMA', params: [50], rows: SHORT },
  { fn: 'WMA', params: [7], rows: SHORT },
  { fn: 'RSI', params: [2], rows: SHORT },
  { fn: 'MACD', params: [5, 13, 4], rows: SHORT },
  { fn: 'BBANDS', params: [5, 1.5, 1.5], rows: SHORT },
  { fn: 'ATR', params: [1], rows: SHORT },
  { fn: 'ATR', params: [5], rows: SHORT },
  { fn: 'STOCH', params: [5, 3, 3], rows: SHORT },
  { fn: 'STOCH', params: [14, 1, 1], rows: SHORT },
  { fn: 'ROC', params: [1], rows: SHORT },
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function compile(talibLib: string, dir: string): string {
  const src = join(talibLib, 'src');
  const sources = ['ta_func', 'ta_common'].flatMap((d) =>
    readdirSync(join(src, d)).filter((f) => f.endsWith('.c')).map((f) => join(src, d, f)));
  const exe = join(dir, 'oracle');
  const oracle = fileURLToPath(new URL('./oracle.c', import.meta.url));
  execFileSync('gcc', ['-O2', '-w', '-I', join(talibLib, 'include'), '-I', join(src, 'ta_common'), '-I', join(src, 'ta_func'),
    oracle, ...sources, '-lm', '-o', exe], { stdio: 'inherit' });
  return exe;
}

interface Input {
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
  volume: ArrayLike<number>;
  description: Record<string, unknown>;
}

async function coinbaseInput(): Promise<Input> {
  const c = await readCandles(SAMPLES_STORE, { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' });
  const s = (a: Float64Array) => a.subarray(0, ROWS);
  return {
    high: s(c.high), low: s(c.low), close: s(c.close), volume: s(c.volume),
    description: {
      source: 'data/samples ohlcv coinbase BTC/USD 1h (Apache-2.0), readCandles(SAMPLES_STORE, ...)',
      rows: ROWS, firstTs: c.ts[0], lastTs: c.ts[ROWS - 1],
    },
  };
}

function freqtradeInput(file: string, rows: number): Input {
  const bars = (JSON.parse(readFileSync(file, 'utf8')) as number[][]).slice(0, rows);
  return {
    high: bars.map((b) => b[2]), low: bars.map((b) => b[3]), close: bars.map((b) => b[4]), volume: bars.map((b) => b[5]),
    description: { source: file, rows: bars.length, firstTs: bars[0][0], lastTs: bars[bars.length - 1][0] },
  };
}

const talib = arg('--talib');
if (!talib) {
  console.error('usage: generate.ts --talib <talib package>/src/lib [--binance FILE --out DIR]');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'talib-oracle-'));
const exe = compile(resolve(talib), work);
const binance = arg('--binance');
const input = binance ? freqtradeInput(binance, 2000) : await coinbaseInput();
const outDir = resolve(arg('--out') ?? fileURLToPath(new URL('../../tests/fixtures/talib', import.meta.url)));
mkdirSync(outDir, { recursive: true });

// String(number) is the shortest text that reads back as the same double, so inputs reach
// TA-Lib unchanged and outputs come back bit for bit.
const csv = join(work, 'input.csv');
const lines = ['high,low,close,volume'];
for (let i = 0; i < input.close.length; i++) lines.push(`${input.high[i]},${input.low[i]},${input.close[i]},${input.volume[i]}`);
writeFileSync(csv, lines.join('\n') + '\n');

const specs: OracleSpec[] = [];
for (const s of SPECS) {
  const text = execFileSync(exe, [csv, s.fn, ...s.params.map(String)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const [header, ...body] = text.trim().split('\n');
  const kept = body.slice(0, Math.min(s.rows, input.close.length))
    .map((line) => line.split(',').map((v) => (v === 'nan' ? 'nan' : String(Number(v)))).join(','));
  const file = `${[s.fn.toLowerCase(), ...s.params].join('-')}.csv`;
  writeFileSync(join(outDir, file), [header, ...kept].join('\n') + '\n');
  specs.push({ ...s, rows: kept.length, file, columns: header.split(',') });
}
const meta = {
  generatedBy: 'npx tsx scripts/talib-oracle/generate.ts --talib <talib@2.0.5>/src/lib',
  oracle: 'TA-Lib C sources from the npm package talib@2.0.5 (src/lib), double-precision API, startIdx 0',
  input: input.description,
  specs,
};
writeFileSync(join(outDir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
console.log(`wrote ${specs.length} reference files to ${outDir}`);
process.exit(0);
