// The three search methods behind one interface. Proposal `index` draws from its own stream
// (seed/method/index/attempt), so random search gives the same trials whatever the concurrency or
// the order trials finish in, and a restarted sweep proposes exactly what the first run would have.
import { makeRng } from '../../data/random.js';
import { canonicalJson, gridPoints, sampleParams, type Params, type SearchSpace } from './space.js';
import { tpeSuggest, type Observation, type TpeOptions } from './tpe.js';

export interface Search {
  /** Trials the sweep runs: the grid size, or `trials`. */
  readonly total: number;
  /**
   * Params of proposal `index`; `attempt` > 0 asks for another draw when the first repeated an
   * earlier trial. Undefined when the method has nothing left to propose.
   */
  propose(index: number, history: readonly Observation[], attempt: number): Params | undefined;
}

export interface SearchSpec {
  method: 'grid' | 'random' | 'tpe';
  params: ReadonlyArray<[string, SearchSpace]>;
  trials?: number;
  seed: number;
  mode: 'max' | 'min';
  tpe: TpeOptions;
}

export function makeSearch(spec: SearchSpec): Search {
  const rngFor = (index: number, attempt: number) => makeRng(`${spec.seed}/${spec.method}/${index}/${attempt}`);
  switch (spec.method) {
    case 'grid': {
      // Repeated values would give repeated trial ids: keep the first of each point.
      const seen = new Set<string>();
      const points = gridPoints(spec.params).filter((p) => !seen.has(canonicalJson(p)) && !!seen.add(canonicalJson(p)));
      return { total: points.length, propose: (index, _history, attempt) => (attempt === 0 ? points[index] : undefined) };
    }
    case 'random':
      return { total: spec.trials ?? 0, propose: (index, _history, attempt) => sampleParams(spec.params, rngFor(index, attempt)) };
    case 'tpe':
      return {
        total: spec.trials ?? 0,
        propose: (index, history, attempt) => tpeSuggest(spec.params, [...history].sort((a, b) => a.index - b.index), spec.mode, rngFor(index, attempt), spec.tpe),
      };
  }
}
