import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/**
 * The Wilcoxon–Mann–Whitney rank-sum test with the asymptotic Hodges–Lehmann interval, as R computes it in
 * `wilcox.test(x = canary, y = baseline, conf.int = TRUE, exact = FALSE, correct = TRUE)` (R's stats package,
 * wilcox.test.default), which Kayenta's MannWhitney ports for its NetflixACAJudge (spinnaker/kayenta,
 * kayenta-judge). Pure and deterministic: no randomness, no clock.
 *
 * For a shift d, rank (x − d) together with y (ties get their average rank):
 *   dz(d) = Σ ranks of x − nx(nx+1)/2 − nx·ny/2
 *   σ(d)  = sqrt(nx·ny/12 · ((nx+ny+1) − Σ(t³−t) / ((nx+ny)(nx+ny−1))))   over the tie groups t
 *   f(d)  = (dz − sign(dz)·0.5) / σ − zq                                   (continuity correction)
 * f is non-increasing in d. The interval's bounds are its roots for zq = ±qnorm(α/2) over
 * [min x − max y, max x − min y] (an end when there is no sign change), the estimate its root for zq = 0.
 * Kayenta stops its solver at an absolute 1e-4, which is coarse for metrics measured in small units; we stop at a
 * relative tolerance instead, and where f is zero on a whole interval (even nx·ny, zq = 0) we return that
 * interval's midpoint: the median of the pairwise differences, which is the Hodges–Lehmann estimate itself.
 */

export interface RankSumResult {
  /** Mann–Whitney U of x (the canary): Σ ranks of x − nx(nx+1)/2, at shift 0. */
  u: number;
  /** Two-sided p-value, normal approximation with continuity correction. */
  pValue: number;
  /** The Hodges–Lehmann estimate of the shift x − y. */
  estimate: number;
  /** The confidence interval of the shift. */
  interval: [number, number];
  confidence: number;
}

/** Raised when the statistic has no variance (every observation tied): the judge classifies that as Error. */
export class NoVarianceError extends Error {
  override readonly name = 'NoVarianceError';
}

interface Statistic {
  dz: number;
  sigma: number;
}

/** dz and σ at shift d, by one merge of the two sorted samples: O(nx + ny). */
function statisticAt(xs: Float64Array, ys: Float64Array, d: number): Statistic {
  const nx = xs.length;
  const ny = ys.length;
  let i = 0;
  let j = 0;
  let rank = 0; // ranks handed out so far
  let rankSumX = 0;
  let ties = 0; // Σ (t³ − t)
  while (i < nx || j < ny) {
    // The smallest remaining value, then every value of either sample equal to it: one tie group.
    const vx = i < nx ? xs[i]! - d : Number.POSITIVE_INFINITY;
    const vy = j < ny ? ys[j]! : Number.POSITIVE_INFINITY;
    const v = vx < vy ? vx : vy;
    let cx = 0;
    while (i < nx && xs[i]! - d === v) {
      cx++;
      i++;
    }
    let cy = 0;
    while (j < ny && ys[j]! === v) {
      cy++;
      j++;
    }
    const t = cx + cy;
    const averageRank = rank + (t + 1) / 2;
    rankSumX += cx * averageRank;
    rank += t;
    if (t > 1) ties += t * t * t - t;
  }
  const n = nx + ny;
  const dz = rankSumX - (nx * (nx + 1)) / 2 - (nx * ny) / 2;
  const sigma = Math.sqrt(((nx * ny) / 12) * (n + 1 - ties / (n * (n - 1))));
  return { dz, sigma };
}

function corrected({ dz, sigma }: Statistic): number {
  if (sigma === 0) throw new NoVarianceError('every observation is tied: the rank test has no variance');
  return (dz - Math.sign(dz) * 0.5) / sigma;
}

/**
 * A root of a non-increasing function on [lo, hi] with f(lo) > 0 > f(hi): bisection to a relative tolerance
 * (f is a step function, so interpolating methods gain little over halving, and halving is exact to reason about).
 * When f is exactly zero somewhere, returns the midpoint of the zero plateau.
 */
function root(f: (d: number) => number, lo: number, hi: number): number {
  const tolerance = 1e-12 * Math.max(1, Math.abs(lo), Math.abs(hi));
  let a = lo;
  let b = hi;
  while (b - a > tolerance) {
    const mid = a + (b - a) / 2;
    if (mid <= a || mid >= b) break;
    const value = f(mid);
    if (value > 0) a = mid;
    else if (value < 0) b = mid;
    else {
      // Find both edges of the plateau: the last d with f > 0 below it, the first with f < 0 above it.
      const left = edge(f, a, mid, tolerance, (v) => v > 0);
      const right = edge(f, mid, b, tolerance, (v) => v >= 0);
      return left + (right - left) / 2;
    }
  }
  return a + (b - a) / 2;
}

/** The boundary between where `before` holds (at lo) and where it does not (at hi), by halving. */
function edge(
  f: (d: number) => number,
  lo: number,
  hi: number,
  tolerance: number,
  before: (v: number) => boolean,
): number {
  let a = lo;
  let b = hi;
  while (b - a > tolerance) {
    const mid = a + (b - a) / 2;
    if (mid <= a || mid >= b) break;
    if (before(f(mid))) a = mid;
    else b = mid;
  }
  return a + (b - a) / 2;
}

function sorted(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * The two-sided rank-sum test of x (canary) against y (baseline) with its confidence interval for the shift.
 * Both samples must be non-empty and finite (the judge removes or replaces NaN first).
 */
export function rankSumTest(x: readonly number[], y: readonly number[], confidence = 0.98): RankSumResult {
  if (x.length === 0 || y.length === 0) throw new RangeError('both samples need at least one value');
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('confidence must be in (0, 1)');
  const xs = sorted(x);
  const ys = sorted(y);
  const at0 = statisticAt(xs, ys, 0);
  const z = corrected(at0);
  const pValue = Math.min(1, 2 * Math.min(normalCdf(z, 0, 1), 1 - normalCdf(z, 0, 1)));
  const u = at0.dz + (xs.length * ys.length) / 2;

  const alpha = 1 - confidence;
  const lo = xs[0]! - ys[ys.length - 1]!;
  const hi = xs[xs.length - 1]! - ys[0]!;
  const boundFor = (zq: number) => {
    const f = (d: number) => corrected(statisticAt(xs, ys, d)) - zq;
    if (f(lo) <= 0) return lo;
    if (f(hi) >= 0) return hi;
    return root(f, lo, hi);
  };
  const zUpper = normalQuantile(1 - alpha / 2, 0, 1);
  const lower = boundFor(zUpper);
  const upper = boundFor(-zUpper);
  const estimate = boundFor(0);
  return { u, pValue, estimate, interval: [lower, upper], confidence };
}
