package io.tidemark.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.ChangeClass;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.tidemark.connector.http.ApiFixture.added;
import static io.tidemark.connector.http.ApiFixture.batch;
import static io.tidemark.connector.http.ApiFixture.writer;
import static io.tidemark.connector.http.HttpDestinationTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Records become capture-API events: bodies of events, persons and aliases, batching, and uuids stable across resends. */
class CaptureDestinationTest {
    private static final StreamSchema EVENTS = schema("events", List.of("id"),
            Column.of("id", DataType.INT64), Column.of("event", DataType.STRING), Column.of("distinct_id", DataType.STRING),
            Column.of("timestamp", DataType.TIMESTAMPTZ), Column.of("$current_url", DataType.STRING), Column.of("$set.email", DataType.STRING),
            Column.of("$set_once.first_seen", DataType.DATE), Column.of("$geoip_city_name", DataType.STRING), Column.of("count", DataType.INT32));

    @TempDir
    Path workspace;
    private FakeApi api;
    private ApiFixture fixture;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi();
        fixture = new ApiFixture(workspace);
    }

    @AfterEach
    void stop() { api.close(); }

    private static StreamSchema schema(String object, List<String> key, Column... columns) {
        return new StreamSchema(new StreamId(null, object), List.of(columns), key, null);
    }

    private Map<String, String> settings(String... more) {
        Map<String, String> values = new HashMap<>(Map.of(CaptureSettings.URL, api.url().toString(), CaptureSettings.API_KEY, "phc_key"));
        for (int i = 0; i < more.length; i += 2) values.put(more[i], more[i + 1]);
        return values;
    }

    private static Object[] pageview(long id, String user) {
        return new Object[]{id, "$pageview", user, OffsetDateTime.of(2024, 5, 1, 10, 0, 0, 0, ZoneOffset.UTC), "https://x.io/" + id,
                user + "@x.io", java.time.LocalDate.of(2024, 1, 2), null, 3};
    }

    @Test
    void anEventCarriesItsFieldsAsPropertiesWithTheGroupsNestedAndNullsLeftOutAndItsKeyOnlyInTheUuid() {
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "events", EVENTS)) {
            assertThat(w.apply(added(EVENTS, pageview(1, "u1"))).written()).isEqualTo(1);
        }
        FakeApi.Received sent = api.received.getFirst();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.rawPath()).isEqualTo("/batch");
        JsonNode body = sent.json();
        assertThat(body.get("api_key").asText()).isEqualTo("phc_key");
        assertThat(body.get("historical_migration").asBoolean()).isFalse();
        JsonNode event = body.get("batch").get(0);
        assertThat(event.get("uuid").asText()).matches("[0-9a-f-]{36}");
        ((com.fasterxml.jackson.databind.node.ObjectNode) event).remove("uuid");
        assertThat(event).isEqualTo(json("""
                { "event": "$pageview", "distinct_id": "u1", "timestamp": "2024-05-01T10:00Z",
                  "properties": { "$current_url": "https://x.io/1", "$set": { "email": "u1@x.io" },
                                  "$set_once": { "first_seen": "2024-01-02" }, "count": 3 } }"""));
    }

    @Test
    void aHistoricalMigrationSaysSoInEveryBatchOfAtMostBatchSizeEvents() {
        try (ApiDestination capture = fixture.capture(settings(CaptureSettings.HISTORICAL_MIGRATION, "true", CaptureSettings.BATCH_SIZE, "2"));
             StreamWriter w = writer(capture, "events", EVENTS)) {
            assertThat(w.apply(added(EVENTS, pageview(1, "u1"), pageview(2, "u1"), pageview(3, "u2"), pageview(4, "u3"), pageview(5, "u3")))
                    .written()).isEqualTo(5);
        }
        assertThat(api.received).hasSize(3).allSatisfy(r -> assertThat(r.json().get("historical_migration").asBoolean()).isTrue());
        assertThat(api.received).extracting(r -> r.json().get("batch").size()).containsExactlyInAnyOrder(2, 2, 1);
        assertThat(api.events).hasSize(5);
    }

    @Test
    void aResentEventCarriesTheSameUuidSoTheApiKeepsItOnce() {
        for (int run = 0; run < 2; run++) {
            try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "events", EVENTS)) {
                w.apply(added(EVENTS, pageview(1, "u1"), pageview(2, "u1")));
            }
        }
        List<String> first = api.received.get(0).json().findValuesAsText("uuid");
        List<String> second = api.received.get(1).json().findValuesAsText("uuid");
        assertThat(first).hasSize(2).doesNotHaveDuplicates().isEqualTo(second);
        assertThat(api.events).hasSize(2);
    }

    @Test
    void aUuidFieldIsSentAsItIs() {
        StreamSchema schema = schema("events", List.of("uuid"), Column.of("uuid", DataType.UUID_TYPE), Column.of("event", DataType.STRING),
                Column.of("distinct_id", DataType.INT64), Column.of("timestamp", DataType.TIMESTAMP));
        java.util.UUID id = java.util.UUID.fromString("0190c8e0-0000-7000-8000-000000000001");
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "events", schema)) {
            w.apply(added(schema, new Object[]{id, "signup", 42L, LocalDateTime.of(2024, 5, 1, 10, 0, 30)}));
        }
        assertThat(api.received.getFirst().json().get("batch").get(0)).isEqualTo(json("""
                { "event": "signup", "distinct_id": "42", "properties": {}, "timestamp": "2024-05-01T10:00:30Z",
                  "uuid": "0190c8e0-0000-7000-8000-000000000001" }"""));
    }

    @Test
    void aPersonIsASetEventWithItsPropertiesInTheirGroups() {
        StreamSchema persons = schema("persons", List.of("distinct_id"), Column.of("distinct_id", DataType.STRING),
                Column.of("email", DataType.STRING), Column.of("$set_once.initial_browser", DataType.STRING), Column.of("plan", DataType.STRING));
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "persons", persons)) {
            w.apply(added(persons, new Object[]{"u1", "u1@x.io", "Firefox", null}));
            w.apply(batch(ChangeClass.CHANGED, ChangeOp.UPSERT, persons, new Object[]{"u1", "new@x.io", "Firefox", "pro"}));
        }
        JsonNode set = api.received.getFirst().json().get("batch").get(0);
        assertThat(set.get("event").asText()).isEqualTo("$set");
        assertThat(set.get("distinct_id").asText()).isEqualTo("u1");
        assertThat(set.get("properties")).isEqualTo(json("""
                { "$set": { "email": "u1@x.io" }, "$set_once": { "initial_browser": "Firefox" } }"""));
        JsonNode changed = api.received.get(1).json().get("batch").get(0);
        assertThat(changed.get("uuid")).as("a new state of the person is a new event").isNotEqualTo(set.get("uuid"));
    }

    @Test
    void anAliasIsACreateAliasEvent() {
        StreamSchema aliases = schema("aliases", List.of("alias"), Column.of("distinct_id", DataType.STRING), Column.of("alias", DataType.STRING));
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "aliases", aliases)) {
            w.apply(added(aliases, new Object[]{"u1", "anon-7"}));
        }
        JsonNode alias = api.received.getFirst().json().get("batch").get(0);
        assertThat(alias.get("event").asText()).isEqualTo("$create_alias");
        assertThat(alias.get("distinct_id").asText()).isEqualTo("u1");
        assertThat(alias.get("properties")).isEqualTo(json("{ \"distinct_id\": \"u1\", \"alias\": \"anon-7\" }"));
    }

    @Test
    void numericIdsAreSentAsTextWhereverTheyNameAPerson() {
        StreamSchema events = schema("events", List.of("event_id"), Column.of("event_id", DataType.INT64), Column.of("event", DataType.STRING),
                Column.of("distinct_id", DataType.INT64), Column.of("seats", DataType.INT64));
        StreamSchema aliases = schema("aliases", List.of("alias"), Column.of("distinct_id", DataType.STRING), Column.of("alias", DataType.INT64));
        long big = 8_317_000_000_000_000_123L; // beyond a double's exact integers, as exports' 64-bit ids are
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter e = writer(capture, "events", events);
             StreamWriter a = writer(capture, "aliases", aliases)) {
            e.apply(added(events, new Object[]{4001L, "signup", big, 5L}));
            a.apply(added(aliases, new Object[]{"ada@x.io", big}));
        }
        JsonNode event = api.receivedOn("/batch").get(0).json().get("batch").get(0);
        assertThat(event.get("distinct_id")).isEqualTo(json("\"8317000000000000123\""));
        assertThat(event.get("properties")).as("other numbers stay numbers").isEqualTo(json("{ \"seats\": 5 }"));
        JsonNode alias = api.receivedOn("/batch").get(1).json().get("batch").get(0);
        assertThat(alias.get("properties")).isEqualTo(json("{ \"distinct_id\": \"ada@x.io\", \"alias\": \"8317000000000000123\" }"));
    }

    @Test
    void theFieldsThatFindRecordsAreNotPropertiesUnlessTheEventUsesThem() {
        StreamSchema persons = schema("persons", List.of("user_id"), Column.of("user_id", DataType.INT64), Column.of("distinct_id", DataType.STRING),
                Column.of("email", DataType.STRING));
        StreamSchema personsById = schema("persons", List.of("distinct_id"), Column.of("distinct_id", DataType.INT64),
                Column.of("email", DataType.STRING));
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter byUser = writer(capture, "persons", persons);
             StreamWriter byId = writer(capture, "persons", personsById)) {
            byUser.apply(added(persons, new Object[]{8318L, "ada@x.io", "ada@x.io"}));
            byId.apply(added(personsById, new Object[]{8317L, "bob@x.io"}));
        }
        JsonNode named = api.received.get(0).json().get("batch").get(0);
        assertThat(named.get("distinct_id").asText()).isEqualTo("ada@x.io");
        assertThat(named.get("properties")).as("user_id only makes the uuid").isEqualTo(json("{ \"$set\": { \"email\": \"ada@x.io\" } }"));
        JsonNode byKey = api.received.get(1).json().get("batch").get(0);
        assertThat(byKey.get("distinct_id")).as("the key is the distinct id here, so it is sent as one").isEqualTo(json("\"8317\""));
        assertThat(byKey.get("properties")).isEqualTo(json("{ \"$set\": { \"email\": \"bob@x.io\" } }"));
    }

    @Test
    void anAliasWithoutADistinctIdHasNothingToAliasAndIsAcceptedWithoutARequest() {
        StreamSchema aliases = schema("aliases", List.of("alias"), Column.of("distinct_id", DataType.STRING), Column.of("alias", DataType.INT64));
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "aliases", aliases)) {
            WriteResult some = w.apply(added(aliases, new Object[]{"ada@x.io", 8317L}, new Object[]{null, 8318L}, new Object[]{"", 8319L}));
            assertThat(some.rejected()).isEmpty();
            assertThat(some.written()).as("only what was sent counts as written").isEqualTo(1);
            WriteResult none = w.apply(added(aliases, new Object[]{null, 8320L}));
            assertThat(none.rejected()).isEmpty();
            assertThat(none.written()).isZero();
            assertThat(w.lastExchanges()).isEmpty();
        }
        assertThat(api.received).singleElement().satisfies(r -> assertThat(r.json().get("batch")).singleElement()
                .satisfies(alias -> assertThat(alias.get("distinct_id").asText()).isEqualTo("ada@x.io")));
    }

    @Test
    void anAliasWithoutAnAliasIsRefusedAndTheOthersGo() {
        StreamSchema aliases = schema("aliases", List.of("distinct_id"), Column.of("distinct_id", DataType.STRING), Column.of("alias", DataType.STRING));
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "aliases", aliases)) {
            WriteResult result = w.apply(added(aliases, new Object[]{"u1", "anon-1"}, new Object[]{"u2", null}, new Object[]{"u3", ""}));
            assertThat(result.written()).isEqualTo(1);
            assertThat(result.rejected()).extracting(RejectedRow::key, RejectedRow::reason, RejectedRow::refused).containsExactlyInAnyOrder(
                    tuple(List.of("u2"), "alias is empty; a capture event needs one", true),
                    tuple(List.of("u3"), "alias is empty; a capture event needs one", true));
        }
        assertThat(api.events.values()).singleElement().satisfies(e -> assertThat(e.get("distinct_id").asText()).isEqualTo("u1"));
    }

    @Test
    void keysThatWouldReadAlikeJoinedByALineBreakMakeDifferentUuids() {
        StreamSchema events = schema("events", List.of("source", "ref"), Column.of("source", DataType.STRING), Column.of("ref", DataType.STRING),
                Column.of("event", DataType.STRING), Column.of("distinct_id", DataType.STRING));
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "events", events)) {
            w.apply(added(events, new Object[]{"a\nb", "c", "signup", "u1"}, new Object[]{"a", "b\nc", "signup", "u1"}));
        }
        assertThat(api.received.getFirst().json().findValuesAsText("uuid")).hasSize(2).doesNotHaveDuplicates();
        assertThat(api.events).hasSize(2);
    }

    @Test
    void aNewAliasOfAPersonIsANewEventWhileAResentOneKeepsItsUuid() {
        StreamSchema aliases = schema("aliases", List.of("distinct_id"), Column.of("distinct_id", DataType.STRING), Column.of("alias", DataType.STRING));
        for (int run = 0; run < 2; run++) {
            try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "aliases", aliases)) {
                w.apply(added(aliases, new Object[]{"u1", "anon-1"}));
                w.apply(batch(ChangeClass.CHANGED, ChangeOp.UPSERT, aliases, new Object[]{"u1", "anon-2"}));
            }
        }
        List<String> uuids = api.received.stream().map(r -> r.json().get("batch").get(0).get("uuid").asText()).toList();
        assertThat(uuids).hasSize(4);
        assertThat(uuids.get(0)).as("another alias of the same person").isNotEqualTo(uuids.get(1));
        assertThat(uuids.subList(2, 4)).as("resent").isEqualTo(uuids.subList(0, 2));
        assertThat(api.events).hasSize(2);
    }

    @Test
    void anEventWithoutADistinctIdIsRefusedAndTheOthersGo() {
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "events", EVENTS)) {
            WriteResult result = w.apply(added(EVENTS, pageview(1, "u1"), pageview(2, null)));
            assertThat(result.written()).isEqualTo(1);
            assertThat(result.rejected()).extracting(RejectedRow::key, RejectedRow::reason, RejectedRow::refused)
                    .containsExactly(tuple(List.of(2L), "distinct_id is empty; a capture event needs one", true));
        }
        assertThat(api.events).hasSize(1);
    }

    @Test
    void removedRecordsAreUnsupportedBecauseACaptureApiCannotDelete() {
        StreamSchema key = schema("events", List.of("id"), Column.of("id", DataType.INT64));
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "events", EVENTS)) {
            assertThatThrownBy(() -> w.apply(batch(ChangeClass.REMOVED, ChangeOp.DELETE, key, new Object[]{1L})))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED);
                        assertThat(e.getMessage()).endsWith("set the sync's delete_behavior to nothing");
                    });
        }
    }

    @Test
    void aSyncThatDoesNotSendTheRequiredFieldsFailsWhenTheWriterOpens() {
        StreamSchema schema = schema("events", List.of("id"), Column.of("id", DataType.INT64), Column.of("name", DataType.STRING));
        try (ApiDestination capture = fixture.capture(settings())) {
            assertThatThrownBy(() -> writer(capture, "events", schema)).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.COLUMN_NOT_FOUND);
                assertThat(e.getMessage()).contains("needs the fields event and distinct_id, which the sync does not send (it sends: id, name)");
            });
            assertThatThrownBy(() -> writer(capture, "groups", schema)).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
                assertThat(e.getMessage()).endsWith("set the sync's table to one of events, persons, aliases");
            });
        }
    }

    @Test
    void theApiKeyIsMaskedInTheExchangesShownAndAWrongOneFailsTheRun() {
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "events", EVENTS)) {
            w.apply(added(EVENTS, pageview(1, "u1")));
            assertThat(w.lastExchanges().getFirst().request()).contains("\"api_key\":\"******\"").doesNotContain("phc_key");
        }
        api.captureKey = "another";
        try (ApiDestination capture = fixture.capture(settings()); StreamWriter w = writer(capture, "events", EVENTS)) {
            assertThatThrownBy(() -> w.apply(added(EVENTS, pageview(1, "u1")))).isInstanceOfSatisfying(TidemarkException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED));
        }
    }
}
