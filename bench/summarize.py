#!/usr/bin/env python3
"""Summarizes bench/run.sh results: medians per contender (warm-up run 0 excluded) and ratios to the baselines.

Input: TSV lines "workload contender run seconds peak_rss_kib" (RSS empty for figures a process reported about its
own steps, workloads "w3_steps" and "w4_steps"), and optionally W4's heap.tsv: "label collections peak_heap_after_gc_mib",
W3's w3.tsv: "phase contender run metric value" and W3's w3-lag.tsv: "phase contender epoch_s slot_lag_bytes".
Prints Markdown tables for bench/RESULTS.md.
"""
import statistics
import sys
from collections import defaultdict

BASELINES = {"w1": "psql_binary_copy", "w2": "psql_script", "w4": "baseline"}
W4_TARGET_RATIO = 1.5
W4_TARGET_DIFF_STEP_S = 1.5
W4_TARGET_HEAP_MIB = 1024
W3_TARGET_RATIO = 2.0
W3_TARGET_BURST_ROWS_S = 33_000
W3_TARGET_MAX_ROWS_S = 10_000


def main(path, heap_path=None, w3_path=None, w3_lag_path=None):
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

    if ("w3", "native") in runs:
        w3_details(runs, w3_path, w3_lag_path)

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


def w3_details(runs, w3_path, w3_lag_path):
    """W3: burst times against the native subscription, and the steady phases' latency, throughput and lag."""
    metrics = defaultdict(dict)  # (phase, contender, metric) -> {run: value}
    if w3_path:
        for line in open(w3_path):
            phase, contender, run, metric, value = line.rstrip("\n").split("\t")
            if value:
                metrics[(phase, contender, metric)][run] = float(value)
    rows = metrics.get(("burst", "all", "rows"), {}).get("0")
    native = {r: s for r, s, _ in runs[("w3", "native")]}
    native_median = statistics.median(native.values())
    print("\n### W3\n")
    print(f"Burst: {rows:,.0f} row updates in 100 transactions; seconds from the burst's first statement until the "
          f"destination showed its last update (runs after the warm-up).\n" if rows else "")
    print("| contender | runs | min s | median s | max s | median rows/s | median ÷ native | per-run ratio (median) "
          "| source's own burst s (median) | applied after the source's last commit, s (median) "
          "| contender CPU s per burst (median) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    labels = {"native": "native subscription (enabled, caught up)",
              "tidemark_follow": "Tidemark `run --follow` (running, caught up)",
              "tidemark_run": "Tidemark `run` started after the burst committed (whole process)"}
    for c in ("native", "tidemark_follow", "tidemark_run"):
        by_run = {r: s for r, s, _ in runs.get(("w3", c), [])}
        if not by_run:
            continue
        secs = list(by_run.values())
        med = statistics.median(secs)
        paired = [s / native[r] for r, s in by_run.items() if r in native]
        source = [v for r, v in metrics.get(("burst", c, "source_s"), {}).items() if r != "0"]
        cpu = [v for r, v in metrics.get(("burst", c, "cpu_s"), {}).items() if r != "0"]
        after = [v for r, v in metrics.get(("burst", c, "after_commit_s"), {}).items() if r != "0"]
        med_of = lambda xs: f"{statistics.median(xs):.2f}" if xs else "–"
        print(f"| {labels[c]} | {len(secs)} | {min(secs):.2f} | {med:.2f} | {max(secs):.2f} | "
              f"{rows / med if rows else 0:,.0f} | {med / native_median:.2f}× | {statistics.median(paired):.2f}× | "
              f"{med_of(source)} | {med_of(after)} | {med_of(cpu)} |")
    follow = {r: s for r, s, _ in runs.get(("w3", "tidemark_follow"), [])}
    if follow and rows:
        med = statistics.median(follow.values())
        ok = med / native_median <= W3_TARGET_RATIO and rows / med >= W3_TARGET_BURST_ROWS_S
        print(f"\nTarget (follow): ≤ {W3_TARGET_RATIO:g}× native and ≥ {W3_TARGET_BURST_ROWS_S:,} rows/s: "
              f"{med / native_median:.2f}×, {rows / med:,.0f} rows/s — {'met' if ok else 'NOT met'}")
    engine = [s for r, s, _ in runs.get(("w3_steps", "tidemark_run_engine"), [])]
    if engine:
        print(f"Tidemark `run`: the engine's own run (run record's duration_ms, median) {statistics.median(engine):.2f} s")
    load = [metrics.get(("machine", "all", k), {}).get("0") for k in ("load_average_start", "load_average_end")]
    if all(v is not None for v in load):
        print(f"Machine load average (1 min) at W3's start and end: {load[0]:.1f}, {load[1]:.1f}")
    rss = [v for (p, c, m), by_run in metrics.items() if p == "follow" and m == "peak_rss_mib" for v in by_run.values()]
    if rss:
        print(f"Tidemark `--follow` peak RSS (-Xmx512m): {max(rss):.0f} MiB")

    lags = defaultdict(list)
    if w3_lag_path:
        for line in open(w3_lag_path):
            phase, contender, at, lag = line.rstrip("\n").split("\t")
            lags[(phase, contender)].append((float(at), float(lag or 0)))
    phases = [(p, c) for p in ("steady", "max") for c in ("native", "tidemark") if (p, c, "rows_applied") in metrics]
    if not phases:
        return
    print("\nSteady load (pgbench, one-row UPDATE transactions). Latency per applied row: source commit (commit "
          "timestamp) → the destination trigger's clock in the applying transaction (Tidemark's commit follows it by "
          "the gap given below). Slot lag: bytes of log between the server's insert position and the "
          "slot's confirmed position, sampled each second while the load ran: median of the first and last quarter, "
          "and the largest.\n")
    print("| phase | contender | source TPS | source updates | rows applied | applied rows/s | p50 ms | p95 ms | p99 ms "
          "| max ms | p50 first → last tenth, ms | drain s | slot lag MB: first q → last q (max) | destination tx | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    gaps = []
    for p, c in phases:
        m = {metric: by_run.get("1") for (pp, cc, metric), by_run in metrics.items() if pp == p and cc == c}
        g = lambda k, f="{:.0f}": f.format(m[k]) if m.get(k) is not None else ""
        lag = ""
        samples = [(at, b) for at, b in lags.get((p, c), []) if m.get("load_start", 0) <= at <= m.get("load_end", 0)]
        if samples:
            q = max(1, len(samples) // 4)
            first = statistics.median(b for _, b in samples[:q]) / 2**20
            last = statistics.median(b for _, b in samples[-q:]) / 2**20
            lag = f"{first:.2f} → {last:.2f} ({max(b for _, b in samples) / 2**20:.2f})"
        print(f"| {p} | {c} | {g('source_tps')} | {g('source_updates')} | {g('rows_applied')} | {g('applied_per_s')} | "
              f"{g('latency_p50_ms')} | {g('latency_p95_ms')} | {g('latency_p99_ms')} | {g('latency_max_ms')} | "
              f"{g('latency_p50_first_tenth_ms')} → {g('latency_p50_last_tenth_ms')} | {g('drain_s', '{:.2f}')} | {lag} | "
              f"{g('dst_transactions')} | {g('cpu_s', '{:.1f}')} |")
        if c == "tidemark" and m.get("commit_after_trigger_p50_ms") is not None:
            gaps.append(f"{p}: p50 {m['commit_after_trigger_p50_ms']:.1f} ms, max {m['commit_after_trigger_max_ms']:.1f} ms")
        if m.get("commit_timestamps") is not None and m["commit_timestamps"] < 1:
            print(f"\n(note: {p}/{c}: track_commit_timestamp was off; latency from the trigger's and the UPDATE's clocks)")
    if gaps:
        print(f"\nTidemark's destination commit after the trigger fired: {'; '.join(gaps)}")
    tm = {metric: by_run.get("1") for (pp, cc, metric), by_run in metrics.items() if pp == "max" and cc == "tidemark"}
    if tm.get("applied_per_s"):
        print(f"\nTarget (max): ≥ {W3_TARGET_MAX_ROWS_S:,} changed rows/s with no growing backlog: Tidemark applied "
              f"{tm['applied_per_s']:,.0f} rows/s of a source sustaining {tm.get('source_tps') or 0:,.0f} TPS")


if __name__ == "__main__":
    main(*sys.argv[1:5])
