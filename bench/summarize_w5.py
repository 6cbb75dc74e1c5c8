#!/usr/bin/env python3
"""Summarizes W5 (bench/w5.sh): the server running many syncs on `schedule: 1min` for some minutes.

Input files (all written by w5.sh):
  w5.tsv          "key value": settings and the timeline in epoch milliseconds (apply_end_ms, stop_ms, jvm_start_ms, ...)
  w5-planned.tsv  "sync first_due_ms": db-scheduler's planned execution of every sync right after the apply
  w5-runs.tsv     "id sync trigger started_at_ms duration_ms status error_code error": every recorded run
  w5-samples.tsv  "epoch_ms rss_kib queue_depth runs_active load1"
  w5-jstat.log    `jstat -gc -t` (uptime seconds, sizes in KiB)
  w5-gc.log       -Xlog:gc with epoch-millisecond stamps ("[1763717000123ms] GC(3) Pause Young ... 30M->12M(64M) 3.4ms")

Prints the figures and a verdict per target of issue 5: every due run starts within 5 s of its time, no run is lost
(every expected slot has exactly one run), memory stays flat (no upward trend).
"""
import math
import re
import statistics
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone

START_TARGET_MS = 5_000
INTERVAL_MS = 60_000
# "Flat": the live heap (after a full collection) grows by at most this share from minute 1 to the end, and the RSS
# trend over the second half of the run (warmed up: classes loaded, code compiled) stays below this many MiB per minute.
LIVE_HEAP_GROWTH_MAX = 0.10
RSS_SLOPE_MAX_MIB_PER_MIN = 1.0
GC_LINE = re.compile(r"^\[(\d+)ms\] GC\(\d+\) (Pause \w+ .*?) (\d+)([KMG])->(\d+)([KMG])\((\d+)([KMG])\)")


def mib(value, unit):
    return float(value) * {"K": 1 / 1024, "M": 1, "G": 1024}[unit]


def rank(sorted_values, p):
    """Nearest-rank percentile."""
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)]


def slope_per_min(points):
    """Least-squares slope of (minute, value) points; 0 with fewer than two distinct minutes."""
    if len({m for m, _ in points}) < 2:
        return 0.0
    return statistics.linear_regression([m for m, _ in points], [v for _, v in points]).slope


def window_stats(points, lo, hi):
    values = [v for m, v in points if lo <= m < hi]
    return (statistics.mean(values), max(values)) if values else (float("nan"), float("nan"))


def read_tsv(path):
    try:
        with open(path) as f:
            return [line.rstrip("\n").split("\t") for line in f if line.strip()]
    except FileNotFoundError:
        return []


