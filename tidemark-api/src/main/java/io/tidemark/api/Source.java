package io.tidemark.api;

import java.util.List;

/**
 * A connection read from. Call order: any number of {@link #check}, {@link #discover}, {@link #describe} and
 * {@link #read} calls, then {@link #close()} exactly once. Readers are closed before the source.
 */
public interface Source extends AutoCloseable {

    /** Reachability and permissions; every problem at once, each with its fix. Never throws for a problem found. */
    CheckReport check();

    /** Tables with columns, primary keys, cursor candidates and supported sync types. */
    List<DiscoveredStream> discover();

    /**
     * The schema of a model: columns of the table, or of the query's result, with the model's primary key.
     *
     * @throws TidemarkException {@link ErrorCode#TABLE_NOT_FOUND} naming the table and what exists
     */
    StreamSchema describe(ModelSpec model);

    /** Opens a read. The reader sees one consistent state of the source where the source allows it. */
    StreamReader read(ReadRequest request);

    /** Log-based change capture of a table; only called when the connector has {@link Capability#CDC}. */
    default ChangeCapture capture(CaptureSpec spec) {
        throw new TidemarkException(ErrorCode.UNSUPPORTED, "this source has no change log to capture");
    }

    @Override
    void close();
}
