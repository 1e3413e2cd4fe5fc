"""An independent oracle for the rank-sum test: scipy's mannwhitneyu for U and the p-value, and brentq over the
same statistic (ranked with scipy's rankdata) for the interval, as R's wilcox.test(conf.int=TRUE, exact=FALSE,
correct=TRUE) defines it. Reads [{x, y, confidence}] as JSON on stdin, writes the answers as JSON on stdout."""
import json
import sys

import numpy as np
from scipy.optimize import brentq
from scipy.stats import mannwhitneyu, norm, rankdata


def answer(case):
    x = np.asarray(case["x"], dtype=float)
    y = np.asarray(case["y"], dtype=float)
    nx, ny = len(x), len(y)
    n = nx + ny
    result = mannwhitneyu(x, y, use_continuity=True, alternative="two-sided", method="asymptotic")

    def wdiff(d, zq):
        ranks = rankdata(np.concatenate([x - d, y]))
        dz = ranks[:nx].sum() - nx * (nx + 1) / 2 - nx * ny / 2
        _, ties = np.unique(ranks, return_counts=True)
        sigma = np.sqrt(nx * ny / 12 * ((n + 1) - (ties**3 - ties).sum() / (n * (n - 1))))
        return (dz - np.sign(dz) * 0.5) / sigma - zq

    lo, hi = x.min() - y.max(), x.max() - y.min()

    def root(zq):
        if wdiff(lo, zq) <= 0:
            return lo
        if wdiff(hi, zq) >= 0:
            return hi
        return brentq(wdiff, lo, hi, args=(zq,), xtol=1e-13, rtol=1e-13, maxiter=2000)

    z = norm.ppf(1 - (1 - case["confidence"]) / 2)
    return {
        "u": float(result.statistic),
        "p": float(result.pvalue),
        "lower": float(root(z)),
        "upper": float(root(-z)),
        "medianDifference": float(np.median(np.subtract.outer(x, y))),
    }


json.dump([answer(case) for case in json.load(sys.stdin)], sys.stdout)
