package io.tidemark.cli;

import io.tidemark.store.RunRecord;

import java.util.List;

/** Human-readable renderings of runs. */
final class Tables {
    private Tables() {}

    static String runLine(RunRecord run) {
        String line = String.format("%s: run %d %s — %,d read, %,d written, %,d deleted, %,d rejected in %s",
                run.syncName(), run.id(), run.status().configName(), run.counts().rowsRead(), run.counts().rowsWritten(),
                run.counts().rowsDeleted(), run.counts().rowsRejected(), duration(run.durationMs()));
        return run.errorMessage() == null ? line : line + "\n  error[" + run.errorCode() + "]: " + run.errorMessage();
    }

    static String duration(Long millis) {
        if (millis == null) return "-";
        return millis < 10_000 ? String.format("%.2fs", millis / 1000.0) : String.format("%.1fs", millis / 1000.0);
    }

    static String runTable(List<RunRecord> runs) {
        StringBuilder s = new StringBuilder(String.format("%-6s %-24s %-26s %-8s %-20s %12s %12s %10s %s%n",
                "RUN", "SYNC", "STATUS", "TRIGGER", "STARTED", "READ", "WRITTEN", "DURATION", "ERROR"));
        for (RunRecord r : runs) {
            s.append(String.format("%-6d %-24s %-26s %-8s %-20s %,12d %,12d %10s %s%n", r.id(), r.syncName(),
                    r.status().configName(), r.trigger(), r.startedAt().toString().substring(0, 19).replace('T', ' '),
                    r.counts().rowsRead(), r.counts().rowsWritten(), duration(r.durationMs()),
                    r.errorCode() == null ? "" : r.errorCode()));
        }
        return s.toString();
    }
}
