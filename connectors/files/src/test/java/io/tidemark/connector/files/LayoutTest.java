package io.tidemark.connector.files;

import io.tidemark.api.CheckReport;
import io.tidemark.api.Column;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ConnectorConfig;
import io.tidemark.api.ConnectorContext;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.Problem;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where files go, what the connector's own files look like, and what check and describe say about a folder. */
class LayoutTest {
    @TempDir
    Path folder;

    private static final StreamSchema ORDERS = new StreamSchema(new StreamId(null, "orders"), List.of(
            new Column("id", DataType.INT64, false, "bigint"), new Column("total", DataType.decimal(12, 2), true, "numeric(12,2)"),
            new Column("note", DataType.string(32), true, "varchar(32)")), List.of("id"), "postgres");

    @Test
    void sidecarAndStateFilesMatchTheGoldenFiles() throws Exception {
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            files.write(ORDERS, WriteMode.REPLACE, 7, List.<Object[]>of(new Object[]{1L, new java.math.BigDecimal("9.90"), "a"}));
        }
        assertThat(Files.readString(folder.resolve("orders.schema.json"))).isEqualTo(golden("orders.schema.json"));
        assertThat(Files.readString(folder.resolve("_tidemark_state.json"))).isEqualTo(golden("_tidemark_state.json"));
    }

    @Test
    void goldenFilesReadBack() throws Exception {
        Files.writeString(folder.resolve("orders.csv"), "id,total,note\n1,9.90,a\n");
        Files.writeString(folder.resolve("orders.schema.json"), golden("orders.schema.json"));
        Files.writeString(folder.resolve("_tidemark_state.json"), golden("_tidemark_state.json"));
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            assertThat(files.describe(ORDERS.id())).isEqualTo(ORDERS);
            assertThat(files.destination.committedState("sync_orders")).contains(FilesConnection.state(ORDERS.id(), 7));
        }
    }

    @Test
    void aNamespaceIsASubfolder() {
        StreamSchema sales = new StreamSchema(new StreamId("sales", "orders"), ORDERS.columns(), ORDERS.primaryKey(), null);
        try (FilesConnection files = FilesConnection.open(folder, "jsonl")) {
            files.write(sales, WriteMode.UPSERT, 1, List.<Object[]>of(new Object[]{1L, null, "x"}));

            assertThat(folder.resolve("sales/orders.jsonl")).exists();
            assertThat(folder.resolve("sales/orders.schema.json")).exists();
            assertThat(files.source.discover()).extracting(s -> s.schema().id()).containsExactly(sales.id());
            assertThat(files.read(sales.id())).extracting(r -> r[2]).containsExactly("x");
        }
    }

    @Test
    void streamNamesThatWouldLeaveTheFolderAreRefused() {
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            for (StreamId bad : List.of(new StreamId(null, "../escape"), new StreamId("..", "x"), new StreamId(null, "_tidemark_state"))) {
                assertThatThrownBy(() -> files.describe(bad)).isInstanceOfSatisfying(TidemarkException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID)).hasMessageContaining("cannot be a file name");
            }
        }
    }

    @Test
    void aMissingStreamIsReportedWithTheStreamsThatExist() throws Exception {
        Files.writeString(folder.resolve("customers.csv"), "id\n1\n");
        Files.writeString(folder.resolve("items.csv"), "id\n1\n");
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            assertThatThrownBy(() -> files.describe(new StreamId(null, "orders")))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TABLE_NOT_FOUND))
                    .hasMessageContaining("stream orders not found").hasMessageContaining("streams: customers, items");
        }
    }

    @Test
    void aQueryModelIsUnsupportedAndPointsToADatabaseConnector() {
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            assertThatThrownBy(() -> files.source.describe(ModelSpec.query("big_orders", "select * from orders", List.of())))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED))
                    .hasMessageContaining("SQL query").hasMessageContaining("database connection");
        }
    }

    @Test
    void deleteDataDropsOnlyThatStreamAndSync() {
        StreamSchema other = new StreamSchema(new StreamId(null, "other"), ORDERS.columns(), ORDERS.primaryKey(), null);
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            files.write(ORDERS, WriteMode.REPLACE, 1, List.<Object[]>of(new Object[]{1L, null, null}));
            files.write(other, WriteMode.REPLACE, 2, List.<Object[]>of(new Object[]{1L, null, null}));

            files.destination.deleteData("sync_orders", ORDERS.id());

            assertThat(folder.resolve("orders.csv")).doesNotExist();
            assertThat(folder.resolve("orders.schema.json")).doesNotExist();
            assertThat(files.destination.committedState("sync_orders")).isEmpty();
            assertThat(files.destination.committedState("sync_other")).map(CommittedState::runId).contains(2L);
            assertThat(files.read(other.id())).hasSize(1);
        }
    }

    @Test
    void checkReportsAMissingFolderWithItsFix() {
        try (FilesConnection files = FilesConnection.open(folder.resolve("nope"), "csv")) {
            for (CheckReport report : List.of(files.source.check(), files.destination.check())) {
                assertThat(report.problems()).singleElement().satisfies(p -> {
                    assertThat(p.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(p.message()).contains(folder.resolve("nope").toString());
                    assertThat(p.fix()).contains("mkdir -p");
                });
            }
        }
    }

    @Test
    void checkReportsAFileWhereTheFolderShouldBe() throws Exception {
        Path file = Files.writeString(folder.resolve("data.csv"), "id\n");
        try (FilesConnection files = FilesConnection.open(file, "csv")) {
            assertThat(files.destination.check().problems()).extracting(Problem::code).containsExactly(ErrorCode.CONFIG_INVALID);
        }
    }

    @Test
    void checkReportsEveryBrokenFileAtOnce() throws Exception {
        Files.writeString(folder.resolve("a.csv"), "id\n1\n");
        Files.writeString(folder.resolve("a.schema.json"), "{\"formatVersion\": 1, \"columns\": [{\"name\": \"id\", \"kind\": \"integer\"}]}");
        Files.writeString(folder.resolve("b.csv"), "id\n1\n");
        Files.writeString(folder.resolve("b.schema.json"), "{ not json");
        Files.writeString(folder.resolve("_tidemark_state.json"), "[]");
        try (FilesConnection files = FilesConnection.open(folder, "csv")) {
            CheckReport report = files.destination.check();

            assertThat(report.problems()).extracting(Problem::message).satisfiesExactly(
                    a -> assertThat(a).contains("a.schema.json").contains("kind \"integer\"").contains("int64"),
                    b -> assertThat(b).contains("b.schema.json is not valid"),
                    state -> assertThat(state).contains("_tidemark_state.json is not valid"));
            assertThat(report.problems()).allSatisfy(p -> assertThat(p.fix()).isNotBlank());
            assertThat(report.passed()).contains("folder " + folder + " is writable");
        }
    }

    @Test
    void anUnknownFormatIsRefusedWhenOpening() {
        FilesConnectorFactory factory = new FilesConnectorFactory();
        ConnectorConfig config = new ConnectorConfig("files", factory.configSpec(), Map.of("path", ".", "format", "xml"));
        assertThatThrownBy(() -> factory.openSource(config, new ConnectorContext(Clock.systemUTC(), folder)))
                .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID))
                .hasMessage("connection \"files\": format \"xml\" is not supported; set format to csv or jsonl");
    }

    private static String golden(String name) throws Exception {
        try (InputStream in = LayoutTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
