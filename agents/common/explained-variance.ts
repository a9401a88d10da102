// 1 - Var[y - yhat] / Var[y]: how much of the return variance the value function explains
// (1 perfect, 0 no better than a constant, negative worse). NaN when the returns are constant.

export function explainedVariance(yhat: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = y.length;
  let my = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    my += y[i];
    md += y[i] - yhat[i];
  }
  my /= n;
  md /= n;
  let vy = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    vy += (y[i] - my) ** 2;
    vd += (y[i] - yhat[i] - md) ** 2;
  }
  return vy === 0 ? NaN : 1 - vd / vy;
}
