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
 * Kayenta stops its solver at an absolute 1e-4, which is coarse for metrics measured in small units. f only changes
 * at the pair differences x_i − y_j, so we find the exact difference where it crosses instead (see `edge`); the
 * estimate is where dz itself crosses 0, the median of the pair differences (Hodges–Lehmann).
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
    const v = Math.min(vx, vy);
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

/** The pair differences x_i − y_j that lie in [a, b], ascending: two windows sliding up the sorted samples. */
function differencesBetween(xs: Float64Array, ys: Float64Array, a: number, b: number): number[] {
  const found: number[] = [];
  let first = 0; // first y with x − y ≤ b, i.e. y ≥ x − b
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    while (first < ys.length && x - ys[first]! > b) first++;
    for (let j = first; j < ys.length && x - ys[j]! >= a; j++) found.push(x - ys[j]!);
  }
  return found.sort((p, q) => p - q);
}

/**
 * Where the non-increasing step function f first satisfies `past` (f ≤ 0, or f < 0) on [lo, hi], given that it
 * does not at lo and does at hi. f only changes at pair differences x_i − y_j, so the answer is one of them: halve
 * the bracket while it holds more than a few differences (U counts them), then list those few and search them.
 * Exact, unlike a solver stopped at a tolerance.
 */
function edge(
  xs: Float64Array,
  ys: Float64Array,
  f: (d: number) => { value: number; u: number },
  lo: number,
  hi: number,
  past: (value: number) => boolean,
): number {
  let a = lo;
  let b = hi;
  let ua = f(a).u;
  let ub = f(b).u;
  while (ua - ub > 48) {
    const mid = a + (b - a) / 2;
    if (mid <= a || mid >= b) break;
    const at = f(mid);
    if (past(at.value)) {
      b = mid;
      ub = at.u;
    } else {
      a = mid;
      ua = at.u;
    }
  }
  // The breakpoints in the bracket, with its ends; f is constant between neighbours, so test at midpoints.
  const points = [a, ...differencesBetween(xs, ys, a, b).filter((d) => d > a && d < b), b];
  const distinct = points.filter((p, i) => i === 0 || p !== points[i - 1]);
  // The first interval (distinct[k], distinct[k+1]) where f is past; f becomes past at its left end. None: at b.
  let first = 0;
  let none = distinct.length - 1;
  while (first < none) {
    const k = (first + none) >> 1;
    if (past(f(distinct[k]! + (distinct[k + 1]! - distinct[k]!) / 2).value)) none = k;
    else first = k + 1;
  }
  return distinct[first]!;
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
  const half = (xs.length * ys.length) / 2;
  const boundFor = (zq: number) => {
    const f = (d: number) => {
      const statistic = statisticAt(xs, ys, d);
      return { value: corrected(statistic) - zq, u: statistic.dz + half };
    };
    if (f(lo).value <= 0) return lo;
    if (f(hi).value >= 0) return hi;
    return edge(xs, ys, f, lo, hi, (v) => v <= 0);
  };
  // The estimate: where dz crosses 0. With the continuity correction f is zero on a whole stretch around it (any
  // point of which R's solver may return); the crossing of dz itself is the median of the pair differences, the
  // Hodges–Lehmann estimate: one breakpoint, or the midpoint of the two middle ones.
  const dz = (d: number) => {
    const { dz: value } = statisticAt(xs, ys, d);
    return { value, u: value + half };
  };
  const first = edge(xs, ys, dz, lo, hi, (v) => v <= 0);
  const last = edge(xs, ys, dz, first, hi, (v) => v < 0);
  const estimate = first + (last - first) / 2;
  const zUpper = normalQuantile(1 - alpha / 2, 0, 1);
  const lower = boundFor(zUpper);
  const upper = boundFor(-zUpper);
  return { u, pValue, estimate, interval: [lower, upper], confidence };
}
