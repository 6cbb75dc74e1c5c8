package io.tidemark.jdbc.testing;

import io.tidemark.api.Column;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.DataType;
import io.tidemark.api.Destination;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Run in a child process by {@link KilledWriterTest}: opens a writer of the named connector factory in the given
 * mode, writes rows without committing, says so, and waits to be killed.
 */
public final class KilledWriter {
    static final StreamSchema SCHEMA = new StreamSchema(new StreamId(null, "orders"),
            List.of(new Column("id", DataType.INT64, false, null), Column.of("note", DataType.STRING)), List.of("id"), null);

    private KilledWriter() {}

    /** Arguments: the factory's class name, the database file, the write mode. */
    public static void main(String[] args) throws Exception {
        ConnectorFactory factory = Class.forName(args[0]).asSubclass(ConnectorFactory.class).getConstructor().newInstance();
        Path file = Path.of(args[1]);
        WriteMode mode = WriteMode.valueOf(args[2]);
        ConnectorConfig config = new ConnectorConfig("db", factory.configSpec(), Map.of("path", file.toString()));
        Destination destination = factory.openDestination(config, new ConnectorContext(Clock.systemUTC(), file.getParent()));
        StreamWriter writer = destination.open(new WriteRequest("orders_sync", SCHEMA.id(), SCHEMA, mode, 2, Instant.now(), List.of("id")));
        for (int b = 0; b < 5; b++) {
            List<Object[]> rows = new ArrayList<>();
            for (long i = b * 10_000L; i < (b + 1) * 10_000L; i++) rows.add(new Object[]{i, "uncommitted"});
            Writes.send(writer, mode, new RowBatch(SCHEMA, rows));
        }
        System.out.println("written");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
