package io.tidemark.connector.postgres;

import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmbeddedPostgresExtension.class)
class StateTableTest {
    private static final int WRITERS = 6;
    private static final int ROUNDS = 20;

    /** First runs of several syncs into one destination start together (a cluster's scheduler does exactly that). */
    @Test
    void writersCreatingTheStateTableAtTheSameInstantAllSucceed(PostgresServer server) throws Exception {
        String database = server.createDatabase("state_race");
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String schema = "race_" + round;
                server.execute(database, "create schema " + schema);
                StateTable state = new StateTable(schema);
                CyclicBarrier start = new CyclicBarrier(WRITERS);
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    writers.add(pool.submit(() -> {
                        try (Connection c = server.connect(database)) {
                            start.await();
                            state.ensureExists(c);
                        }
                        return null;
                    }));
                }
                for (Future<?> writer : writers) writer.get(); // rethrows a writer's failure
                try (Connection c = server.connect(database)) {
                    assertThat(state.find(c, "nothing")).isEmpty();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
