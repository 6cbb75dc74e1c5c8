#!/usr/bin/env python3
"""Summarizes the HTTP benchmark (issue 8's W5; bench/http.sh): pacing against a rate-limited API.

    summarize_http.py RUN_DIR...          Markdown tables and a verdict per target, for bench/RESULTS.md
    summarize_http.py --brief RUN_DIR     one line about one run (http.sh logs it after each run)

A run folder holds (written by http.sh and the API server, io.tidemark.bench.http.RateLimitedApi):
  meta.tsv      "key value": variant, run, client (tidemark | load_generator), rows, requests_per_second (the client's
                ceiling, 0 = none), max_concurrency, batch, server_cpu_start_s and server_cpu_s (the API server's CPU
                time once listening and when stopped), load averages, client_wall_s, client_rss_kib
  summary.json  the server's counts: rate_per_second (0 = unlimited), accepted_requests, accepted_records, unique_ids,
                duplicate_records, throttled, slowdown_at_ms (after the first request), ...
  timeline.csv  per 100 ms from the first request: t_ms, accepted_requests, accepted_records, throttled,
                mean_latency_ms, in_flight_max (counted by the bucket a request arrived in)
  client.log    Tidemark's output (the run record as JSON, --json, then bash's `times`: the process's user and system CPU)
                or LoadGenerator's line

Figures (all from the server's side):
  steady rate    accepted requests/s from 5 s after the first request to 1 s before the last one, as a share of the
                 server's rate
  429 share      throttled / (accepted + throttled) among the requests that arrived after the first 5 s
  reached        the start of the first 1 s window (ten 100 ms buckets) with >= 95% of the rate
  re-converged   the first bucket at or after the latency change from which every 1 s window up to the last second
                 holds >= 95% of the rate; reported as the time after the change (0 = never fell below)
  lost           rows - unique ids accepted;  duplicated: records accepted again (same id), counted by the server
"""
import json
import re
import sys
from pathlib import Path

BUCKET_MS = 100
WINDOW = 10  # buckets: a 1 s moving window
WARMUP_MS = 5_000
TAIL_MS = 1_000
TARGET_SHARE = 0.95
TARGET_429 = 0.01
TARGET_RECONVERGE_MS = 5_000
# The order http.sh runs them in; the server-ceiling probes (named by latency and workers) come first.
ORDER = ["paced_reference", "adaptive", "ceiling", "adaptive_long", "ceiling_long", "unlimited"]


