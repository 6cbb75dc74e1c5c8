package io.tidemark.connector.postgres;

import io.tidemark.api.Column;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.LogEvent;
import io.tidemark.api.LogEvent.RowChange;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.connector.postgres.PgCatalog.PgColumn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decodes the messages of the {@code pgoutput} plugin, protocol version 1, text mode ("Logical Replication Message
 * Formats" in the Postgres manual) into {@link LogEvent}s of one table. Values are parsed straight from the message
 * bytes into the capture schema's column order.
 */
final class PgOutputDecoder {
    /** What the log does not say about the captured table, asked of the catalog when a relation description needs it. */
    interface TableCatalog {
        /** Types of a relation's columns (the log names types by oid only). */
        List<PgColumn> columns(List<String> names, List<Long> typeOids, List<Integer> typmods);

        /** Whether a column of the table is generated: Postgres leaves those out of its change log. */
        boolean generated(String column);

        /** The table's primary key now. */
        List<String> primaryKey();
    }

    private static final long PG_EPOCH_SECOND = 946_684_800L;

    /** The table's columns as the log has them now: the capture's, until a Relation message changes them. */
    private StreamSchema schema;
    private final int tableOid;
    private final TableCatalog catalog;
    /** The key is the table's primary key (the model sets none), so a key change at the source is a schema change. */
    private final boolean tableKey;
    private final String what;
    private int[] keyColumns;
    /** Per column of the last Relation message: its index in the schema, its parser, its name. */
    private int[] targets;
    private PgText[] parsers;
    private String[] names;
    private boolean inTransaction;

    /** {@code tableOid} is the captured table's; changes of other relations (none, unless the publication was changed) are skipped. */
    /** @param tableKey the schema's key is the table's primary key, not one the model sets */
    PgOutputDecoder(StreamSchema schema, long tableOid, TableCatalog catalog, boolean tableKey, String what) {
        this.schema = schema;
        this.tableOid = (int) tableOid;
        this.catalog = catalog;
        this.tableKey = tableKey;
        this.what = what;
        this.keyColumns = schema.primaryKey().stream().mapToInt(schema::indexOf).toArray();
    }

    /** Between a Begin and its Commit. */
    boolean inTransaction() { return inTransaction; }

    /**
     * The event of one message, or {@code null} for messages that carry none (type descriptions, origins, relation
     * descriptions that change nothing).
     */
    LogEvent decode(ByteBuffer message) {
        byte[] b;
        int p;
        if (message.hasArray()) {
            b = message.array();
            p = message.arrayOffset() + message.position();
        } else {
            b = new byte[message.remaining()];
            message.get(b);
            p = 0;
        }
        byte type = b[p++];
        return switch (type) {
            case 'B' -> {
                inTransaction = true;
                long finalLsn = (long) PgWireType.LONG.get(b, p);
                long micros = (long) PgWireType.LONG.get(b, p + 8);
                long xid = Integer.toUnsignedLong((int) PgWireType.INT.get(b, p + 16));
                yield new LogEvent.Begin(Lsn.position(finalLsn), instant(micros), xid);
            }
            case 'C' -> {
                inTransaction = false;
                yield new LogEvent.Commit(Lsn.position((long) PgWireType.LONG.get(b, p + 9)));
            }
            case 'R' -> relation(b, p);
            case 'I' -> ours(b, p) ? insert(b, p + 4) : null;
            case 'U' -> ours(b, p) ? update(b, p + 4) : null;
            case 'D' -> ours(b, p) ? delete(b, p + 4) : null;
            case 'T' -> truncates(b, p) ? new LogEvent.Truncate() : null;
            case 'Y', 'O', 'M' -> null; // type names, origins, logical messages: nothing the capture needs
            default -> throw new TidemarkException(ErrorCode.INTERNAL, what + ": unknown pgoutput message '" + (char) type
                    + "'; report this as a Tidemark bug with the Postgres version");
        };
    }

    private boolean ours(byte[] b, int p) {
        if ((int) PgWireType.INT.get(b, p) != tableOid) return false;
        if (targets == null) {
            throw new TidemarkException(ErrorCode.INTERNAL, what + ": a change arrived before the table's description; report this as a Tidemark bug");
        }
        return true;
    }

    private RowChange insert(byte[] b, int p) {
        Object[] values = new Object[schema.columns().size()];
        tuple(b, p + 1, values, null);
        return new RowChange(RowChange.Kind.INSERT, values, new BitSet(0), null);
    }

    /**
     * {@code U relid ['K'|'O' old-tuple] 'N' new-tuple}: a key tuple ('K') comes when the key changed; with REPLICA
     * IDENTITY FULL the whole old row ('O') comes with every update, and is kept only when the key changed, as the
     * contract has it (or when the schema has no key, as then the old row is what identifies the row).
     */
    private RowChange update(byte[] b, int p) {
        int width = schema.columns().size();
        Object[] before = null;
        boolean wholeRow = b[p] == 'O';
        if (b[p] == 'K' || wholeRow) {
            before = new Object[width];
            p = tuple(b, p + 1, before, null);
        }
        Object[] values = new Object[width];
        BitSet unchanged = new BitSet(0);
        tuple(b, p + 1, values, unchanged);
        if (wholeRow && !keyChanged(before, values)) before = null;
        return new RowChange(RowChange.Kind.UPDATE, values, unchanged, before);
    }

    private RowChange delete(byte[] b, int p) {
        Object[] values = new Object[schema.columns().size()];
        tuple(b, p + 1, values, null);
        return new RowChange(RowChange.Kind.DELETE, values, new BitSet(0), null);
    }

    private boolean keyChanged(Object[] before, Object[] after) {
        if (keyColumns.length == 0) return true;
        for (int k : keyColumns) if (!equal(before[k], after[k])) return true;
        return false;
    }

    /** Reads a TupleData at {@code p} into {@code values}; returns the position after it. */
    private int tuple(byte[] b, int p, Object[] values, BitSet unchanged) {
        int count = (short) PgWireType.SHORT.get(b, p);
        p += 2;
        if (count != targets.length) {
            throw new TidemarkException(ErrorCode.INTERNAL, what + ": a row has " + count + " columns, its table's description "
                    + targets.length + "; report this as a Tidemark bug");
        }
        for (int i = 0; i < count; i++) {
            byte kind = b[p++];
            switch (kind) {
                case 'n' -> { }
                case 'u' -> { if (unchanged != null) unchanged.set(targets[i]); }
                case 't' -> {
                    int len = (int) PgWireType.INT.get(b, p);
                    p += 4;
                    values[targets[i]] = parsers[i].parse(b, p, len, names[i]);
                    p += len;
                }
                default -> throw new TidemarkException(ErrorCode.INTERNAL, what + ": unexpected column kind '" + (char) kind
                        + "' in the change log; report this as a Tidemark bug");
            }
        }
        return p;
    }

    private boolean truncates(byte[] b, int p) {
        int relations = (int) PgWireType.INT.get(b, p);
        for (int i = 0, at = p + 5; i < relations; i++, at += 4) if ((int) PgWireType.INT.get(b, at) == tableOid) return true;
        return false;
    }

    /**
     * {@code R relid namespace name replident ncols (flags name typeoid typmod)*}: maps the relation's columns to the
     * schema's by name. When they differ from it (a column added, dropped or retyped), the relation's columns become the
     * schema, with the types the catalog gives, and the change is the event; the key keeps its columns.
     */
    private LogEvent relation(byte[] b, int p) {
        if ((int) PgWireType.INT.get(b, p) != tableOid) return null;
        p += 4;
        p = skipString(b, p); // namespace
        p = skipString(b, p); // name: a renamed table is still the captured one
        byte replicaIdentity = b[p++];
        int count = (short) PgWireType.SHORT.get(b, p);
        p += 2;
        List<String> columnNames = new ArrayList<>(count);
        List<Long> typeOids = new ArrayList<>(count);
        List<Integer> typmods = new ArrayList<>(count);
        List<String> flagged = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean inIdentity = (b[p] & 1) != 0;
            p += 1;
            int end = p;
            while (b[end] != 0) end++;
            columnNames.add(new String(b, p, end - p, StandardCharsets.UTF_8));
            if (inIdentity) flagged.add(columnNames.getLast());
            p = end + 1;
            typeOids.add(Integer.toUnsignedLong((int) PgWireType.INT.get(b, p)));
            typmods.add((int) PgWireType.INT.get(b, p + 4));
            p += 8;
        }
        List<PgColumn> columns = catalog.columns(columnNames, typeOids, typmods);
        boolean same = columns.size() == schema.columns().size();
        for (int i = 0; same && i < count; i++) {
            Column expected = schema.columns().get(i);
            same = expected.name().equals(columns.get(i).name()) && expected.type().equals(columns.get(i).type());
        }
        List<String> key = key(replicaIdentity, flagged, columnNames);
        LogEvent event = null;
        if (!same || !key.equals(schema.primaryKey())) {
            for (String name : schema.columnNames()) {
                if (!columnNames.contains(name) && catalog.generated(name)) {
                    // Not a drop: the column is there, but its values never reach the log, so it would silently turn null.
                    throw new TidemarkException(ErrorCode.SCHEMA_CHANGED, what + ": column " + name + " is generated, and Postgres "
                            + "does not write generated columns to its change log, so cdc cannot carry its values; capture a table "
                            + "without generated columns, or use sync_type diff");
                }
            }
            schema = new StreamSchema(schema.id(), columns.stream().map(PgColumn::toColumn).toList(), key, schema.nativeDialect());
            keyColumns = key.stream().mapToInt(schema::indexOf).toArray();
            event = new LogEvent.SchemaChange(schema);
        }
        targets = new int[count];
        parsers = new PgText[count];
        names = columnNames.toArray(String[]::new);
        for (int i = 0; i < count; i++) {
            targets[i] = i;
            parsers[i] = PgText.forColumn(schema.columns().get(i).type().kind(), columns.get(i).actualType());
        }
        return event;
    }

    /**
     * The key as of this relation description. A key the model sets stays (minus columns gone). The table's primary key
     * is followed: under the default replica identity the flags are that key at this point of the log; under FULL or
     * USING INDEX they say nothing about it, and the catalog is asked (as of now), keeping only columns of this
     * description.
     */
    private List<String> key(byte replicaIdentity, List<String> flagged, List<String> columnNames) {
        List<String> present = schema.primaryKey().stream().filter(columnNames::contains).toList();
        if (!tableKey) return present;
        if (replicaIdentity == 'd') {
            if (Set.copyOf(flagged).equals(Set.copyOf(schema.primaryKey()))) return schema.primaryKey();
            List<String> now = catalog.primaryKey();
            return Set.copyOf(now).equals(Set.copyOf(flagged)) ? now : flagged; // the catalog's order when it is the same key
        }
        return catalog.primaryKey().stream().filter(columnNames::contains).toList();
    }

    private static int skipString(byte[] b, int p) {
        while (b[p] != 0) p++;
        return p + 1;
    }

    private static boolean equal(Object a, Object b) {
        return a instanceof byte[] x && b instanceof byte[] y ? java.util.Arrays.equals(x, y) : Objects.equals(a, b);
    }

    /** Microseconds since 2000-01-01 UTC. */
    private static Instant instant(long pgMicros) {
        return Instant.ofEpochSecond(PG_EPOCH_SECOND + Math.floorDiv(pgMicros, 1_000_000L), Math.floorMod(pgMicros, 1_000_000L) * 1000L);
    }
}
