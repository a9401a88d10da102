// The flags of every command that reads an experiment config (run, train, baseline, sweep): the
// file as a positional or `--config`, `--set path=value` overrides, and the common shorthands.
import type { Argv } from 'yargs';
import { UsageError } from '../../data/errors.js';

export interface ConfigArgs {
  config?: string;
  set?: (string | number)[];
  seed?: number;
  'total-steps'?: number;
}

export const configOptions = <T>(y: Argv<T>, opts: { what?: string; totalSteps?: boolean } = {}) => {
  const out = y
    // A positional can also be given as a flag: `run x.yaml` and `run --config x.yaml` are the same.
    .positional('config', { type: 'string', describe: `${opts.what ?? 'experiment YAML'}; or --config <file>` })
    .option('set', { type: 'string', array: true, describe: 'override a config field, value as YAML (repeatable): --set agent.learningRate=1e-4' })
    .option('seed', { type: 'number', describe: 'shorthand for --set seed=N' });
  return opts.totalSteps === false ? out : out.option('total-steps', { type: 'number', describe: 'shorthand for --set agent.totalTimesteps=N' });
};

/** The config path and the overrides to apply, shorthands last (they win). */
export function configSource(argv: ConfigArgs, command: string): { path: string; sets: string[] } {
  if (!argv.config) throw new UsageError(`name a config: tradegym ${command} <file.yaml> (or --config <file.yaml>)`);
  const sets = (argv.set ?? []).map(String);
  if (argv.seed !== undefined) sets.push(`seed=${argv.seed}`);
  if (argv['total-steps'] !== undefined) sets.push(`agent.totalTimesteps=${argv['total-steps']}`);
  return { path: argv.config, sets };
}

/** Loads and validates the experiment named by the flags, overrides applied. */
export async function loadExperimentArgs(argv: ConfigArgs, command: string) {
  const { path, sets } = configSource(argv, command);
  const { loadExperiment } = await import('../../experiments/schema.js');
  const config = loadExperiment(path, sets);
  if (argv['total-steps'] !== undefined && !loadExperiment(path).agent) {
    const { ConfigError } = await import('../../data/errors.js');
    throw new ConfigError('total-steps', `${path} has no agent section to train`);
  }
  return config;
}
