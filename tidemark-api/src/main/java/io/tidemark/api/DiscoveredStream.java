package io.tidemark.api;

import java.util.List;
import java.util.Set;

/**
 * A stream a source offers.
 *
 * @param cursorCandidates columns usable as an incremental cursor (monotonic-looking types: integers,
 *                         numerics, dates, timestamps)
 * @param estimatedRows    the source's estimate, or -1 when unknown
 */
public record DiscoveredStream(StreamSchema schema, List<String> cursorCandidates, Set<SyncType> supportedSyncTypes,
                               long estimatedRows) {
    public DiscoveredStream {
        cursorCandidates = List.copyOf(cursorCandidates);
        supportedSyncTypes = Set.copyOf(supportedSyncTypes);
    }
}
