package io.tidemark.connector.postgres;

import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.Destination;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A writer process for {@code PostgresDestinationTest}: loads rows with an open transaction, says so, and waits to
 * be killed. Arguments: JDBC URL, write mode.
 */
public final class KilledWriterMain {
    public static void main(String[] args) throws Exception {
        Destination destination = TestDatabase.FACTORY.openDestination(TestDatabase.config(args[0], "postgres", null),
                new ConnectorContext(Clock.systemUTC(), Path.of(".")));
        WriteMode mode = WriteMode.valueOf(args[1]);
        StreamWriter writer = destination.open(new WriteRequest("sync_orders", PostgresDestinationTest.ORDERS.id(),
                PostgresDestinationTest.ORDERS, mode, 2, Instant.now(), List.of()));
        for (int batch = 0; batch < 10; batch++) {
            List<Object[]> rows = new ArrayList<>();
            for (int i = 0; i < 1000; i++) rows.add(PostgresDestinationTest.order(batch * 1000L + i, "killed"));
            RowBatch rowBatch = new RowBatch(PostgresDestinationTest.ORDERS, rows);
            if (mode == WriteMode.CHANGES) writer.apply(new ChangeBatch(ChangeOp.UPSERT, rowBatch));
            else writer.write(rowBatch);
        }
        System.out.println("LOADED");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
