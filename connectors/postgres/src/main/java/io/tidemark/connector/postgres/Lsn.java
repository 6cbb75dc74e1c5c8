package io.tidemark.connector.postgres;

import io.tidemark.api.LogPosition;
import org.postgresql.replication.LogSequenceNumber;

/** Postgres log sequence numbers as {@link LogPosition}s, spelled as Postgres spells them ({@code 16/B374D848}). */
final class Lsn {
    private Lsn() {}

    static LogPosition position(long lsn) {
        return new LogPosition(lsn, Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xFFFF_FFFFL).toUpperCase(java.util.Locale.ROOT));
    }

    static LogPosition position(LogSequenceNumber lsn) { return position(lsn.asLong()); }

    /** Parses {@code 16/B374D848}, as the catalog returns {@code pg_lsn} values in text. */
    static LogPosition parse(String text) { return position(LogSequenceNumber.valueOf(text).asLong()); }

    static LogSequenceNumber of(LogPosition position) { return LogSequenceNumber.valueOf(position.value()); }
}
