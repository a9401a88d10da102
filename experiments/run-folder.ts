// Opening a run folder, the same way for every kind of run (`run`, `train`, `baseline`, sweep
// trials): the folder, the resolved config.yaml, and the same config as TensorBoard text, so that
// `compare`, `report` and TensorBoard find every run in one form.
import type { Dirent } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, DataError } from '../data/errors.js';
import type { ExperimentConfig } from './schema.js';
import { createRunDir, RUN_FILES, writeRunFiles } from './run-dir.js';
import { SummaryWriter } from './tensorboard/summary-writer.js';

/** What each kind of run leaves in metrics.json (`kind`), so reports can say what they show. */
export type RunKind = 'run' | 'train' | 'baseline' | 'trial';

export interface RunFolder {
  dir: string;
  kind: RunKind;
  config: ExperimentConfig;
  startedAt: Date;
  /** The run's TensorBoard writer (already holding the config text). */
  tb: SummaryWriter;
  /** true when openRunFolder created the folder (a new runs/<name>-<stamp>/), false for a given one. */
  created: boolean;
  close(): void;
}

export type RunFolderPlace =
  /** A new runs/<name>-<stamp>/ folder under `runsDir`. */
  | { runsDir: string }
  /** This exact folder (a sweep trial's); files of an earlier, unfinished attempt are removed. */
  | { dir: string };

/** The config as the text plugin shows it (markdown: a fenced block keeps the YAML's indentation). */
export const configText = (config: ExperimentConfig): string => `\`\`\`yaml\n${stringify(config)}\`\`\``;

/** Files a run writes; an attempt that died part-way leaves some of them, which a rerun replaces. */
async function clearRunFiles(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const ours = new Set<string>([...Object.values(RUN_FILES), 'checkpoints']);
  // The coordinator's hparams session file (*.sweep-hparams) is kept: it records a finished trial.
  const stale = names.filter((n) => ours.has(n) || (n.startsWith('events.out.tfevents.') && !n.endsWith('.sweep-hparams')));
  await Promise.all(stale.map((n) => rm(join(dir, n), { recursive: true, force: true })));
}

export async function openRunFolder(config: ExperimentConfig, kind: RunKind, place: RunFolderPlace, now: Date = new Date()): Promise<RunFolder> {
  let dir: string;
  if ('runsDir' in place) {
    dir = await createRunDir(place.runsDir, config.name, now);
  } else {
    dir = place.dir;
    await clearRunFiles(dir);
  }
  try {
    await writeRunFiles(dir, { config: stringify(config) });
  } catch (err) {
    if ('runsDir' in place) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const tb = new SummaryWriter(dir);
  tb.text('config', configText(config));
  return { dir, kind, config, startedAt: now, tb, created: 'runsDir' in place, close: () => tb.close() };
}

/** What openRunFolder puts in a folder before the run has produced anything. */
const isOpeningFile = (name: string): boolean =>
  name === RUN_FILES.config || name.startsWith('events.out.tfevents.') || name.includes('.tmp-');

/**
 * True when `dir` holds only what opening it wrote, here and in the job folders a run opens before
 * training (seeds/<seed>/ and folds/<k>/seeds/<seed>/, each with its TensorBoard config text).
 */
async function holdsOnlyOpening(dir: string, depth = 0): Promise<boolean> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    if (e.isDirectory()) {
      // seeds/<s>, folds/<k>/seeds/<s>: at most four levels below the run folder.
      if (depth >= 4 || !(await holdsOnlyOpening(join(dir, e.name), depth + 1))) return false;
    } else if (!isOpeningFile(e.name)) {
      return false;
    }
  }
  return true;
}

/**
 * Cleans up after a run failed with `err` (call it after folder.close()). A config or data error
 * (the user's input: ConfigError, DataError) in a folder this run created that still holds only
 * what opening it wrote (config.yaml, the TensorBoard config text, also in its seeds' folders) removes the folder: there is
 * no half-written run for `compare` or `report` to trip over. A folder with anything more (a
 * checkpoint, log.jsonl: training had started) is kept, as is the folder of any other error (a
 * bug or a crash mid-training: the folder is what is left to look at). Returns whether it removed it.
 */
export async function discardFailedRun(folder: RunFolder, err: unknown): Promise<boolean> {
  if (!folder.created || !(err instanceof ConfigError || err instanceof DataError)) return false;
  if (!(await holdsOnlyOpening(folder.dir))) return false;
  await rm(folder.dir, { recursive: true, force: true });
  return true;
}