class Run:
    def __init__(self, folder):
        folder = Path(folder)
        self.name = folder.name
        self.meta = dict(line.rstrip("\n").split("\t", 1) for line in open(folder / "meta.tsv") if "\t" in line)
        self.summary = json.loads((folder / "summary.json").read_text())
        self.buckets = []
        with open(folder / "timeline.csv") as f:
            next(f)
            for line in f:
                t, accepted, records, throttled, latency, in_flight = line.strip().split(",")
                self.buckets.append((int(t), int(accepted), int(records), int(throttled), float(latency), int(in_flight)))
        log = (folder / "client.log").read_text() if (folder / "client.log").exists() else ""
        match = re.search(r"^\{.*?^\}", log, re.S | re.M)
        self.record = json.loads(match.group(0)) if match else None
        self.load_line = next((l for l in log.splitlines() if l.startswith("load: ")), None)
        times = re.findall(r"^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$", log, re.M)
        self.client_cpu_s = sum(int(m) * 60 + float(s) for m, s in (times[-1][:2], times[-1][2:])) if times else None

        self.variant = self.meta["variant"]
        self.client = self.meta["client"]
        self.rate = self.summary["rate_per_second"]
        self.rows = int(self.meta["rows"]) if "rows" in self.meta else None
        self.sending_s = len(self.buckets) * BUCKET_MS / 1000
        self.server_cpu_s = float(self.meta["server_cpu_s"]) - float(self.meta["server_cpu_start_s"])
        self.analyse()

    def window(self, j):
        """Accepted requests in the 1 s window starting at bucket j."""
        return sum(b[1] for b in self.buckets[j:j + WINDOW])

    def analyse(self):
        end_ms = len(self.buckets) * BUCKET_MS
        after = [b for b in self.buckets if b[0] >= WARMUP_MS]
        steady = [b for b in after if b[0] < end_ms - TAIL_MS]
        self.steady_s = len(steady) * BUCKET_MS / 1000
        self.steady_rate = sum(b[1] for b in steady) / self.steady_s if steady else None
        answered = sum(b[1] + b[3] for b in after)
        self.share_429 = sum(b[3] for b in after) / answered if answered else None
        self.mean_rate = self.summary["accepted_requests"] / self.sending_s if self.sending_s else 0
        # Windows [j, j + 10) that end at or before the last second begins.
        last = len(self.buckets) - TAIL_MS // BUCKET_MS - WINDOW
        target = TARGET_SHARE * self.rate
        self.reached_s = self.reconverged_ms = self.dip = None
        if self.rate and last >= 0:
            self.reached_s = next((j * BUCKET_MS / 1000 for j in range(last + 1) if self.window(j) >= target), None)
        change = self.summary.get("slowdown_at_ms")
        self.change_s = change / 1000 if change is not None else None
        if self.rate and change is not None and change // BUCKET_MS <= last:
            first = change // BUCKET_MS
            self.dip = min(self.window(j) for j in range(first, last + 1))
            # The latest window below the target decides: re-converged from the bucket after it.
            below = [j for j in range(first, last + 1) if self.window(j) < target]
            self.reconverged_ms = 0 if not below else (below[-1] + 1) * BUCKET_MS - change
            if below and below[-1] == last:
                self.reconverged_ms = None  # still below at the end
        self.unique = self.summary["unique_ids"]
        self.lost = self.rows - self.unique if self.rows is not None else None
        self.duplicated = self.summary["duplicate_records"]

    @property
    def status(self):
        if self.client != "tidemark":
            return "–"
        if self.record is None:
            return f"no run record (exit {self.meta.get('client_exit_status', '?')})"
        error = f": {self.record.get('error_code')} {' '.join(str(self.record.get('error')).split())[:160]}" if self.record.get("error") else ""
        return f"{self.record.get('status')}{error}"

    @property
    def succeeded(self):
        return self.record is not None and self.record.get("status") == "succeeded"

    def brief(self):
        parts = [f"{self.name}: {self.summary['requests']} requests in {self.sending_s:.1f} s, "
                 f"{self.summary['accepted_records']} records accepted"]
        if self.rate:
            parts.append(f"steady {fmt_rate(self)}")
            parts.append(f"429 after 5 s {pct(self.share_429, 2)}")
            if self.change_s is not None:
                parts.append(f"re-converged {seconds(self.reconverged_ms)} after the slowdown at {self.change_s:.1f} s")
        else:
            parts.append(f"{self.mean_rate:.0f} requests/s on average")
        if self.client == "tidemark":
            parts.append(f"lost {self.lost}, duplicated {self.duplicated}; run {self.status}")
        elif self.load_line:
            parts.append(self.load_line)
        return "; ".join(parts)


def pct(value, digits=1):
    return "–" if value is None else f"{value:.{digits}%}"


def seconds(ms):
    return "never (below 95% at the end)" if ms is None else f"{ms / 1000:.1f} s"


def fmt_rate(run):
    if run.steady_rate is None:
        return f"– (sent for {run.sending_s:.1f} s: no steady window after the first 5 s)"
    share = f" = {run.steady_rate / run.rate:.1%}" if run.rate else ""
    return f"{run.steady_rate:.0f}/s{share} over {run.steady_s:.1f} s"


def met(ok):
    return "–" if ok is None else ("yes" if ok else "**no**")


