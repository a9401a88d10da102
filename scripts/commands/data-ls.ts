import type { CommandModule } from 'yargs';
import { storeDir, storeOption } from './options.js';

interface Args {
  store?: string;
  json: boolean;
}

export const dataLs: CommandModule<object, Args> = {
  command: 'ls',
  describe: 'list stored series (and the shipped samples): span, rows, gaps',
  builder: (y) =>
    storeOption(y)
      .option('json', { type: 'boolean', default: false, describe: 'print JSON instead of a table' })
      .example('$0 data ls', 'what the store and the samples hold') as never,
  handler: async (argv) => {
    const [{ listSeries, SAMPLES_STORE }, { isoTime }, { printTable }] = await Promise.all([
      import('../../data/store/catalog.js'), import('../../data/timeframe.js'), import('../table.js'),
    ]);
    const store = storeDir(argv);
    const series = [...(await listSeries(store)), ...(await listSeries(SAMPLES_STORE)).map((s) => ({ ...s, store: 'samples' }))];
    if (argv.json) {
      console.log(JSON.stringify(series, null, 2));
      return;
    }
    if (!series.length) {
      console.log(`nothing stored in ${store}; try \`tradegym data fetch --help\``);
      return;
    }
    printTable(
      ['where', 'kind', 'exchange', 'symbol', 'timeframe/depth', 'from', 'to', 'rows', 'gaps'],
      series.map((s) => [
        s.store === 'samples' ? 'samples' : 'store', s.kind, s.exchange, s.symbol, s.detail, isoTime(s.from), isoTime(s.to),
        String(s.rows), s.gaps === undefined ? '-' : `${s.gaps} (${s.missingBars} bars)`,
      ]),
    );
  },
};
