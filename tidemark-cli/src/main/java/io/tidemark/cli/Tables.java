package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** Human-readable renderings of runs and rows, from the API's JSON shapes ({@code ApiJson}). */
final class Tables {
    private Tables() {}

    /**
     * One line per run; a run of a change-tracking sync shows what it planned (the diff) beside what the destination
     * applied, so rejected or skipped changes stand out.
     */
    static String runLine(JsonNode run, boolean planned) {
        String counts = planned
                ? String.format("%,d read · planned: %,d added, %,d changed, %,d removed · applied: %,d written, %,d deleted, %,d rejected",
                        count(run, "rows_read"), count(run, "added"), count(run, "changed"), count(run, "removed"),
                        count(run, "rows_written"), count(run, "rows_deleted"), count(run, "rows_rejected"))
                : String.format("%,d read, %,d written, %,d deleted, %,d rejected", count(run, "rows_read"), count(run, "rows_written"),
                        count(run, "rows_deleted"), count(run, "rows_rejected"));
        String line = String.format("%s: run %d %s — %s in %s", run.path("sync").asText(), count(run, "run_id"),
                run.path("status").asText(), counts, duration(run.path("duration_ms")));
        return run.path("error").isTextual() ? line + "\n  error[" + run.path("error_code").asText() + "]: " + run.path("error").asText() : line;
    }

    static long count(JsonNode node, String field) { return node.path(field).asLong(); }

    /** {@code 1 row}, {@code 1,000 rows}. */
    static String rows(long count) { return String.format("%,d row%s", count, count == 1 ? "" : "s"); }

    /** Milliseconds as seconds; {@code -} for null (a run that has not finished). */
    static String duration(JsonNode millis) {
        if (!millis.isNumber()) return "-";
        long ms = millis.asLong();
        return ms < 10_000 ? String.format("%.2fs", ms / 1000.0) : String.format("%.1fs", ms / 1000.0);
    }

    /** The run history; CHANGES is a change-tracking run's plan: +added ~changed -removed. */
    static String runTable(List<JsonNode> runs, Predicate<JsonNode> planned) {
        String format = "%-6s %-24s %-26s %-14s %-20s %12s %-20s %12s %10s %10s %10s %s%n";
        StringBuilder s = new StringBuilder(String.format(format, "RUN", "SYNC", "STATUS", "TRIGGER", "STARTED", "READ", "CHANGES",
                "WRITTEN", "DELETED", "REJECTED", "DURATION", "ERROR"));
        for (JsonNode r : runs) {
            s.append(String.format(format, count(r, "run_id"), r.path("sync").asText(), r.path("status").asText(), r.path("trigger").asText(),
                    r.path("started_at").asText().substring(0, 19).replace('T', ' '), String.format("%,d", count(r, "rows_read")),
                    planned.test(r) ? String.format("+%,d ~%,d -%,d", count(r, "added"), count(r, "changed"), count(r, "removed")) : "-",
                    String.format("%,d", count(r, "rows_written")), String.format("%,d", count(r, "rows_deleted")),
                    String.format("%,d", count(r, "rows_rejected")), duration(r.path("duration_ms")),
                    r.path("error_code").isTextual() ? r.path("error_code").asText() : ""));
        }
        return s.toString();
    }

    /**
     * One line per schema change, each {@code prefix} then its {@code description}: the change and the action in the
     * engine's words, e.g. {@code column note (string) added: propagate (schema_policy column_added)}. Printed as the
     * server wrote them, so a CLI of another version never has to understand a kind or an action to show it.
     *
     * @param changes a {@code schema_changes} array of a run or a plan
     */
    static String schemaChanges(JsonNode changes, String prefix) {
        StringBuilder s = new StringBuilder();
        for (JsonNode c : changes) s.append(prefix).append(c.path("description").asText()).append('\n');
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
    static String fieldRows(List<JsonNode> rows) {
        List<String> header = new ArrayList<>();
        rows.getFirst().fieldNames().forEachRemaining(header::add);
        return grid(header, rows.stream().map(r -> header.stream().map(f -> FieldValues.text(r.get(f))).toList()).toList());
    }
}