def server_ceilings(runs):
    probes = [r for r in runs if r.variant.startswith("server_ceiling")]
    if not probes:
        return
    print("\nThe API server's own ceiling: no limit, LoadGenerator sending back to back on the same machine (it competes "
          "for the cores, so requests/s is a lower bound); the server's CPU time counts from when it listened:\n")
    print("| probe | workers | server latency ms | requests/s | records/s | client-side latency | server CPU s | "
          "server CPU µs / request | requests/s per server core |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in probes:
        m = re.search(r"\(([\d.]+)/s\).*latency ms (.*)$", r.load_line or "")
        requests = max(1, r.summary["requests"])
        print(f"| {r.variant} | {r.meta['max_concurrency']} | {r.summary['latency_ms']} | {m.group(1) if m else '–'} | "
              f"{r.summary['accepted_records'] / r.sending_s:,.0f} | {m.group(2) if m else '–'} | {r.server_cpu_s:.1f} | "
              f"{r.server_cpu_s * 1e6 / requests:.0f} | {requests / r.server_cpu_s:,.0f} |")


def runs_table(runs):
    clients = [r for r in runs if not r.variant.startswith("server_ceiling")]
    if not clients:
        return
    print("\nRuns (figures from the server; the rate limit is the server's token bucket, the ceiling the client's "
          "`requests_per_second`):\n")
    print("| variant | run | client | rows | server limit | client ceiling | sending s | steady rate | 429 after 5 s | "
          "95% first reached at | latency ×3 at | re-converged after it | lowest 1 s after it | lost | duplicated | "
          "run | wall s | client CPU s | client RSS MiB | server CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in clients:
        ceiling = int(r.meta.get("requests_per_second", 0))
        rss = r.meta.get("client_rss_kib")
        print(f"| {r.variant} | {r.meta['run']} | {r.client} | {r.rows if r.rows is not None else '–'} | "
              f"{r.rate or 'none'} | {ceiling or 'none'} | {r.sending_s:.1f} | "
              f"{fmt_rate(r) if r.rate else f'{r.steady_rate or r.mean_rate:.0f}/s (ceiling)'} | {pct(r.share_429, 2)} | "
              f"{'–' if r.reached_s is None else f'{r.reached_s:.1f} s'} | "
              f"{'–' if r.change_s is None else f'{r.change_s:.1f} s'} | "
              f"{seconds(r.reconverged_ms) if r.change_s is not None and r.dip is not None else '–'} | "
              f"{'–' if r.dip is None else f'{r.dip}/s'} | "
              f"{r.lost if r.client == 'tidemark' else '–'} | {r.duplicated if r.client == 'tidemark' else '–'} | "
              f"{r.status} | {r.meta.get('client_wall_s', '–')} | {'–' if r.client_cpu_s is None else f'{r.client_cpu_s:.1f}'} | {int(rss) // 1024 if rss else '–'} | {r.server_cpu_s:.1f} |")


def verdicts(runs):
    judged = [r for r in runs if r.client == "tidemark" and r.rate]
    if not judged:
        return
    print("\nTargets (issue 8): ≥ 95% of the allowed rate in steady state, < 1% of responses 429 after the first 5 s, "
          "re-converged within 5 s of the latency change, zero lost or duplicated records:\n")
    print("| variant | run | steady ≥ 95% | 429 < 1% | re-converged ≤ 5 s | none lost or duplicated |")
    print("|---|---|---|---|---|---|")
    for r in judged:
        if not r.succeeded:
            print(f"| {r.variant} | {r.meta['run']} | run {r.status} | | | |")
            continue
        steady = None if r.steady_rate is None else r.steady_rate >= TARGET_SHARE * r.rate
        share = None if r.share_429 is None else r.share_429 < TARGET_429
        reconverged = None if r.dip is None else (r.reconverged_ms is not None and r.reconverged_ms <= TARGET_RECONVERGE_MS)
        print(f"| {r.variant} | {r.meta['run']} | {met(steady)} | {met(share)} | {met(reconverged)} | "
              f"{met(r.lost == 0 and r.duplicated == 0)} |")
    short = [r for r in judged if r.succeeded and (r.steady_rate is None or r.dip is None)]
    if short:
        print(f"\n– = not judgeable: {', '.join(sorted({r.variant for r in short}))} sent for too short a time "
              f"(a steady window needs more than 6 s of sending; re-convergence a change more than 2 s before the end).")


def per_second(runs):
    for r in runs:
        if r.client != "tidemark" or not r.rate or r.sending_s < 20:
            continue
        print(f"\nPer second, {r.name} (latency ×{r.summary['slowdown_factor']} at {r.change_s or 0:.1f} s):\n")
        print("| second | accepted requests | 429 | mean latency ms | in flight (max) |")
        print("|---|---|---|---|---|")
        for s in range(0, len(r.buckets), WINDOW):
            chunk = r.buckets[s:s + WINDOW]
            accepted = sum(b[1] for b in chunk)
            latency = sum(b[1] * b[4] for b in chunk) / accepted if accepted else 0
            print(f"| {s // WINDOW} | {accepted} | {sum(b[3] for b in chunk)} | {latency:.0f} | {max(b[5] for b in chunk)} |")


def main(args):
    if args and args[0] == "--brief":
        print(Run(args[1]).brief())
        return
    runs = sorted((Run(a) for a in args), key=lambda r: (ORDER.index(r.variant) if r.variant in ORDER else -1,
                                                          r.variant, int(r.meta["run"])))
    loads = sorted({r.meta.get("load_average_start", "?").split()[0] for r in runs})
    print(f"\n### HTTP (issue 8's W5) — diff sync into a rate-limited batch API\n")
    print(f"1-minute load average at the runs' starts: {', '.join(loads)}.")
    server_ceilings(runs)
    runs_table(runs)
    verdicts(runs)
    per_second(runs)


if __name__ == "__main__":
    main(sys.argv[1:])
