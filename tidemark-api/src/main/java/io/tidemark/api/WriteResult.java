package io.tidemark.api;

import java.util.List;

/** Outcome of one {@link StreamWriter#write} call. */
public record WriteResult(long written, long deleted, List<RejectedRow> rejected) {
    public WriteResult {
        rejected = List.copyOf(rejected);
    }

    public static WriteResult written(long rows) { return new WriteResult(rows, 0, List.of()); }
}
