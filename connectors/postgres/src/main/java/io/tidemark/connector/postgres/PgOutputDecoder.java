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

/**
 * Decodes the messages of the {@code pgoutput} plugin, protocol version 1, text mode ("Logical Replication Message
 * Formats" in the Postgres manual) into {@link LogEvent}s of one table. Values are parsed straight from the message
 * bytes into the capture schema's column order.
 */
final class PgOutputDecoder {
    /** Types of a relation's columns, from the catalog (the log names types by oid only). */
    @FunctionalInterface
    interface TypeResolver {
        List<PgColumn> columns(List<String> names, List<Long> typeOids, List<Integer> typmods);
    }

    private static final long PG_EPOCH_SECOND = 946_684_800L;

    private final StreamSchema schema;
    private final int tableOid;
    private final TypeResolver types;
    private final String what;
    private final int[] keyColumns;
    /** Per column of the last Relation message: its index in the schema, its parser, its name. */
    private int[] targets;
    private PgText[] parsers;
    private String[] names;
    private boolean inTransaction;

    /** {@code tableOid} is the captured table's; changes of other relations (none, unless the publication was changed) are skipped. */
    PgOutputDecoder(StreamSchema schema, long tableOid, TypeResolver types, String what) {
        this.schema = schema;
        this.tableOid = (int) tableOid;
        this.types = types;
        this.what = what;
        this.keyColumns = schema.primaryKey().stream().mapToInt(schema::indexOf).toArray();
    }

    /** Between a Begin and its Commit. */
    boolean inTransaction() { return inTransaction; }

    /** The event of one message, or {@code null} for messages that carry none (relation and type descriptions, origins). */
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
            case 'R' -> {
                relation(b, p);
                yield null;
            }
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
     * schema's by name, and fails when they no longer match it.
     */
    private void relation(byte[] b, int p) {
        if ((int) PgWireType.INT.get(b, p) != tableOid) return;
        p += 4;
        p = skipString(b, p); // namespace
        p = skipString(b, p); // name: a renamed table is still the captured one
        p += 1;               // replica identity
        int count = (short) PgWireType.SHORT.get(b, p);
        p += 2;
        List<String> columnNames = new ArrayList<>(count);
        List<Long> typeOids = new ArrayList<>(count);
        List<Integer> typmods = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            p += 1; // flags: part of the key, which the schema already says
            int end = p;
            while (b[end] != 0) end++;
            columnNames.add(new String(b, p, end - p, StandardCharsets.UTF_8));
            p = end + 1;
            typeOids.add(Integer.toUnsignedLong((int) PgWireType.INT.get(b, p)));
            typmods.add((int) PgWireType.INT.get(b, p + 4));
            p += 8;
        }
        List<PgColumn> columns = types.columns(columnNames, typeOids, typmods);
        List<String> added = new ArrayList<>();
        List<String> retyped = new ArrayList<>();
        int[] newTargets = new int[count];
        PgText[] newParsers = new PgText[count];
        for (int i = 0; i < count; i++) {
            PgColumn column = columns.get(i);
            int target = schema.indexOf(column.name());
            newTargets[i] = target;
            if (target < 0) {
                added.add(column.name());
                continue;
            }
            Column expected = schema.columns().get(target);
            if (!expected.type().equals(column.type())) {
                retyped.add(column.name() + " is now " + column.actualType() + " (was "
                        + Objects.requireNonNullElse(expected.nativeType(), expected.type().toString()) + ")");
            }
            newParsers[i] = PgText.forColumn(expected.type().kind(), column.actualType());
        }
        List<String> dropped = schema.columnNames().stream().filter(n -> !columnNames.contains(n)).toList();
        if (!added.isEmpty() || !dropped.isEmpty() || !retyped.isEmpty()) {
            List<String> changes = new ArrayList<>();
            if (!added.isEmpty()) changes.add("new column" + plural(added) + " " + String.join(", ", added));
            if (!dropped.isEmpty()) changes.add("column" + plural(dropped) + " " + String.join(", ", dropped) + " no longer there");
            if (!retyped.isEmpty()) changes.add("column " + String.join(", column ", retyped));
            throw new TidemarkException(ErrorCode.SCHEMA_CHANGED, what + ": the table changed shape (" + String.join("; ", changes)
                    + "); resync the sync to pick up the new shape");
        }
        targets = newTargets;
        parsers = newParsers;
        names = columnNames.toArray(String[]::new);
    }

    private static String plural(List<String> names) { return names.size() == 1 ? "" : "s"; }

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
