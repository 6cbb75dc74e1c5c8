package io.tidemark.jdbc.testing;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteResult;

/** Rows handed to a writer the way its mode takes them, so that one test covers every mode. */
public final class Writes {
    private Writes() {}

    /** {@link StreamWriter#write} for the loading modes; for {@link WriteMode#CHANGES}, the rows applied as upserts. */
    public static WriteResult send(StreamWriter writer, WriteMode mode, RowBatch rows) {
        return mode == WriteMode.CHANGES ? writer.apply(new ChangeBatch(ChangeOp.UPSERT, rows)) : writer.write(rows);
    }
}
