// TensorFlow.js backend selection. The native TensorFlow bindings are not dependencies (their
// install downloads libtensorflow, which fails offline): they are used when the user installed
// them (`npm install @tensorflow/tfjs-node-gpu` for CUDA, or `@tensorflow/tfjs-node`), detected
// here by a dynamic import. Otherwise wasm (~3x the cpu backend here), then the pure-JS cpu one.
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../../data/errors.js';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendChoice {
  /** The tfjs backend now active: 'tensorflow', 'wasm' or 'cpu'. */
  backend: string;
  /** Why, for the run log: what was tried and what failed. */
  reason: string;
}

const NATIVE = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

const message = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0] : String(e));

async function tryNative(tried: string[]): Promise<string | undefined> {
  for (const pkg of NATIVE) {
    try {
      // A variable specifier: TypeScript must not resolve a package that is not installed.
      const name: string = pkg;
      await import(name);
      if (await tf.setBackend('tensorflow')) return pkg;
      tried.push(`${pkg} loaded but its backend did not initialise`);
    } catch (e) {
      tried.push(`${pkg} not available (${message(e)})`);
    }
  }
  return undefined;
}

async function tryWasm(tried: string[]): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) return true;
    tried.push('wasm backend did not initialise');
  } catch (e) {
    tried.push(`wasm failed (${message(e)})`);
  }
  return false;
}

/**
 * Activates the preferred backend. 'auto' falls back native -> wasm -> cpu and says why; an
 * explicit preference that cannot be met is a ConfigError (a run must not silently get slower).
 */
export async function selectBackend(pref: BackendPreference = 'auto'): Promise<BackendChoice> {
  const tried: string[] = [];
  const done = (backend: string, why: string): BackendChoice => ({ backend, reason: [...tried, why].join('; ') });
  if (pref === 'auto' || pref === 'tensorflow') {
    const pkg = await tryNative(tried);
    if (pkg) return done('tensorflow', `using ${pkg}`);
    if (pref === 'tensorflow') throw new ConfigError('backend', `tensorflow requested but ${tried.join('; ')}; install @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node`);
  }
  if (pref === 'auto' || pref === 'wasm') {
    if (await tryWasm(tried)) return done('wasm', 'using the wasm backend (single-threaded, SIMD)');
    if (pref === 'wasm') throw new ConfigError('backend', tried.join('; '));
  }
  if (!(await tf.setBackend('cpu'))) throw new ConfigError('backend', [...tried, 'the cpu backend did not initialise'].join('; '));
  return done('cpu', 'using the pure-JS cpu backend');
}
