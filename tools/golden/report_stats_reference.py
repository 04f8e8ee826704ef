#!/usr/bin/env python3
"""Reference values for the quality report's statistics (src/shared/stats, src/shared/report), from scipy/numpy.

Writes, under test/fixtures/report/:
  report_stats_reference.json  the reference values (below);
  synthetic-scores.csv         a scores CSV of 40 synthetic cases (as `sentinel score` writes it);
  synthetic-meta.csv           their meta.csv in TotalSegmentator's layout (image_id;age;gender;institute;...),
                               with SYNTHETIC sex and age (no real patient's data).

Reference values:
  mann_whitney  scipy.stats.mannwhitneyu(x, y) with its defaults (use_continuity=True, two-sided, method='auto'),
                and again with method='exact' (where scipy can) and method='asymptotic' passed explicitly, plus the
                method 'auto' resolved to (scipy 1.10: exact when a sample has <= 8 values and nothing is tied);
  spearman      scipy.stats.spearmanr(x, y): rho and its p-value (Student's t with n - 2 degrees of freedom);
  bh            Benjamini-Hochberg q-values, written out here with numpy (scipy 1.10 has no
                false_discovery_control and statsmodels is not installed);
  descriptive   numpy mean, std (ddof=1), percentile (linear), histogram over [0, 1] in 20 bins;
  report        the report's figures for the synthetic files: per organ, per case, per institute, the worst
                labels and the bias analysis (case means, per organ one value per case, minimum group size 5).

test/shared/stats/report-stats.test.ts and test/shared/report/build-report.test.ts compare against it.
Regenerate from the repository root (Debian's python3-numpy and python3-scipy):

    /usr/bin/python3 tools/golden/report_stats_reference.py

The output is deterministic (numpy's seeded Generator; floats as Python writes them, which read back exactly).
"""

import csv
import io
import json
import math
import os
import warnings

import numpy as np
import scipy
from scipy import stats

OUT_DIR = "test/fixtures/report"
MIN_GROUP = 5
BINS = np.linspace(0.0, 1.0, 21)
AGE_EDGES = [40, 60, 80]


def num(v):
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def auto_method(x, y):
    """The method scipy 1.10's method='auto' picks (scipy.stats._mannwhitneyu._mwu_choose_method)."""
    if len(x) > 8 and len(y) > 8:
        return "asymptotic"
    xy = np.concatenate([x, y])
    return "asymptotic" if len(np.unique(xy)) != len(xy) else "exact"


def mwu(x, y):
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    auto = stats.mannwhitneyu(x, y)
    asym = stats.mannwhitneyu(x, y, method="asymptotic")
    out = {
        "x": x.tolist(),
        "y": y.tolist(),
        "auto_method": auto_method(x, y),
        "statistic": num(auto.statistic),
        "p_value": num(auto.pvalue),
        "p_asymptotic": num(asym.pvalue),
        "rank_biserial": 2 * float(auto.statistic) / (len(x) * len(y)) - 1,
    }
    # scipy's exact path keeps an (m+1, n+1, m*n+1) table: only where that is small.
    if (len(x) + 1) * (len(y) + 1) * (len(x) * len(y) + 1) < 5e7:
        out["p_exact"] = num(stats.mannwhitneyu(x, y, method="exact").pvalue)
    return out


