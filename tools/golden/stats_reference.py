#!/usr/bin/env python3
"""Golden values for the evaluation statistics (src/shared/stats/correlation.ts), computed with scipy.

Pearson's r (scipy.stats.pearsonr), Spearman's rho (scipy.stats.spearmanr: ranks with ties averaged) and the mean
absolute error (numpy) over a few seeded data sets chosen to exercise the edge cases: heavy ties, exact ties on
both sides, negative correlation, two points, a constant side (scipy gives nan: the TypeScript side reports null).
test/shared/stats/correlation.test.ts compares against the output.

Regenerate (from the repository root, Debian's python3-numpy and python3-scipy):

    /usr/bin/python3 tools/golden/stats_reference.py [--out tools/golden/stats_golden.json]

The output is deterministic (numpy's seeded Generator; floats written with 17 significant digits).
"""

import argparse
import json
import math
import warnings

import numpy as np
import scipy
from scipy import stats


def cases():
    rng = np.random.default_rng(20240601)
    out = []

    x = rng.uniform(0, 1, 50)
    out.append(("uniform_noise", x, np.clip(x + rng.normal(0, 0.2, 50), 0, 1)))

    # Predictions quantised to one decimal: many ties on the predicted side only.
    t = rng.uniform(0.2, 1, 40)
    out.append(("ties_predicted", np.round(t + rng.normal(0, 0.1, 40), 1), t))

    # Ties on both sides (values from small integer sets).
    out.append(("ties_both", rng.integers(0, 4, 30).astype(float), rng.integers(0, 3, 30).astype(float)))

    a = rng.uniform(0, 1, 25)
    out.append(("negative", a, 1 - a ** 2 + rng.normal(0, 0.05, 25)))

    out.append(("two_points", np.array([0.3, 0.9]), np.array([0.5, 0.4])))
    out.append(("monotone_nonlinear", np.arange(1, 13, dtype=float), np.exp(np.arange(1, 13) / 3.0)))
    out.append(("constant_truth", np.array([0.1, 0.5, 0.7, 0.2]), np.array([1.0, 1.0, 1.0, 1.0])))
    out.append(("dsc_like", np.array([1, 1, 0.95, 0.8, 0.8, 0.42, 0.0, 0.61]), np.array([0.9, 0.97, 0.9, 0.7, 0.75, 0.5, 0.1, 0.3])))
    return out


def num(v):
    v = float(v)
    return None if math.isnan(v) else v


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="tools/golden/stats_golden.json")
    args = p.parse_args()
    rows = []
    with warnings.catch_warnings():
        # A constant input makes scipy warn and return nan; that nan is the expected value here.
        warnings.simplefilter("ignore")
        for name, x, y in cases():
            rows.append({
                "name": name,
                "predicted": [float(v) for v in x],
                "truth": [float(v) for v in y],
                "pearson": num(stats.pearsonr(x, y)[0]) if len(x) >= 2 else None,
                "spearman": num(stats.spearmanr(x, y)[0]),
                "mae": float(np.mean(np.abs(x - y))),
                "ranks_predicted": [float(r) for r in stats.rankdata(x, method="average")],
            })
    doc = {"generator": "tools/golden/stats_reference.py", "scipy": scipy.__version__, "numpy": np.__version__, "cases": rows}
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"{len(rows)} cases -> {args.out}")


if __name__ == "__main__":
    main()
