// Hyperparameter schedules as functions of training progress in [0, 1] (0 = first update).

export type Schedule = (progress: number) => number;

export const constant = (value: number): Schedule => () => value;

/** From `start` at progress 0 to `end` at progress 1 (CleanRL's LR annealing: end = 0). */
export const linear = (start: number, end = 0): Schedule => (p) => start + (end - start) * Math.min(1, Math.max(0, p));
