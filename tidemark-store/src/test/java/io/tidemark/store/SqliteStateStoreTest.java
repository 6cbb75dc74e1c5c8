package io.tidemark.store;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteStateStoreTest extends StateStoreContract {
    @TempDir
    Path dir;

    @Override
    protected StateStore openStore(Clock clock) {
        return StateStore.open("jdbc:sqlite:" + dir.resolve("state.db"), null, null, clock);
    }

    @Override
    protected String emptyDatabaseUrl() {
        return "jdbc:sqlite:" + dir.resolve("empty.db");
    }

    @Test
    void defaultSqliteKeepsTheStateInTheWorkspace() {
        Path workspace = dir.resolve("workspace");

        try (StateStore store = StateStore.defaultSqlite(workspace, clock)) {
            store.ensureSync("orders");
        }

        assertThat(workspace.resolve(".tidemark/state.db")).isRegularFile();
        try (StateStore store = StateStore.defaultSqlite(workspace, clock)) {
            assertThat(store.findSync("orders")).isPresent();
        }
    }

    @Test
    void twoStoresCreatingTheSameNewFileAtOnceBothWork() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("new.db");
        CyclicBarrier together = new CyclicBarrier(2);
        Callable<StateStore> openTogether = () -> {
            together.await();
            return StateStore.open(url, null, null, clock);
        };
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<StateStore>> opened = threads.invokeAll(List.of(openTogether, openTogether));
            try (StateStore first = opened.get(0).get(); StateStore second = opened.get(1).get()) {
                first.ensureSync("orders");
                assertThat(second.findSync("orders")).isPresent();
            }
        } finally {
            threads.shutdown();
        }
    }

    @Test
    void aFolderThatDoesNotExistIsAConfigErrorNamingThePath() {
        Path missing = dir.resolve("missing/state.db");

        assertThatThrownBy(() -> StateStore.open("jdbc:sqlite:" + missing, null, null, clock))
                .isInstanceOfSatisfying(TidemarkException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
                    assertThat(e.getMessage()).contains(missing.toString());
                });
    }

    @Test
    void aFileThatIsNotADatabaseIsAConfigError() throws Exception {
        Path notADatabase = Files.writeString(dir.resolve("notes.txt"), "this is not SQLite, just some text. ".repeat(50));

        assertThatThrownBy(() -> StateStore.open("jdbc:sqlite:" + notADatabase, null, null, clock))
                .isInstanceOfSatisfying(TidemarkException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
                    assertThat(e.getMessage()).contains(notADatabase.toString(), "not a valid SQLite database");
                });
    }

    @Test
    void anUnsupportedUrlIsAConfigError() {
        assertThatThrownBy(() -> StateStore.open("jdbc:mysql://db/state?password=hunter2", null, null, clock))
                .isInstanceOfSatisfying(TidemarkException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
                    assertThat(e.getMessage()).contains("jdbc:mysql://db/state", "jdbc:sqlite:").doesNotContain("hunter2");
                });
    }
}
