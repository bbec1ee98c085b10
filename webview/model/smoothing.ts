/**
 * TensorBoard's scalar smoothing: an exponential moving average with debiasing. Without the debias
 * term the EMA starts at 0 and creeps up; dividing by (1 − w^n) removes that start-up bias, so a
 * constant series stays flat at its value for every weight. Non-finite points pass through unchanged
 * and do not disturb the average.
 */
export function smoothEma(ys: readonly number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  let last = 0;
  let n = 0;
  return ys.map((y) => {
    if (!Number.isFinite(y)) return y;
    last = last * w + (1 - w) * y;
    n++;
    const debias = w === 0 ? 1 : 1 - Math.pow(w, n);
    return last / debias;
  });
}
