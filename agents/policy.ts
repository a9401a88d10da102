// The one interface that maps observations to actions: RL agents, rule baselines and ML models
// alike. A backtest is an env run with a Policy.

export interface PolicyOutput<S = unknown> {
  /**
   * One action per observation in the batch: discrete actions as integers in a Float32Array
   * of length `batch`, continuous actions as `batch * actionDim` values, row-major.
   */
  actions: Float32Array;
  /** Recurrent state for the next call (LSTM policies); undefined for stateless ones. */
  state?: S;
}

export interface Policy<S = unknown> {
  readonly name: string;
  /**
   * `obs` holds `batch` observations of `obsSize` floats each, row-major. Implementations must not
   * keep a reference to `obs` (envs reuse the buffer) and should not allocate per call in hot loops.
   */
  act(obs: Float32Array, batch: number, state?: S): PolicyOutput<S>;
  /** Clears per-episode state (e.g. hidden state) for the given env indices, or all. */
  reset?(envIndices?: number[]): void;
}
