package io.tidemark.connector.files;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.Values;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;
import io.tidemark.connector.files.FileFormat.RowWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link io.tidemark.api.WriteMode#CHANGES}: keyed changes, answered at once and applied to the file at commit.
 *
 * <p>{@link #apply} must know at once whether a key exists (to reject an insert of a held key or an update of a
 * missing one, and to count deletes), so the writer indexes the old file's keys when it opens and tracks every key
 * this run touches, all in one compact {@link KeyTable} mapping a key to where its record now comes from:
 * {@link #OLD} (the old file's row), {@link #DELETED}, or the position of its row in the spool. Inserted records are
 * spooled to a scratch file; the columns an update sets are kept in memory ({@link #updates}) until the commit,
 * which streams the old file and then the spool into the new file: rows of deleted keys are left out, the others
 * get their updates laid over them.
 *
 * <p>Each call is atomic: every row is converted and checked against the file's declared types first, and only when
 * all fit is anything recorded, by steps that cannot fail for the data.
 */
final class ChangesWriter extends FileStreamWriter {
    /** The key's record is the old file's row. */
    private static final int OLD = -1;
    /** The key's record was deleted by this run. */
    private static final int DELETED = -2;

    private final KeyColumns key;
    /**
     * Every key of the old file and of this run; values are {@link #OLD}, {@link #DELETED} or a spool position. A
     * {@link #truncate} starts a new table, which leaves every earlier record out of the new file.
     */
    private KeyTable records;
    /** Whether the old file's rows are still the base of the new file: false once a {@link #truncate} removed them. */
    private boolean keepsOldRows;
    /** The records the new file would hold now: the old file's and the inserted ones, less the deleted. */
    private long held;
    /** The columns updates set, by encoded key ({@link ByteBuffer} compares by content). */
    private final Map<ByteBuffer, Update> updates = new HashMap<>();
    private final Path spoolPath;
    private TempFile spool;
    private RowWriter spoolWriter;
    private int spooled;
    private BatchShape shape;

    ChangesWriter(Folder folder, WriteRequest request, Optional<StreamSchema> existing, StreamId target) {
        super(folder, request, evolvedSchema(folder, request, existing, target));
        this.key = primaryKey("applying keyed changes");
        this.records = noRecords();
        this.spoolPath = folder.spoolFile(target);
    }

    @Override
    protected void begin() throws IOException {
        keepsOldRows = Files.exists(dataFile);
        if (keepsOldRows) forEachRow(dataFile, row -> records.put(key.encode(row), OLD));
        held = records.size();
        spool = createTemp(spoolPath);
        spoolWriter = folder.format().writer(spool.out(), fileSchema);
    }

    /** Rows come through {@link #apply}; the engine never calls {@code write} on a writer opened for changes. */
    @Override
    protected void accept(Object[] row, List<RejectedRow> rejected) {
        throw new TidemarkException(ErrorCode.INTERNAL, "the writer of " + dataFile + " takes keyed changes through apply(), not write()");
    }

    @Override
    public WriteResult apply(ChangeBatch batch) {
        requireOpen();
        if (shape == null || shape.mapping().source() != batch.rows().schema()) shape = BatchShape.of(batch.rows().schema(), this);
        List<Object[]> given = batch.rows().rows();
        List<Object[]> rows = new ArrayList<>(given.size());
        for (Object[] row : given) rows.add(checked(batch.op(), row));

        // Every row fits: nothing below fails for the data (only for I/O, which fails the run).
        List<RejectedRow> rejected = new ArrayList<>();
        long written = 0;
        long deleted = 0;
        try {
            for (int i = 0; i < rows.size(); i++) {
                Object[] row = rows.get(i);
                byte[] encoded = key.encode(row);
                boolean exists = exists(records.get(encoded));
                if (batch.op() == ChangeOp.DELETE) {
                    if (exists) {
                        records.put(encoded, DELETED);
                        updates.remove(ByteBuffer.wrap(encoded));
                        deleted++;
                        held--;
                    }
                } else if (batch.op() == ChangeOp.INSERT && exists) {
                    rejected.add(rejection(given.get(i), "a record with key %s already exists"));
                } else if (batch.op() == ChangeOp.UPDATE && !exists) {
                    rejected.add(rejection(given.get(i), "no record with key %s (not found)"));
                } else {
                    if (exists) update(encoded, row);
                    else insert(encoded, row);
                    written++;
                }
            }
        } catch (IOException e) {
            throw folder.io("writing", spool.path(), e);
        }
        return new WriteResult(written, deleted, rejected);
    }

    /**
     * Forgets every record: the commit then writes neither the old file's rows nor those spooled so far (a spooled row is
     * written only when the table names its position), so only what later calls insert. The file keeps its schema.
     */
    @Override
    public long truncate() {
        requireOpen();
        long removed = held;
        records = noRecords();
        updates.clear();
        keepsOldRows = false;
        held = 0;
        return removed;
    }

    private KeyTable noRecords() { return new KeyTable(folder.where() + dataFile); }

    private static boolean exists(int record) { return record != KeyTable.ABSENT && record != DELETED; }

    private void insert(byte[] encoded, Object[] row) throws IOException {
        spoolWriter.write(row);
        records.put(encoded, spooled++);
        held++;
    }

    private void update(byte[] encoded, Object[] row) {
        updates.computeIfAbsent(ByteBuffer.wrap(encoded), k -> new Update(fileSchema.columns().size())).set(shape.positions(), row);
    }

    private RejectedRow rejection(Object[] given, String reason) {
        return new RejectedRow(shape.key().valuesOf(given), reason.formatted(shape.key().describe(given)));
    }

    /**
     * {@code row} of the batch in file-schema order, as the file stores it.
     *
     * @throws TidemarkException {@link ErrorCode#DESTINATION_REJECTED} when a value does not fit the file's declared
     *                           type, a key column is null, or a column declared not null would be null
     */
    private Object[] checked(ChangeOp op, Object[] given) {
        Object[] row;
        try {
            row = shape.mapping().apply(given);
        } catch (TidemarkException e) {
            throw refused("the record with key " + shape.key().describe(given) + " has a value the file cannot hold: " + e.getMessage(),
                    "correct the value at the source");
        }
        String missing = key.firstNull(row);
        if (missing != null) {
            throw refused("key column \"" + missing + "\" is null in a record (key " + shape.key().describe(given) + ")",
                    "every record needs a value in each key column; correct the source");
        }
        for (int position : shape.positions()) {
            Column column = fileSchema.columns().get(position);
            Object value = TypeRules.stored(column.type(), row[position]);
            if (value == null && !column.nullable()) {
                throw refused("the record with key " + shape.key().describe(given) + " has null in column \"" + column.name()
                        + "\", which is declared not null", "correct the source, or declare the column nullable in " + sidecar());
            }
            if (value != null && !TypeRules.fits(column.type(), value)) {
                throw refused("the record with key " + shape.key().describe(given) + " has " + Values.abbreviate(Values.format(column.type(), value))
                        + " in column \"" + column.name() + "\", which does not fit its type " + column.type(),
                        "correct the value at the source, or widen the column's type in " + sidecar());
            }
            row[position] = value;
        }
        if (op != ChangeOp.UPDATE && op != ChangeOp.DELETE && shape.unsetRequired() != null) {
            throw refused("column \"" + shape.unsetRequired() + "\" is declared not null but the changes do not set it, so a new "
                    + "record would hold null there", "map a value to it, or declare it nullable in " + sidecar());
        }
        return row;
    }

    private Path sidecar() { return folder.sidecarFile(target); }

    private TidemarkException refused(String problem, String fix) {
        return new TidemarkException(ErrorCode.DESTINATION_REJECTED, folder.where() + dataFile
                + " refuses this batch of changes, none of which was applied: " + problem + "; " + fix);
    }

    @Override
    protected Path receivingPath() { return spool.path(); }

    @Override
    protected void beforeCommit() throws IOException {
        spoolWriter.close();
        spool.close();
        openDataFile();
        if (keepsOldRows) {
            forEachRow(dataFile, row -> {
                byte[] encoded = key.encode(row);
                if (records.get(encoded) == OLD) writeData(updated(encoded, row));
            });
        }
        int[] next = {0};
        forEachRow(spool.path(), row -> {
            byte[] encoded = key.encode(row);
            // A key inserted, deleted and inserted again has several spooled rows; its record is the one the table names.
            if (records.get(encoded) == next[0]++) writeData(updated(encoded, row));
        });
    }

    private Object[] updated(byte[] encoded, Object[] row) {
        Update update = updates.get(ByteBuffer.wrap(encoded));
        if (update != null) update.applyTo(row);
        return row;
    }

    /** The columns this run's updates set on one record, the last value of each. */
    private record Update(Object[] values, BitSet set) {
        Update(int width) { this(new Object[width], new BitSet(width)); }

        void set(int[] positions, Object[] row) {
            for (int p : positions) {
                values[p] = row[p];
                set.set(p);
            }
        }

        void applyTo(Object[] row) {
            for (int p = set.nextSetBit(0); p >= 0; p = set.nextSetBit(p + 1)) row[p] = values[p];
        }
    }

    /**
     * What one batch schema means for the file: where its columns go, its key for rejections (the batch's values, in the
     * batch's key order), and a column declared not null that it leaves unset (new records would hold null there).
     */
    private record BatchShape(RowMapping mapping, int[] positions, KeyColumns key, String unsetRequired) {
        static BatchShape of(StreamSchema batch, ChangesWriter writer) {
            StreamSchema file = writer.fileSchema;
            if (!batch.primaryKey().equals(file.primaryKey())) {
                throw new TidemarkException(ErrorCode.INTERNAL, "changes keyed by " + batch.primaryKey() + " were sent to the writer of "
                        + writer.dataFile + ", whose records are keyed by " + file.primaryKey());
            }
            String unsetRequired = file.columns().stream().filter(c -> !c.nullable() && batch.column(c.name()).isEmpty())
                    .map(Column::name).findFirst().orElse(null);
            RowMapping mapping = RowMapping.of(batch, file);
            return new BatchShape(mapping, mapping.positions(), KeyColumns.of(batch, batch.primaryKey(), writer.folder.where(),
                    writer.dataFile), unsetRequired);
        }
    }
}
