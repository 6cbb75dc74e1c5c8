package io.tidemark.connector.postgres;

import io.tidemark.api.CaptureSpec;
import io.tidemark.api.CaptureStatus;
import io.tidemark.api.ChangeCapture;
import io.tidemark.api.ChangeStream;
import io.tidemark.api.CheckReport;
import io.tidemark.api.DiscoveredStream;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.LogEvent;
import io.tidemark.api.LogEvent.Begin;
import io.tidemark.api.LogEvent.Commit;
import io.tidemark.api.LogEvent.RowChange;
import io.tidemark.api.LogPosition;
import io.tidemark.api.ModelSpec;
import io.tidemark.api.ReadRequest;
import io.tidemark.api.RowBatch;
import io.tidemark.api.Source;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamReader;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.SyncType;
import io.tidemark.api.TidemarkException;
import io.tidemark.testkit.EmbeddedPostgresExtension;
import io.tidemark.testkit.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(EmbeddedPostgresExtension.class)
class PostgresCaptureTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private TestDatabase db;
    private final List<ChangeCapture> captures = new ArrayList<>();
    private final List<ChangeStream> streams = new ArrayList<>();

    @BeforeEach
    void database(PostgresServer server) { db = TestDatabase.create(server, "capture"); }

    @AfterEach
    void dropCaptures() {
        streams.forEach(ChangeStream::close);
        captures.forEach(ChangeCapture::drop); // a leftover slot would pin the server's WAL
        db.close();
    }

    @Test
    void firstOpenSnapshotsExactlyTheRowsCommittedBeforeStartAndStreamsTheRest() {
        db.execute("create table orders (id int primary key, status text)", "insert into orders values (1, 'new'), (2, 'new')");
        ChangeCapture capture = capture("orders");
        ChangeStream stream = open(capture, Optional.empty());

        db.execute("insert into orders values (3, 'new')", "update orders set status = 'paid' where id = 1");

        assertThat(rows(snapshot(stream, "orders"))).containsExactlyInAnyOrder("[1, new]", "[2, new]");
        assertThat(db.rows("select slot_name, plugin from pg_replication_slots").stream().map(List::toString))
                .contains("[" + ((PostgresCapture) capture).name() + ", pgoutput]");
        assertThat(db.value("select count(*) from pg_publication_tables where pubname = '" + ((PostgresCapture) capture).name()
                + "' and tablename = 'orders'")).isEqualTo("1");

        List<LogEvent> events = pollCommits(stream, 2);
        assertThat(changes(events)).containsExactly("INSERT [3, new]", "UPDATE [1, paid]");
        assertThat(events.stream().filter(e -> e instanceof Begin).map(e -> ((Begin) e).commitPosition()))
                .allSatisfy(p -> assertThat(p.isAfter(stream.start())).isTrue());
    }

    @Test
    void changesDecodeWholeTransactionsInCommitOrderWithIncreasingPositions() {
        db.execute("create table items (id int primary key, name text, qty int)");
        ChangeStream stream = open(capture("items"), Optional.empty());

        db.execute("begin; insert into items values (1, 'a', 1), (2, 'b', 2), (3, 'c', 3); update items set qty = 20 where id = 2;"
                        + " delete from items where id = 3; commit",
                "insert into items values (4, 'd', 4)",
                "truncate items");

        List<LogEvent> events = pollCommits(stream, 3);
        assertThat(events.stream().map(PostgresCaptureTest::describe)).containsExactly(
                "BEGIN", "INSERT [1, a, 1]", "INSERT [2, b, 2]", "INSERT [3, c, 3]", "UPDATE [2, b, 20]", "DELETE [3, null, null]", "COMMIT",
                "BEGIN", "INSERT [4, d, 4]", "COMMIT",
                "BEGIN", "TRUNCATE", "COMMIT");
        LogPosition previousEnd = stream.start();
        for (LogEvent event : events) {
            if (event instanceof Begin begin) {
                assertThat(begin.commitPosition().compareTo(previousEnd)).isGreaterThanOrEqualTo(0);
                assertThat(begin.commitTime()).isAfter(java.time.Instant.now().minusSeconds(60));
                previousEnd = begin.commitPosition();
            } else if (event instanceof Commit commit) {
                assertThat(commit.endPosition().isAfter(previousEnd)).isTrue();
                assertThat(commit.endPosition().text()).matches("[0-9A-F]+/[0-9A-F]+");
                previousEnd = commit.endPosition();
            }
        }
    }

    @Test
    void anUpdateThatLeavesALargeValueAloneMarksItUnchanged() {
        db.execute("create table docs (id int primary key, body text, n int)", "alter table docs alter column body set storage external",
                "insert into docs select 1, string_agg(md5(i::text), ''), 0 from generate_series(1, 500) i");
        ChangeStream stream = open(capture("docs"), Optional.empty());

        db.execute("update docs set n = 1 where id = 1");

        RowChange update = (RowChange) pollCommits(stream, 1).get(1);
        assertThat(update.kind()).isEqualTo(RowChange.Kind.UPDATE);
        assertThat(update.unchanged().stream().boxed().toList()).containsExactly(1);
        assertThat(update.values()).containsExactly(1, null, 1);
    }

    @Test
    void anUpdateThatChangesTheKeyCarriesTheOldKeyAsBefore() {
        db.execute("create table k (id int primary key, v text)", "insert into k values (1, 'x')",
                "create table full_k (id int primary key, v text)", "alter table full_k replica identity full", "insert into full_k values (1, 'x')");
        ChangeStream stream = open(capture("k"), Optional.empty());
        ChangeStream full = open(capture("full_k"), Optional.empty());

        db.execute("update k set id = 2 where id = 1", "update k set v = 'y' where id = 2",
                "update full_k set v = 'y' where id = 1", "update full_k set id = 2 where id = 1");

        List<RowChange> updates = pollCommits(stream, 2).stream().filter(e -> e instanceof RowChange).map(e -> (RowChange) e).toList();
        assertThat(updates.get(0).values()).containsExactly(2, "x");
        assertThat(updates.get(0).before()).containsExactly(1, null);
        assertThat(updates.get(1).before()).isNull();
        List<RowChange> fullUpdates = pollCommits(full, 2).stream().filter(e -> e instanceof RowChange).map(e -> (RowChange) e).toList();
        assertThat(fullUpdates.get(0).before()).isNull();
        assertThat(fullUpdates.get(1).before()).containsExactly(1, "y");
    }

    @Test
    void everyTypeDecodesFromTheLogExactlyAsTheSnapshotReaderReadsIt() {
        db.execute("create type mood as enum ('sad', 'happy')",
                "create table everything (id bigint primary key, b boolean, i2 smallint, i4 integer, i8 bigint, f4 real,"
                        + " f8 double precision, n numeric(30,10), n_free numeric, t text, vc varchar(10), bc char(4), d date, tm time,"
                        + " ts timestamp, ts3 timestamp(3), tstz timestamptz, bin bytea, u uuid, j json, jb jsonb,"
                        + " ints integer[], texts text[], stamps timestamptz[], iv interval, ip inet, net cidr, m mood)",
                "insert into everything values"
                        + " (1, true, 32767, -2147483648, 9223372036854775807, 1.1, -2.25e-300, 12345678901234567890.0123456789,"
                        + " 0.000000000000000000001, 'plain', 'ten chars!', 'ab', '2026-03-01', '23:59:59.999999',"
                        + " '2026-01-02 03:04:05.123456', '2026-01-02 03:04:05.123', '2026-03-01 12:00:00+05:30', '\\x00ff10',"
                        + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"b\": 1,   \"a\": [1, 2]}', '{\"é\": \"☃\", \"n\": null}',"
                        + " '{1,2,NULL}', '{\"a b\",\"c,d\",\"\"}', '{\"2026-01-01 00:00:00+02\"}', '1 year 2 mons 3 days 04:05:06.789',"
                        + " '192.168.0.1', '10.0.0.0/8', 'happy'),"
                        + " (2, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,"
                        + " null, null, null, null, null, null, null, null, null, null),"
                        + " (3, false, -32768, 2147483647, -9223372036854775808, 'NaN', 'Infinity', -0.0000000001,"
                        + " '-123456789012345678901234567890.123456789', '', 'émile ☃𝄞', '    ', 'infinity', '24:00:00', '-infinity',"
                        + " 'infinity', '-infinity', '', '00000000-0000-0000-0000-000000000000', '[]', '{}', '{}', '{}', '{}', '-1 days',"
                        + " '::1', '::/0', 'sad'),"
                        + " (4, true, 0, 0, 0, '-Infinity', '-0', 0, 0.5, 'line\nbreak \\ and \"quotes\"', 'x', 'abcd', '0044-03-15 BC',"
                        + " '00:00', '0044-03-15 12:00:00 BC', '20000-01-01 00:00:00', '1900-01-01 00:00:00+05:53:28', '\\x', "
                        + " 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'null', '1.50', '{-1}', '{NULL}', '{\"-infinity\"}', '00:00:00.000001',"
                        + " '2001:db8::1', '2001:db8::/32', 'sad'),"
                        + " (5, false, 1, 1, 1, 3.4028235e38, 4.9e-324, 99999999999999999999.9999999999, 1e-100, '''', 'y', 'a b',"
                        + " '5874897-12-31', '12:34:56.5', '294276-12-31 23:59:59.999999', '4713-01-01 00:00:00 BC',"
                        + " '2000-01-01 00:00:00.000001+00', '\\x80', '12345678-1234-1234-1234-123456789abc', '1e400', '123456789012345678',"
                        + " '{}', '{\"\\\\\"}', '{}', '-178000000 years', '0.0.0.0', '0.0.0.0/0', 'happy')");
        ChangeCapture capture = capture("everything");
        ChangeStream stream = open(capture, Optional.empty());
        StreamSchema schema = db.source.describe(model("everything"));
        List<Object[]> expected = new ArrayList<>();
        try (StreamReader reader = stream.snapshot(request("everything", schema)).orElseThrow()) {
            for (RowBatch batch = reader.next(); batch != null; batch = reader.next()) expected.addAll(batch.rows());
        }

        db.execute("update everything set id = id + 100");

        List<RowChange> updates = pollCommits(stream, 1).stream().filter(e -> e instanceof RowChange).map(e -> (RowChange) e).toList();
        assertThat(updates).hasSize(5);
        for (RowChange update : updates) {
            long id = (Long) update.values()[0] - 100;
            Object[] original = expected.stream().filter(r -> r[0].equals(id)).findFirst().orElseThrow();
            Object[] decoded = update.values().clone();
            decoded[0] = id;
            assertThat(update.unchanged().isEmpty()).isTrue();
            for (int i = 0; i < decoded.length; i++) {
                assertThat(decoded[i]).as("row %s column %s", id, schema.columns().get(i).name()).isEqualTo(original[i]);
            }
        }
        Object[] fifth = updates.stream().filter(u -> u.values()[0].equals(105L)).findFirst().orElseThrow().values();
        assertThat(fifth[schema.indexOf("d")]).isEqualTo(LocalDate.of(5874897, 12, 31));
        Object[] fourth = updates.stream().filter(u -> u.values()[0].equals(104L)).findFirst().orElseThrow().values();
        assertThat(fourth[schema.indexOf("d")]).isEqualTo(LocalDate.of(-43, 3, 15));
        assertThat(fourth[schema.indexOf("tstz")]).isEqualTo(OffsetDateTime.parse("1899-12-31T18:06:32Z"));
        assertThat(fourth[schema.indexOf("n")]).isEqualTo(new BigDecimal("0E-10"));
    }

    @Test
    void aNumericNaNFailsInTheLogAsInTheSnapshot() {
        db.execute("create table nums (id int primary key, n numeric)");
        ChangeStream stream = open(capture("nums"), Optional.empty());

        db.execute("insert into nums values (1, 'NaN')");

        assertThatThrownBy(() -> pollCommits(stream, 1)).isInstanceOf(TidemarkException.class)
                .satisfies(e -> assertThat(((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.SOURCE_DATA_INVALID))
                .hasMessageContaining("column \"n\"").hasMessageContaining("NaN");
    }

    @Test
    void resumingRedeliversExactlyWhatWasNotAcknowledged() {
        db.execute("create table r (id int primary key)");
        ChangeCapture capture = capture("r");
        ChangeStream first = open(capture, Optional.empty());
        LogPosition start = first.start();
        db.execute("insert into r values (1)", "insert into r values (2)");
        List<Commit> commits = pollCommits(first, 2).stream().filter(e -> e instanceof Commit).map(e -> (Commit) e).toList();
        first.acknowledge(commits.get(0).endPosition());
        first.close();

        ChangeStream second = open(capture, Optional.of(commits.get(0).endPosition()));
        assertThat(second.snapshot(request("r", db.source.describe(model("r"))))).isEmpty();
        assertThat(changes(pollCommits(second, 1))).containsExactly("INSERT [2]");
        second.acknowledge(commits.get(1).endPosition());
        second.close();

        db.execute("insert into r values (3)");
        ChangeStream third = open(capture, Optional.of(start));
        assertThat(changes(pollCommits(third, 1))).containsExactly("INSERT [3]");
    }

    @Test
    void progressFromOtherTablesLetsAnIdleCaptureReleaseTheLog() {
        db.execute("create table idle (id int primary key)", "create table busy (id int, pad text)");
        ChangeCapture capture = capture("idle");
        ChangeStream stream = open(capture, Optional.empty());
        stream.poll(10, Duration.ofMillis(10));
        CaptureStatus before = capture.status().orElseThrow();

        db.execute("insert into busy select i, repeat('x', 100) from generate_series(1, 5000) i");

        assertThat(capture.status().orElseThrow().lagBytes()).isGreaterThan(before.lagBytes() + 5000 * 100);
        awaitEnd(stream, capture.status().orElseThrow().current()); // asynchronous commits reach the log's end a moment later
        LogPosition end = stream.currentEnd();
        LogEvent.Progress progress = awaitProgress(stream, end);
        CaptureStatus unacknowledged = capture.status().orElseThrow();
        stream.acknowledge(progress.position());
        CaptureStatus acknowledged = awaitStatus(capture, s -> s.confirmed().compareTo(progress.position()) >= 0);
        assertThat(acknowledged.lagBytes()).isLessThan(unacknowledged.lagBytes());
        assertThat(acknowledged.active()).isTrue();
    }

    @Test
    void aDroppedSlotMakesResumingFailWithCaptureLost() {
        db.execute("create table gone (id int primary key)");
        ChangeCapture capture = capture("gone");
        ChangeStream stream = open(capture, Optional.empty());
        LogPosition start = stream.start();
        stream.close();

        capture.drop();

        String name = ((PostgresCapture) capture).name();
        assertThat(capture.status()).isEmpty();
        assertThat(db.value("select count(*) from pg_publication where pubname = '" + name + "'")).isEqualTo("0");
        assertThatThrownBy(() -> capture.open(Optional.of(start))).isInstanceOf(TidemarkException.class)
                .satisfies(e -> assertThat(((TidemarkException) e).errorCode()).isEqualTo(ErrorCode.CAPTURE_LOST))
                .hasMessageContaining("replication slot " + name + " of public.gone no longer exists")
                .hasMessageEndingWith("; resync the sync to start capturing again (re-reads the table)");
        capture.drop(); // nothing left: no error
    }

    @Test
    void aTableThatChangesShapeSaysSoBeforeTheFirstChangeInTheNewShape() {
        db.execute("create table shape (id int primary key, v text, gone text)");
        ChangeStream stream = open(capture("shape"), Optional.empty());

        db.execute("insert into shape values (1, 'a', 'x')");
        // One transaction: a row in the old shape, the change, a row in the new shape.
        db.execute("insert into shape values (2, 'b', 'y'); alter table shape add column extra int; alter table shape drop column gone; "
                + "alter table shape alter column v type int using 0; insert into shape values (3, 7, 9)");

        List<LogEvent> events = pollCommits(stream, 2);

        assertThat(events).extracting(PostgresCaptureTest::describe).containsExactly("BEGIN", "INSERT [1, a, x]", "COMMIT",
                "BEGIN", "INSERT [2, b, y]", "SCHEMA public.shape", "INSERT [3, 7, 9]", "COMMIT");
        StreamSchema now = events.stream().filter(LogEvent.SchemaChange.class::isInstance).map(e -> ((LogEvent.SchemaChange) e).schema())
                .findFirst().orElseThrow();
        assertThat(now.columns()).extracting(c -> c.name() + ":" + c.type() + ":" + c.nativeType())
                .containsExactly("id:int32:integer", "v:int32:integer", "extra:int32:integer");
        assertThat(now.primaryKey()).containsExactly("id");
    }

    @Test
    void aPrimaryKeyChangedWhileStreamingComesAsASchemaChangeWithTheNewKey() {
        db.execute("create table keyed (id int primary key, region text not null, v text)");
        ChangeStream stream = open(capture("keyed"), Optional.empty());

        db.execute("insert into keyed values (1, 'eu', 'a')");
        db.execute("alter table keyed drop constraint keyed_pkey, add primary key (id, region)");
        db.execute("insert into keyed values (1, 'us', 'b')");

        List<LogEvent> events = pollCommits(stream, 2);

        assertThat(events).extracting(PostgresCaptureTest::describe).containsExactly("BEGIN", "INSERT [1, eu, a]", "COMMIT",
                "BEGIN", "SCHEMA public.keyed", "INSERT [1, us, b]", "COMMIT");
        assertThat(events.stream().filter(LogEvent.SchemaChange.class::isInstance).map(e -> ((LogEvent.SchemaChange) e).schema().primaryKey())
                .findFirst().orElseThrow()).containsExactly("id", "region");
    }

    @Test
    void aGeneratedColumnStopsTheCaptureRatherThanTurnNull() {
        db.execute("create table priced (id int primary key, net int, gross int generated always as (net * 2) stored)");
        ChangeStream stream = open(capture("priced"), Optional.empty());

        db.execute("insert into priced (id, net) values (1, 10)");

        assertThatThrownBy(() -> pollCommits(stream, 1)).isInstanceOfSatisfying(TidemarkException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.SCHEMA_CHANGED);
            assertThat(e.getMessage()).contains("column gross is generated").contains("use sync_type diff");
        });
    }

    @Test
    void checkReportsAMissingReplicaIdentityWithItsFix() {
        db.execute("create table loose (id int, v text)");

        CheckReport report = capture("loose").check();

        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
            assertThat(p.message()).contains("public.loose has no primary key");
            assertThat(p.fix()).isEqualTo("run: ALTER TABLE \"public\".\"loose\" REPLICA IDENTITY FULL (or add a primary key)");
        });
        assertThat(report.passed()).contains("wal_level is logical", "user postgres may replicate");
        db.execute("alter table loose replica identity full");
        assertThat(capture("loose").check().ok()).isTrue();
    }

    @Test
    void checkReportsAUserWithoutTheReplicationPrivilege() {
        db.execute("do $$ begin if not exists (select from pg_roles where rolname = 'no_repl') then create role no_repl login; end if; end $$",
                "create table t (id int primary key)", "grant select on t to no_repl");
        Source source = TestDatabase.FACTORY.openSource(TestDatabase.config(db.url(), "no_repl", null),
                new io.tidemark.api.ConnectorContext(Clock.systemUTC(), Path.of(".")));
        StreamSchema schema = source.describe(model("t"));

        CheckReport report = source.capture(new CaptureSpec("no_repl_check", model("t"), schema)).check();

        assertThat(report.problems()).hasSize(2);
        assertThat(report.problems()).anySatisfy(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            assertThat(p.message()).endsWith(": user no_repl lacks the REPLICATION privilege");
            assertThat(p.fix()).isEqualTo("run as a superuser: ALTER ROLE \"no_repl\" WITH REPLICATION (on RDS: GRANT rds_replication TO \"no_repl\")");
        }).anySatisfy(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            assertThat(p.message()).endsWith(": user no_repl cannot create publication tidemark_no_repl_check for public.t: it does not own public.t");
        });
        source.close();
    }

    @Test
    void discoveryOffersChangeCaptureForTablesWithAnIdentity() {
        db.execute("create table keyed (id int primary key)", "create table loose (id int)", "create table whole (id int)",
                "alter table whole replica identity full", "create view v as select * from keyed");

        List<DiscoveredStream> streams = db.source.discover();

        assertThat(streams).filteredOn(s -> s.supportedSyncTypes().contains(SyncType.CDC)).extracting(s -> s.schema().id().name())
                .containsExactlyInAnyOrder("keyed", "whole");
    }

    @Test
    void derivedNamesAreValidIdentifiersAndStayDistinct() {
        assertThat(PostgresCapture.objectName("orders_to_crm")).isEqualTo("tidemark_orders_to_crm");
        String long1 = PostgresCapture.objectName("Sync-" + "x".repeat(80) + "-A");
        String long2 = PostgresCapture.objectName("Sync-" + "x".repeat(80) + "-B");
        assertThat(long1).hasSizeLessThanOrEqualTo(63).matches("tidemark_[a-z0-9_]+").isNotEqualTo(long2);
        assertThat(PostgresCapture.objectName("Orders")).isNotEqualTo(PostgresCapture.objectName("orders"));
    }

    private ChangeCapture capture(String table) {
        StreamSchema schema = db.source.describe(model(table));
        ChangeCapture capture = db.source.capture(new CaptureSpec(db.name + "_" + table, model(table), schema));
        captures.add(capture);
        return capture;
    }

    private ChangeStream open(ChangeCapture capture, Optional<LogPosition> from) {
        ChangeStream stream = capture.open(from);
        streams.add(stream);
        return stream;
    }

    private StreamReader snapshot(ChangeStream stream, String table) {
        return stream.snapshot(request(table, db.source.describe(model(table)))).orElseThrow();
    }

    private static ModelSpec model(String table) { return ModelSpec.table(table, new StreamId("public", table), List.of()); }

    private static ReadRequest request(String table, StreamSchema schema) {
        return new ReadRequest(model(table), schema, SyncType.CDC, Optional.empty(), 1000);
    }

    private static List<String> rows(StreamReader reader) {
        List<String> rows = new ArrayList<>();
        try (reader) {
            for (RowBatch batch = reader.next(); batch != null; batch = reader.next()) batch.rows().forEach(r -> rows.add(Arrays.toString(r)));
        }
        return rows;
    }

    /** Polls until {@code commits} transactions have arrived whole. */
    private static List<LogEvent> pollCommits(ChangeStream stream, int commits) {
        List<LogEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (events.stream().filter(e -> e instanceof Commit).count() < commits) {
            assertThat(System.nanoTime()).as("waiting for %s transactions, got %s", commits, events).isLessThan(deadline);
            stream.poll(1000, Duration.ofMillis(100)).stream().filter(e -> !(e instanceof LogEvent.Progress)).forEach(events::add);
        }
        return events;
    }

    private static LogEvent.Progress awaitProgress(ChangeStream stream, LogPosition atLeast) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            assertThat(System.nanoTime()).as("waiting for progress past %s", atLeast).isLessThan(deadline);
            for (LogEvent event : stream.poll(100, Duration.ofMillis(100))) {
                assertThat(event).isInstanceOf(LogEvent.Progress.class);
                if (((LogEvent.Progress) event).position().compareTo(atLeast) >= 0) return (LogEvent.Progress) event;
            }
        }
    }

    private static void awaitEnd(ChangeStream stream, LogPosition position) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (stream.currentEnd().compareTo(position) < 0) {
            assertThat(System.nanoTime()).as("waiting for the log's end to pass %s", position).isLessThan(deadline);
            sleep();
        }
    }

    private static CaptureStatus awaitStatus(ChangeCapture capture, Predicate<CaptureStatus> condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            CaptureStatus status = capture.status().orElseThrow();
            if (condition.test(status)) return status;
            assertThat(System.nanoTime()).as("waiting for slot status, last %s", status).isLessThan(deadline);
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> changes(List<LogEvent> events) {
        return events.stream().filter(e -> e instanceof RowChange).map(PostgresCaptureTest::describe).toList();
    }

    private static String describe(LogEvent event) {
        return switch (event) {
            case Begin b -> "BEGIN";
            case Commit c -> "COMMIT";
            case LogEvent.Truncate t -> "TRUNCATE";
            case LogEvent.Progress p -> "PROGRESS";
            case LogEvent.SchemaChange s -> "SCHEMA " + s.schema().id();
            case RowChange r -> r.kind() + " " + Arrays.toString(r.values());
        };
    }
}