def bh(p):
    p = np.asarray(p, float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    q = np.empty(m)
    q[order] = q_sorted
    return q


def describe(values):
    v = np.asarray(values, float)
    if len(v) == 0:
        return {"n": 0, "mean": None, "sd": None, "min": None, "q1": None, "median": None, "q3": None, "max": None,
                "histogram": [0] * 20}
    return {
        "n": int(len(v)),
        "mean": float(np.mean(v)),
        "sd": float(np.std(v, ddof=1)) if len(v) > 1 else None,
        "min": float(np.min(v)),
        "q1": float(np.percentile(v, 25)),
        "median": float(np.percentile(v, 50)),
        "q3": float(np.percentile(v, 75)),
        "max": float(np.max(v)),
        "histogram": np.histogram(v, bins=20, range=(0.0, 1.0))[0].astype(int).tolist(),
    }


def unit_cases(rng):
    cases = []
    a = rng.uniform(0.5, 1.0, 30)
    b = rng.uniform(0.4, 0.95, 25)
    cases.append(("large_no_ties", a, b))
    cases.append(("large_ties", np.round(a, 1), np.round(b, 1)))
    cases.append(("small_exact", rng.uniform(0, 1, 5), rng.uniform(0, 1, 7)))
    cases.append(("small_with_ties", np.array([0.8, 0.9, 0.9, 0.7]), np.array([0.6, 0.9, 0.5, 0.55, 0.7])))
    cases.append(("small_vs_large_exact", rng.uniform(0.3, 0.9, 4), rng.uniform(0, 1, 200)))
    cases.append(("one_each", np.array([0.3]), np.array([0.7])))
    cases.append(("all_tied", np.array([0.5, 0.5, 0.5]), np.array([0.5, 0.5])))
    cases.append(("separated_exact", np.array([0.91, 0.95, 0.97, 0.99]), np.array([0.1, 0.2, 0.3, 0.4, 0.5])))
    cases.append(("separated_large", np.linspace(0.6, 0.99, 40), np.linspace(0.01, 0.5, 35)))
    cases.append(("eight_vs_nine", rng.uniform(0, 1, 8), rng.uniform(0, 1, 9)))
    cases.append(("nine_vs_nine", rng.uniform(0, 1, 9), rng.uniform(0, 1, 9)))
    return cases


def spearman_cases(rng):
    out = []
    x = rng.uniform(20, 90, 60)
    out.append(("age_noise", x, 0.9 - 0.002 * x + rng.normal(0, 0.05, 60)))
    out.append(("integer_ages_ties", np.round(rng.uniform(20, 90, 30)), np.round(rng.uniform(0.5, 1, 30), 2)))
    out.append(("three_points", np.array([30.0, 50.0, 70.0]), np.array([0.9, 0.7, 0.8])))
    out.append(("perfect", np.arange(10, dtype=float), np.arange(10, dtype=float) ** 2))
    out.append(("weak_n12", rng.uniform(0, 1, 12), rng.uniform(0, 1, 12)))
    return out


ORGANS = ["aorta", "kidney_left", "kidney_right", "liver", "pancreas", "spleen"]


def synthetic(rng):
    """40 cases; a sex effect on the pancreas, an age effect on the kidneys; rare organs for small groups."""
    n_cases = 40
    ids = [f"s{i:04d}" for i in range(1, n_cases + 1)]
    sex = rng.choice(["f", "m"], n_cases)
    sex[[3, 17]] = ["", "o"]  # missing / other: left out of the sex comparison
    age = np.round(rng.uniform(22, 91, n_cases)).astype(int).astype(str).astype(object)
    age[[5, 30]] = ["", "unknown"]
    institute = rng.choice(["A", "B", "C"], n_cases)
    meta_rows = []
    for i, cid in enumerate(ids):
        meta_rows.append([cid, age[i], sex[i], institute[i], "ct", "train"])
    meta_rows.append(["s9999", "50", "f", "A", "ct", "train"])  # a meta row without scores

    rows = []
    for i, cid in enumerate(ids):
        a = float(age[i]) if str(age[i]).isdigit() else 55.0
        for organ in ORGANS:
            if rng.uniform() < 0.08:
                continue
            base = {"aorta": 0.9, "kidney_left": 0.95 - 0.004 * (a - 20), "kidney_right": 0.93 - 0.003 * (a - 20),
                    "liver": 0.94, "pancreas": 0.72 - (0.12 if sex[i] == "f" else 0.0), "spleen": 0.9}[organ]
            v = float(np.clip(base + rng.normal(0, 0.06), 0, 1))
            # The liver's values are coarse: ties between cases.
            v = round(v, 2) if organ == "liver" else round(v, 6)
            rows.append((cid, organ, f"{cid}/segmentations/{organ}.nii.gz", v, "ok"))
        if i < 16:
            # A rare organ in 16 cases, no ties: the exact test for small groups.
            rows.append((cid, "gallbladder", f"{cid}/segmentations/gallbladder.nii.gz", round(float(rng.uniform(0.3, 0.95)), 6), "ok"))
        if i < 3:
            rows.append((cid, "adrenal_gland_left", f"{cid}/segmentations/adrenal_gland_left.nii.gz", round(float(rng.uniform(0.3, 0.9)), 6), "ok"))
    # Two labels of one organ in one case: the case's value for the organ is their mean.
    rows.append(("s0005", "liver", "s0005/labels.nii.gz#1", 0.31, "ok"))
    rows.append(("s0002", "brain", "s0002/segmentations/brain.nii.gz", None, "unmapped"))
    rows.append(("s0007", "spleen_2", "s0007/segmentations/spleen_2.nii.gz", None, "grid_mismatch"))
    rows.append(("s0009", "colon", "s0009/segmentations/colon.nii.gz", None, "error"))
    rows.append(("s0011", "stomach", "s0011/segmentations/stomach.nii.gz", None, "empty"))
    return ids, meta_rows, rows


def write_csv_files(meta_rows, rows):
    header = "case,organ,label_path,organ_id,predicted_dsc,slices,worst_slice,worst_slice_dsc,status,message,seconds,model,ep,slice_indices,slice_dsc\n"
    lines = [header]
    for cid, organ, path, v, status in rows:
        if status == "ok":
            lines.append(f"{cid},{organ},{path},1,{v:.6f},10,3,{max(0.0, v - 0.1):.6f},ok,,0.100,synthetic@1,cpu,,\n")
        else:
            msg = {"unmapped": "no DAP organ", "grid_mismatch": "grid differs", "error": "unreadable", "empty": "no voxels"}[status]
            lines.append(f"{cid},{organ},{path},,,0,,,{status},{msg},0.000,synthetic@1,cpu,,\n")
    with open(os.path.join(OUT_DIR, "synthetic-scores.csv"), "w", newline="") as f:
        f.write("".join(lines))
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(["image_id", "age", "gender", "institute", "study_type", "split"])
    w.writerows(meta_rows)
    with open(os.path.join(OUT_DIR, "synthetic-meta.csv"), "w", encoding="utf-8-sig", newline="") as f:
        f.write(buf.getvalue())


def parse_sex(v):
    v = v.strip().lower()
    return "female" if v in ("f", "female", "w", "woman") else "male" if v in ("m", "male", "man") else None


def parse_age(v):
    try:
        return float(v) if v.strip().replace(".", "", 1).isdigit() else None
    except ValueError:
        return None


def sex_test(values_by_case, sex_of):
    f = [values_by_case[c] for c in sorted(values_by_case) if sex_of.get(c) == "female"]
    m = [values_by_case[c] for c in sorted(values_by_case) if sex_of.get(c) == "male"]
    out = {"n": len(f) + len(m), "n_female": len(f), "n_male": len(m),
           "mean_female": float(np.mean(f)) if f else None, "mean_male": float(np.mean(m)) if m else None}
    if len(f) < MIN_GROUP or len(m) < MIN_GROUP:
        out.update({"statistic": None, "p_value": None, "effect_size": None, "method": None})
        return out
    r = stats.mannwhitneyu(f, m)
    out.update({"statistic": float(r.statistic), "p_value": float(r.pvalue),
                "effect_size": 2 * float(r.statistic) / (len(f) * len(m)) - 1, "method": auto_method(np.array(f), np.array(m))})
    return out


def age_test(values_by_case, age_of):
    pairs = [(age_of[c], values_by_case[c]) for c in sorted(values_by_case) if c in age_of]
    if len(pairs) < max(MIN_GROUP, 3):
        return {"n": len(pairs), "statistic": None, "p_value": None}
    r = stats.spearmanr([p[0] for p in pairs], [p[1] for p in pairs])
    return {"n": len(pairs), "statistic": num(r.correlation), "p_value": num(r.pvalue)}


def with_q(tests):
    tested = [i for i, t in enumerate(tests) if t["p_value"] is not None]
    q = bh([tests[i]["p_value"] for i in tested]) if tested else []
    for t in tests:
        t["q_value"] = None
    for k, i in enumerate(tested):
        tests[i]["q_value"] = float(q[k])
    return tests


def report_reference(meta_rows, rows):
    ok = [r for r in rows if r[4] == "ok"]
    by_case, by_organ, by_organ_case = {}, {}, {}
    for cid, organ, path, v, _ in ok:
        by_case.setdefault(cid, []).append(v)
        by_organ.setdefault(organ, []).append(v)
        by_organ_case.setdefault(organ, {}).setdefault(cid, []).append(v)
    case_means = {c: float(np.mean(v)) for c, v in by_case.items()}
    organ_case = {o: {c: float(np.mean(v)) for c, v in cases.items()} for o, cases in by_organ_case.items()}
    meta = {r[0]: {"age": r[1], "gender": r[2], "institute": r[3]} for r in meta_rows}
    sex_of = {c: parse_sex(m["gender"]) for c, m in meta.items() if parse_sex(m["gender"])}
    age_of = {c: parse_age(m["age"]) for c, m in meta.items() if parse_age(m["age"]) is not None}

    institutes = {}
    for cid, organ, path, v, _ in ok:
        institutes.setdefault(meta[cid]["institute"], []).append(v)

    bands = []
    edges = [None] + AGE_EDGES + [None]
    for lo, hi in zip(edges[:-1], edges[1:]):
        vals = [case_means[c] for c in sorted(case_means) if c in age_of
                and (lo is None or age_of[c] >= lo) and (hi is None or age_of[c] < hi)]
        bands.append({"lo": lo, "hi": hi, **describe(vals)})

    ranked = sorted(ok, key=lambda r: (r[3], r[0], r[2]))
    statuses = [r[4] for r in rows]
    return {
        "min_group_size": MIN_GROUP,
        "coverage": {s: statuses.count(s) for s in ("ok", "empty", "unmapped", "grid_mismatch", "error")},
        "cases": len({r[0] for r in rows}),
        "labels": describe([r[3] for r in ok]),
        "case_means": describe(list(case_means.values())),
        "organs": {o: describe(v) for o, v in by_organ.items()},
        "institutes": {k: describe(v) for k, v in institutes.items()},
        "worst": [r[2] for r in ranked[:20]],
        "sex": {
            "missing": len([c for c in case_means if c not in sex_of]),
            "overall": sex_test(case_means, sex_of),
            "per_organ": with_q([{"organ": o, **sex_test(organ_case[o], sex_of)} for o in sorted(organ_case)]),
        },
        "age": {
            "missing": len([c for c in case_means if c not in age_of]),
            "overall": age_test(case_means, age_of),
            "per_organ": with_q([{"organ": o, **age_test(organ_case[o], age_of)} for o in sorted(organ_case)]),
            "bands": bands,
        },
    }


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    rng = np.random.default_rng(20240527)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mann_whitney = [{"name": name, **mwu(x, y)} for name, x, y in unit_cases(rng)]
        spearman = []
        for name, x, y in spearman_cases(rng):
            r = stats.spearmanr(x, y)
            spearman.append({"name": name, "x": np.asarray(x, float).tolist(), "y": np.asarray(y, float).tolist(),
                             "rho": num(r.correlation), "p_value": num(r.pvalue)})
        p_sets = [rng.uniform(0, 1, 12).tolist(), [0.01, 0.04, 0.03, 0.005, 0.2, 0.04, 0.9], [0.5], [0.0, 1.0, 0.0]]
        bh_out = [{"p": p, "q": bh(p).tolist()} for p in p_sets]
        desc_sets = [rng.uniform(0, 1, 37).tolist(), [0.85, 0.05, 0.1, 1.0, 0.0, 0.95, 0.5], [0.42],
                     np.round(rng.uniform(0, 1, 50), 2).tolist()]
        descriptive = [{"values": v, **describe(v)} for v in desc_sets]
        ids, meta_rows, rows = synthetic(rng)
        write_csv_files(meta_rows, rows)
        report = report_reference(meta_rows, rows)
    out = {
        "generator": "tools/golden/report_stats_reference.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "mann_whitney": mann_whitney,
        "spearman": spearman,
        "bh": bh_out,
        "descriptive": descriptive,
        "report": report,
    }
    with open(os.path.join(OUT_DIR, "report_stats_reference.json"), "w") as f:
        f.write(json.dumps(out, indent=1, default=lambda o: float(o)))
        f.write("\n")
    print(f"wrote {OUT_DIR}/report_stats_reference.json, synthetic-scores.csv, synthetic-meta.csv")


if __name__ == "__main__":
    main()
