#!/usr/bin/env python3
"""Summarizes bench/run.sh results: medians per contender (warm-up run 0 excluded) and ratios to the baselines.

Input: TSV lines "workload contender run seconds peak_rss_kib". Prints Markdown tables for bench/RESULTS.md.
"""
import statistics
import sys
from collections import defaultdict

BASELINES = {"w1": "psql_binary_copy", "w2": "psql_script"}


def main(path):
    runs = defaultdict(list)
    for line in open(path):
        workload, contender, run, seconds, rss = line.rstrip("\n").split("\t")
        if workload != "memory" and run == "0":
            continue
        runs[(workload, contender)].append((int(run), float(seconds), int(rss or 0)))

    for workload in ("w1", "w2"):
        contenders = [c for (w, c) in runs if w == workload]
        if not contenders:
            continue
        base = BASELINES[workload]
        base_by_run = {r: s for r, s, _ in runs[(workload, base)]}
        print(f"\n### {workload.upper()}\n")
        print("| contender | runs | min s | median s | max s | peak RSS MiB | median time ÷ baseline | per-run ratio (median) |")
        print("|---|---|---|---|---|---|---|---|")
        base_median = statistics.median(base_by_run.values())
        for c in contenders:
            rows = runs[(workload, c)]
            secs = [s for _, s, _ in rows]
            med = statistics.median(secs)
            paired = [s / base_by_run[r] for r, s, _ in rows if r in base_by_run]
            print(f"| {c} | {len(secs)} | {min(secs):.2f} | {med:.2f} | {max(secs):.2f} | "
                  f"{max(m for _, _, m in rows) / 1024:.0f} | {med / base_median:.2f}× | "
                  f"{statistics.median(paired):.2f}× |")
        if workload == "w1":
            for c in contenders:
                if c != base:
                    med = statistics.median(s for _, s, _ in runs[(workload, c)])
                    print(f"\nThroughput of {c} relative to {base}: {base_median / med:.2f}×")

    memory = [(c, s, m) for (w, c), rows in runs.items() if w == "memory" for _, s, m in rows]
    if memory:
        print("\n### Memory\n")
        print("| run | wall s | peak RSS MiB |")
        print("|---|---|---|")
        for c, s, m in memory:
            print(f"| {c} | {s:.1f} | {m / 1024:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1])
