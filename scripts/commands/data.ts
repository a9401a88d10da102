import type { CommandModule } from 'yargs';
import { dataFetch } from './data-fetch.js';
import { dataRecord } from './data-record.js';
import { dataLs } from './data-ls.js';

export const dataCommand: CommandModule = {
  command: 'data <command>',
  describe: 'collect, store, check, import and export market data',
  builder: (y) =>
    y
      .command(dataFetch as CommandModule)
      .command(dataRecord as CommandModule)
      .command(dataLs as CommandModule)
      .demandCommand(1, 'name a data command')
      .example('$0 data ls', 'what is stored'),
  handler: () => undefined,
};