def main(meta_path, planned_path, runs_path, samples_path, jstat_path, gc_path):
    meta = dict(read_tsv(meta_path))
    applied, stop = int(meta["apply_end_ms"]), int(meta["stop_ms"])
    tail_ms = int(meta["tail_s"]) * 1000
    minutes = (stop - applied) / 60_000

    def minute(epoch_ms):
        return (epoch_ms - applied) / 60_000

    print(f"\n### W5 — {meta['syncs']} {meta['sync_type']} syncs on schedule 1min, {meta['rows_per_table']} rows each, "
          f"{minutes:.1f} minutes on one node\n")
    print(f"Machine: {meta['cores']} cores; load average (1, 5, 15 min) {meta['load_average_start']} before, "
          f"{meta['load_average_end']} at the end. Server: {meta['server_java_opts']}, scheduler threads "
          f"{meta['scheduler_threads']}; CPU time {float(meta['server_cpu_s']):.0f} s "
          f"({float(meta['server_cpu_s']) / (stop - int(meta['jvm_start_ms'])) * 1000:.2f} cores on average); "
          f"stopped by SIGTERM in {(int(meta['stopped_ms']) - stop) / 1000:.1f} s, exit status {meta['server_exit_status']}.")

    # ---- schedule: expected slots against recorded runs ------------------------------------------------------
    first_due = {sync: int(ms) for sync, ms in read_tsv(planned_path)}
    runs = read_tsv(runs_path)
    scheduled = defaultdict(Counter)  # sync -> due_ms -> runs
    delays, other_triggers, statuses, errors, durations = [], Counter(), Counter(), Counter(), []
    delay_by_offset = defaultdict(list)
    by_due = defaultdict(list)  # due_ms -> start delays of the runs due then (a burst)
    due_delays = []  # (minute of the due time, start delay)
    for _id, sync, trigger, started, duration, status, code, error in runs:
        statuses[status] += 1
        if status != "succeeded":
            errors[(status, code, error[:160])] += 1
        if duration:
            durations.append(int(duration))
        if not trigger.startswith("schedule "):
            other_triggers[trigger] += 1
            continue
        due = int(datetime.fromisoformat(trigger.removeprefix("schedule ").replace("Z", "+00:00")).timestamp() * 1000)
        scheduled[sync][due] += 1
        delays.append(int(started) - due)
        delay_by_offset[(due // 1000) % 60].append(int(started) - due)
        by_due[due].append(int(started) - due)
        due_delays.append((minute(due), int(started) - due))

    expected = lost = duplicated = off_grid = tail_slots = tail_runs = 0
    lost_examples = []
    for sync, first in first_due.items():
        got = scheduled.get(sync, Counter())
        slot = first
        while slot <= stop:
            if slot <= stop - tail_ms:
                expected += 1
                if got[slot] == 0:
                    lost += 1
                    lost_examples.append(f"{sync} due {datetime.fromtimestamp(slot / 1000, timezone.utc):%H:%M:%S}")
            else:
                tail_slots += 1
                tail_runs += min(got[slot], 1)
            duplicated += max(0, got[slot] - 1)
            slot += INTERVAL_MS
        off_grid += sum(n for due, n in got.items() if due < first or (due - first) % INTERVAL_MS)
    unknown = sum(sum(c.values()) for sync, c in scheduled.items() if sync not in first_due)

    delays.sort()
    late = sum(1 for d in delays if d > START_TARGET_MS)
    print("\nStart delay (run's started_at − its due time, for every scheduled run):\n")
    print("| scheduled runs | p50 ms | p90 ms | p99 ms | max ms | runs later than 5 s | run duration p50 / p99 / max ms |")
    print("|---|---|---|---|---|---|---|")
    durations.sort()
    if delays:
        print(f"| {len(delays)} | {rank(delays, .5)} | {rank(delays, .9)} | {rank(delays, .99)} | {delays[-1]} | {late} "
              f"({late / len(delays):.1%}) | {rank(durations, .5)} / {rank(durations, .99)} / {durations[-1]} |")

    offsets = Counter((due // 1000) % 60 for due in first_due.values())
    print(f"\nDue times within the minute (second: syncs): "
          + ", ".join(f":{s:02d}: {n}" for s, n in sorted(offsets.items())) + ".")
    print("\n| second of the minute | syncs due | runs | p50 delay ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for second in sorted(delay_by_offset):
        d = sorted(delay_by_offset[second])
        print(f"| :{second:02d} | {offsets.get(second, 0)} | {len(d)} | {rank(d, .5)} | {rank(d, .99)} | {d[-1]} |")

    bursts = [sorted(d) for d in by_due.values()]
    if bursts:
        firsts, lasts = sorted(b[0] for b in bursts), sorted(b[-1] for b in bursts)
        print(f"\nRuns due at the same instant: {len(bursts)} instants, {statistics.median(len(b) for b in bursts):.0f} runs each "
              f"(median). The first of them starts p50 {rank(firsts, .5)} ms / max {firsts[-1]} ms after the due time, the "
              f"last p50 {rank(lasts, .5)} ms / max {lasts[-1]} ms.")

    print(f"\nSlots: {expected} expected (each sync's planned first time, then every minute, up to {tail_ms // 1000} s "
          f"before SIGTERM); {expected - lost} ran, **{lost} lost**, {duplicated} duplicated, {off_grid} off the "
          f"schedule's grid, {unknown} of unknown syncs. In the last {tail_ms // 1000} s: {tail_runs} of {tail_slots} "
          f"slots ran. Other triggers: {dict(other_triggers) or 'none'}.")
    if lost_examples:
        print("Lost (first 10): " + "; ".join(lost_examples[:10]))
    print(f"\nRuns by status: {dict(statuses)}.")
    for (status, code, error), n in errors.most_common(10):
        print(f"- {n} × {status} {code}: {error}")

    # ---- memory ------------------------------------------------------------------------------------------------
    samples = [s for s in read_tsv(samples_path) if len(s) == 5]
    rss = [(minute(int(t)), int(r) / 1024) for t, r, _, _, _ in samples if r]
    queue = [float(q) for _, _, q, _, _ in samples if q]
    active = [float(a) for _, _, _, a, _ in samples if a]
    load = [float(l) for *_, l in samples if l]

    heap = []  # (minute, used MiB, old used MiB, metaspace used MiB) from jstat
    jvm_start = int(meta["jvm_start_ms"])
    lines = [l.split() for l in open(jstat_path)] if jstat_path else []
    header = next((l for l in lines if l and l[0] == "Timestamp"), None)
    for l in lines:
        if header and len(l) == len(header) and l[0] != "Timestamp":
            row = dict(zip(header, map(float, l)))
            used = (row["S0U"] + row["S1U"] + row["EU"] + row["OU"]) / 1024
            heap.append((minute(jvm_start + row["Timestamp"] * 1000), used, row["OU"] / 1024, row["MU"] / 1024))

    young_after, full = [], []
    for line in open(gc_path):
        m = GC_LINE.match(line)
        if not m:
            continue
        when, kind = minute(int(m.group(1))), m.group(2)
        after = mib(m.group(5), m.group(6))
        if kind.startswith("Pause Full"):  # jcmd GC.run ("Diagnostic Command")
            full.append((when, mib(m.group(3), m.group(4)), after))
        elif "Young" in kind:
            young_after.append((when, after))

    last, half = minutes - 1, minutes / 2
    series = (("RSS MiB", rss), ("heap used MiB (jstat, every 10 s)", [(m, u) for m, u, _, _ in heap]),
              ("old generation used MiB (jstat)", [(m, o) for m, _, o, _ in heap]),
              ("metaspace used MiB (jstat)", [(m, s) for m, _, _, s in heap]),
              ("heap after each young collection MiB (GC log)", young_after))
    print("\nMemory (first minute after the apply → last minute; trends are least-squares slopes from minute 1 and over "
          "the second half):\n")
    print("| series | first minute mean / max | last minute mean / max | trend from minute 1, MiB/min | trend over the "
          "second half, MiB/min | samples |")
    print("|---|---|---|---|---|---|")
    for label, points in series:
        if not points:
            continue
        f_mean, f_max = window_stats(points, 0, 1)
        l_mean, l_max = window_stats(points, last, minutes + 1)
        print(f"| {label} | {f_mean:.0f} / {f_max:.0f} | {l_mean:.0f} / {l_max:.0f} | "
              f"{slope_per_min([(m, v) for m, v in points if m >= 1]):+.2f} | "
              f"{slope_per_min([(m, v) for m, v in points if m >= half]):+.2f} | {len(points)} |")
    for when, before, after in full:
        print(f"- full collection (jcmd GC.run) at minute {when:.1f}: {before:.0f} → **{after:.0f} MiB live**")

    print("\nPer minute (runs by due time; memory as means of the samples):\n")
    print("| minute | runs due | start delay p99 / max ms | RSS MiB | heap used MiB | heap after young GC MiB | queue depth max |")
    print("|---|---|---|---|---|---|---|")
    queue_points = [(minute(int(t)), float(q)) for t, _, q, _, _ in samples if q]
    for k in range(round(minutes)):
        d = sorted(x for m, x in due_delays if k <= m < k + 1)
        mean = lambda points: window_stats(points, k, k + 1)[0]
        print(f"| {k + 1} | {len(d)} | {f'{rank(d, .99)} / {d[-1]}' if d else '–'} | {mean(rss):.0f} | "
              f"{mean([(m, u) for m, u, _, _ in heap]):.0f} | {mean(young_after):.0f} | {window_stats(queue_points, k, k + 1)[1]:.0f} |")
    if queue:
        print(f"\nScheduler queue depth (/metrics, every {float(samples[1][0]) / 1000 - float(samples[0][0]) / 1000:.0f} s): "
              f"max {max(queue):.0f}, mean {statistics.mean(queue):.2f}, non-zero in {sum(q > 0 for q in queue) / len(queue):.0%} "
              f"of samples; runs active on the node: max {max(active):.0f}, mean {statistics.mean(active):.2f}. "
              f"Load average during the run: mean {statistics.mean(load):.1f}, max {max(load):.1f}.")

    # ---- verdicts ----------------------------------------------------------------------------------------------
    rss_trend = slope_per_min([(m, v) for m, v in rss if m >= half])
    live = (full[0][2], full[-1][2]) if len(full) >= 2 else (float("nan"), float("nan"))
    growth = (live[1] - live[0]) / live[0]
    flat = growth <= LIVE_HEAP_GROWTH_MAX and rss_trend <= RSS_SLOPE_MAX_MIB_PER_MIN
    print("\n| target | measured | met? |")
    print("|---|---|---|")
    print(f"| every due run starts within 5 s | max {delays[-1] if delays else '–'} ms, {late} of {len(delays)} runs later "
          f"than 5 s | {'yes' if delays and late == 0 else '**no**'} |")
    print(f"| no run lost | {lost} lost, {duplicated} duplicated, {off_grid} off-grid of {expected} expected slots "
          f"| {'yes' if expected and lost == duplicated == off_grid == 0 else '**no**'} |")
    print(f"| memory flat (live heap +{LIVE_HEAP_GROWTH_MAX:.0%} at most, RSS trend over the second half ≤ "
          f"{RSS_SLOPE_MAX_MIB_PER_MIN:g} MiB/min) | live heap {live[0]:.0f} → {live[1]:.0f} MiB ({growth:+.0%}); RSS trend "
          f"{rss_trend:+.2f} MiB/min | {'yes' if flat else '**no**'} |")

if __name__ == "__main__":
    main(*sys.argv[1:])
