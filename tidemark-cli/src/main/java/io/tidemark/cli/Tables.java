package io.tidemark.cli;

import io.tidemark.store.RunCounts;
import io.tidemark.store.RunRecord;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Human-readable renderings of runs and rows. */
final class Tables {
    private Tables() {}

    /**
     * One line per run; a run of a change-tracking sync shows what it planned (the diff) beside what the destination
     * applied, so rejected or skipped changes stand out.
     */
    static String runLine(RunRecord run, boolean planned) {
        RunCounts c = run.counts();
        String counts = planned
                ? String.format("%,d read · planned: %,d added, %,d changed, %,d removed · applied: %,d written, %,d deleted, %,d rejected",
                        c.rowsRead(), c.added(), c.changed(), c.removed(), c.rowsWritten(), c.rowsDeleted(), c.rowsRejected())
                : String.format("%,d read, %,d written, %,d deleted, %,d rejected", c.rowsRead(), c.rowsWritten(), c.rowsDeleted(),
                        c.rowsRejected());
        String line = String.format("%s: run %d %s — %s in %s", run.syncName(), run.id(), run.status().configName(), counts,
                duration(run.durationMs()));
        return run.errorMessage() == null ? line : line + "\n  error[" + run.errorCode() + "]: " + run.errorMessage();
    }

    /** {@code 1 row}, {@code 1,000 rows}. */
    static String rows(long count) { return String.format("%,d row%s", count, count == 1 ? "" : "s"); }

    static String duration(Long millis) {
        if (millis == null) return "-";
        return millis < 10_000 ? String.format("%.2fs", millis / 1000.0) : String.format("%.1fs", millis / 1000.0);
    }

    /** The run history; CHANGES is a change-tracking run's plan: +added ~changed -removed. */
    static String runTable(List<RunRecord> runs, Predicate<RunRecord> planned) {
        String format = "%-6s %-24s %-26s %-14s %-20s %12s %-20s %12s %10s %10s %10s %s%n";
        StringBuilder s = new StringBuilder(String.format(format, "RUN", "SYNC", "STATUS", "TRIGGER", "STARTED", "READ", "CHANGES",
                "WRITTEN", "DELETED", "REJECTED", "DURATION", "ERROR"));
        for (RunRecord r : runs) {
            RunCounts c = r.counts();
            s.append(String.format(format, r.id(), r.syncName(), r.status().configName(), r.trigger(),
                    r.startedAt().toString().substring(0, 19).replace('T', ' '), String.format("%,d", c.rowsRead()),
                    planned.test(r) ? String.format("+%,d ~%,d -%,d", c.added(), c.changed(), c.removed()) : "-",
                    String.format("%,d", c.rowsWritten()), String.format("%,d", c.rowsDeleted()), String.format("%,d", c.rowsRejected()),
                    duration(r.durationMs()), r.errorCode() == null ? "" : r.errorCode()));
        }
        return s.toString();
    }

    /** Rows under a header and a rule, each column as wide as its widest cell. */
    static String grid(List<String> header, List<List<String>> rows) {
        int[] width = header.stream().mapToInt(String::length).toArray();
        for (List<String> row : rows) {
            for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], row.get(i).length());
        }
        StringBuilder s = new StringBuilder();
        gridLine(s, header, width);
        gridLine(s, Arrays.stream(width).mapToObj("-"::repeat).toList(), width);
        for (List<String> row : rows) gridLine(s, row, width);
        return s.toString();
    }

    private static void gridLine(StringBuilder s, List<String> cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            line.append(i == 0 ? "" : "  ").append(cells.get(i)).append(" ".repeat(width[i] - cells.get(i).length()));
        }
        s.append(line.toString().stripTrailing()).append('\n');
    }

    /** Field → value rows (a sample or a test row) as a grid with one column per field. */
    static String fieldRows(List<Map<String, Object>> rows) {
        List<String> header = List.copyOf(rows.getFirst().keySet());
        return grid(header, rows.stream().map(r -> header.stream().map(f -> FieldValues.text(r.get(f))).toList()).toList());
    }
}
