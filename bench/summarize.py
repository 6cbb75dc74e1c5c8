#!/usr/bin/env python3
"""Summarizes bench/run.sh results: medians per contender (warm-up run 0 excluded) and ratios to the baselines.

Input: TSV lines "workload contender run seconds peak_rss_kib" (RSS empty for figures a process reported about its
own steps, workload "w4_steps"), and optionally W4's heap.tsv: "label collections peak_heap_after_gc_mib".
Prints Markdown tables for bench/RESULTS.md.
"""
import statistics
import sys
from collections import defaultdict

BASELINES = {"w1": "psql_binary_copy", "w2": "psql_script", "w4": "baseline"}
W4_TARGET_RATIO = 1.5
W4_TARGET_DIFF_STEP_S = 1.5
W4_TARGET_HEAP_MIB = 1024


def main(path, heap_path=None):
    runs = defaultdict(list)
    for line in open(path):
        workload, contender, run, seconds, rss = line.rstrip("\n").split("\t")
        if workload != "memory" and run == "0":
            continue
        runs[(workload, contender)].append((int(run), float(seconds), int(rss or 0)))

    for workload in ("w1", "w2", "w4"):
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
        if workload == "w4":
            w4_details(runs, base_median, heap_path)

    memory = [(c, s, m) for (w, c), rows in runs.items() if w == "memory" for _, s, m in rows]
    if memory:
        print("\n### Memory\n")
        print("| run | wall s | peak RSS MiB |")
        print("|---|---|---|")
        for c, s, m in memory:
            print(f"| {c} | {s:.1f} | {m / 1024:.0f} |")


def w4_details(runs, base_median, heap_path):
    """W4's step figures, its ratios against the targets, the initial run and the heap."""
    steps = {c: {r: s for r, s, _ in rows} for (w, c), rows in runs.items() if w == "w4_steps"}
    if steps:
        print("\nSteps, as timed inside the processes:\n")
        print("| step | runs | min s | median s | max s |")
        print("|---|---|---|---|---|")
        for c, by_run in steps.items():
            secs = list(by_run.values())
            print(f"| {c} | {len(secs)} | {min(secs):.3f} | {statistics.median(secs):.3f} | {max(secs):.3f} |")

    tidemark = {r: s for r, s, _ in runs[("w4", "tidemark")]}
    if tidemark:
        med = statistics.median(tidemark.values())
        print(f"\nTidemark ÷ baseline, whole processes: {med / base_median:.2f}× (target ≤ {W4_TARGET_RATIO}×)")
        copy, join = steps.get("baseline_copy", {}), steps.get("baseline_hash_join", {})
        core = {r: copy[r] + join[r] for r in copy if r in join}
        if core:
            paired = [tidemark[r] / core[r] for r in core if r in tidemark]
            print(f"Tidemark ÷ (COPY + hash join alone): {med / statistics.median(core.values()):.2f}× "
                  f"(per-run median {statistics.median(paired):.2f}×; the strict reading: the baseline without its JVM "
                  f"start-up and table build)")
            engine = steps.get("tidemark_engine_run", {})
            if engine:
                print(f"Tidemark's engine run alone (run record's duration, no JVM start-up) ÷ (COPY + hash join alone): "
                      f"{statistics.median(engine.values()) / statistics.median(core.values()):.2f}×")
    diff = steps.get("tidemark_diff_step")
    if diff:
        med = statistics.median(diff.values())
        print(f"Diff step alone (median): {med:.3f} s (target ≤ {W4_TARGET_DIFF_STEP_S} s): "
              f"{'met' if med <= W4_TARGET_DIFF_STEP_S else 'NOT met'}")
    elif tidemark:
        print("Diff step alone: not in the log (the engine printed no 'sync w4_mirror: diff … ms' line at -v)")

    for label, key in (("Initial run (every row sent)", "w4_initial"), ("Heap run (one more diff round)", "w4_heap")):
        for _, s, m in runs.get((key, "tidemark"), []):
            print(f"{label}: {s:.2f} s, peak RSS {m / 1024:.0f} MiB")

    if heap_path:
        for line in open(heap_path):
            label, collections, mib = line.rstrip("\n").split("\t")
            if int(collections) == 0:
                print(f"Heap, {label}: no collection happened (the run never filled the young generation)")
            else:
                verdict = "met" if float(mib) <= W4_TARGET_HEAP_MIB else "NOT met"
                print(f"Heap, {label}: largest heap after a collection {mib} MiB over {collections} collections "
                      f"(target ≤ {W4_TARGET_HEAP_MIB} MiB: {verdict})")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
