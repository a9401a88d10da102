import type { CommandModule } from 'yargs';
import { dataFetch } from './data-fetch.js';
import { dataRecord } from './data-record.js';
import { dataLs } from './data-ls.js';
import { dataCheck } from './data-check.js';
import { dataImport } from './data-import.js';
import { dataExport } from './data-export.js';

export const dataCommand: CommandModule = {
  command: 'data <command>',
  describe: 'collect, store, check, import and export market data',
  builder: (y) =>
    y
      .command(dataFetch as CommandModule)
      .command(dataRecord as CommandModule)
      .command(dataLs as CommandModule)
      .command(dataCheck as CommandModule)
      .command(dataImport as CommandModule)
      .command(dataExport as CommandModule)
      .demandCommand(1, 'name a data command')
      .example('$0 data ls', 'what is stored'),
  handler: () => undefined,
};
