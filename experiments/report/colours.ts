// One colour per policy name, the same in every report and comparison page: the agents and
// baselines the project knows have fixed colours, any other name gets one from a hash of its
// text (stable across runs and machines, unlike "the next colour of the palette").

/** Grey and dashed wherever it is drawn: the benchmark, not a contender. */
export const BUY_AND_HOLD_COLOUR = '#6b7280';

const KNOWN: Record<string, string> = {
  ppo: '#2563eb',
  'recurrent-ppo': '#0891b2',
  ddpg: '#9333ea',
  td3: '#db2777',
  'ma-cross': '#ea580c',
  rsi: '#a16207',
  'logistic-regression': '#16a34a',
  'random-forest': '#4d7c0f',
  lstm: '#0d9488',
  gru: '#7c3aed',
  'buy-and-hold': BUY_AND_HOLD_COLOUR,
  flat: '#94a3b8',
  random: '#b45309',
};

/** For other names; none of them equals a known policy's colour. */
const OTHERS = ['#dc2626', '#0284c7', '#c026d3', '#65a30d', '#ca8a04', '#be123c', '#059669', '#4f46e5', '#d97706', '#475569'];

/** FNV-1a over the UTF-16 code units: cheap, and the same in every JavaScript engine. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function policyColour(name: string): string {
  return KNOWN[name] ?? OTHERS[hash(name) % OTHERS.length];
}

/**
 * Dash patterns that tell apart lines of the same policy (and so the same colour) on one chart,
 * e.g. PPO of two runs in a comparison: the first is solid.
 */
export const REPEAT_DASHES: number[][] = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4]];
