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
import io.tidemark.api.WriteMode;
import io.tidemark.api.WriteRequest;
import io.tidemark.api.WriteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static io.tidemark.connector.http.ApiFixture.CONTACTS;
import static io.tidemark.connector.http.ApiFixture.added;
import static io.tidemark.connector.http.ApiFixture.batch;
import static io.tidemark.connector.http.ApiFixture.contact;
import static io.tidemark.connector.http.ApiFixture.http;
import static io.tidemark.connector.http.ApiFixture.keyOnly;
import static io.tidemark.connector.http.ApiFixture.writer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Requests per change class, batches and per-record outcomes against a fake CRM on 127.0.0.1. */
class HttpDestinationTest {
    private static final String PER_RECORD = """
            { "contacts": {
                "added":   { "method": "PUT",    "url": "/contacts/{{email}}" },
                "changed": { "method": "PATCH",  "url": "/contacts/{{email}}", "body": { "name": "{{name}}" } },
                "removed": { "method": "DELETE", "url": "/contacts/{{email}}" } } }""";

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

    @Test
    void eachAddedRecordIsPutToItsUrlWithTheRecordAsBody() {
        try (ApiDestination crm = fixture.http(http(api, PER_RECORD)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            WriteResult result = w.apply(added(CONTACTS, contact("ann@x.io", "Ann", 31), contact("bob@x.io", "Bob", 42)));
            assertThat(result.written()).isEqualTo(2);
            assertThat(result.rejected()).isEmpty();
        }
        assertThat(api.contacts.get("ann@x.io")).isEqualTo(json("{\"email\":\"ann@x.io\",\"name\":\"Ann\",\"age\":31}"));
        assertThat(api.received).extracting(FakeApi.Received::method, FakeApi.Received::rawPath)
                .containsExactlyInAnyOrder(tuple("PUT", "/contacts/ann%40x.io"), tuple("PUT", "/contacts/bob%40x.io"));
        assertThat(api.received.getFirst().headers().getFirst("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void changedAndRemovedRecordsGoToTheirOwnRequests() {
        api.contacts.put("ann@x.io", json("{\"email\":\"ann@x.io\",\"name\":\"Ann\",\"age\":31}"));
        try (ApiDestination crm = fixture.http(http(api, PER_RECORD)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            WriteResult changed = w.apply(batch(ChangeClass.CHANGED, ChangeOp.UPSERT, CONTACTS, contact("ann@x.io", "Annie", 31)));
            assertThat(changed.written()).isEqualTo(1);
            WriteResult removed = w.apply(batch(ChangeClass.REMOVED, ChangeOp.DELETE, keyOnly(), new Object[]{"ann@x.io"}));
            assertThat(removed.deleted()).isEqualTo(1);
        }
        assertThat(api.received).extracting(FakeApi.Received::method, FakeApi.Received::body)
                .containsExactly(tuple("PATCH", "{\"name\":\"Annie\"}"), tuple("DELETE", ""));
        assertThat(api.contacts).isEmpty();
    }

    @Test
    void removingARecordTheApiDoesNotHoldIsNothingToDelete() {
        try (ApiDestination crm = fixture.http(http(api, PER_RECORD)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            WriteResult removed = w.apply(batch(ChangeClass.REMOVED, ChangeOp.DELETE, keyOnly(), new Object[]{"gone@x.io"}));
            assertThat(removed.deleted()).isZero();
            assertThat(removed.rejected()).isEmpty();
        }
    }

    @Test
    void anInsertOfARecordTheApiHoldsIsAlreadyThereNotARefusal() {
        api.contacts.put("ann@x.io", json("{\"email\":\"ann@x.io\"}"));
        String objects = """
                { "contacts": { "added": { "method": "POST", "url": "/contacts" } } }""";
        try (ApiDestination crm = fixture.http(http(api, objects)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            WriteResult result = w.apply(batch(ChangeClass.ADDED, ChangeOp.INSERT, CONTACTS,
                    contact("ann@x.io", "Ann", 31), contact("bob@x.io", "Bob", 42)));
            assertThat(result.written()).isEqualTo(1);
            assertThat(result.rejected()).singleElement().satisfies(r -> {
                assertThat(r.key()).containsExactly("ann@x.io");
                assertThat(r.refused()).isFalse();
                assertThat(r.reason()).startsWith("already exists").contains("409");
            });
        }
    }

    @Test
    void aRecordTheApiRefusesIsReturnedRefusedWithTheAnswerAsItsReason() {
        try (ApiDestination crm = fixture.http(http(api, PER_RECORD)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            WriteResult result = w.apply(added(CONTACTS, contact("ann@x.io", "Ann", 31), contact("not-an-email", "Bob", 42)));
            assertThat(result.written()).isEqualTo(1);
            assertThat(result.rejected()).extracting(RejectedRow::key, RejectedRow::refused)
                    .containsExactly(tuple(List.of("not-an-email"), true));
            assertThat(result.rejected().getFirst().reason()).contains("HTTP 422").contains("invalid email: not-an-email");
        }
    }

    @Test
    void urlValuesArePercentEncodedAndBodyTemplatesKeepJsonTypes() {
        StreamSchema schema = new StreamSchema(new StreamId(null, "contacts"), List.of(ApiFixture.EMAIL,
                Column.of("name", DataType.STRING), Column.of("age", DataType.INT64), Column.of("score", DataType.decimal(10, 2)),
                Column.of("vip", DataType.BOOLEAN), Column.of("prefs", DataType.JSON), Column.of("seen", DataType.TIMESTAMPTZ)),
                List.of("email"), null);
        String objects = """
                { "contacts": { "added": { "method": "PUT", "url": "/contacts/{{email}}?source={{secret.token}}",
                    "headers": { "X-Age": "age {{age}}" },
                    "body": { "contact": { "email": "{{ email }}", "age": "{{age}}", "score": "{{score}}", "vip": "{{vip}}",
                              "prefs": "{{prefs}}", "seen": "{{seen}}", "label": "{{name}} ({{age}})", "fixed": [1, true, null] } } } } }""";
        try (ApiDestination crm = fixture.http(http(api, objects, Auth.TOKEN, "a b/c")); StreamWriter w = writer(crm, "contacts", schema)) {
            w.apply(added(schema, new Object[]{"zoë+1@x.io", "Zoë", 7L, new BigDecimal("1E+2"), true, "{\"lang\":\"fr\",\"n\":[1,2]}",
                    OffsetDateTime.of(2026, 3, 1, 13, 0, 0, 0, ZoneOffset.ofHours(1))}));
        }
        FakeApi.Received put = api.received.getFirst();
        assertThat(put.rawPath()).isEqualTo("/contacts/zo%C3%AB%2B1%40x.io?source=a%20b%2Fc");
        assertThat(put.headers().getFirst("X-Age")).isEqualTo("age 7");
        assertThat(put.json()).isEqualTo(json("""
                { "contact": { "email": "zoë+1@x.io", "age": 7, "score": 100, "vip": true, "prefs": {"lang": "fr", "n": [1, 2]},
                  "seen": "2026-03-01T12:00Z", "label": "Zoë (7)", "fixed": [1, true, null] } }"""));
        assertThat(put.body()).contains("\"score\":100,").doesNotContain("1E+2");
    }

    @Test
    void dottedFieldNamesNestInTheRecord() {
        StreamSchema schema = new StreamSchema(new StreamId(null, "contacts"), List.of(ApiFixture.EMAIL,
                Column.of("$set.name", DataType.STRING), Column.of("$set.plan", DataType.STRING), Column.of("a..b", DataType.INT32)),
                List.of("email"), null);
        String objects = """
                { "contacts": { "added": { "method": "POST", "url": "/contacts/batch", "batch": {},
                                           "body": { "id": "{{email}}", "data": "{{record}}" } } } }""";
        api.authorized = h -> true;
        try (ApiDestination crm = fixture.http(http(api, objects)); StreamWriter w = writer(crm, "contacts", schema)) {
            w.apply(added(schema, new Object[]{"ann@x.io", "Ann", null, 3}));
        }
        assertThat(api.received.getFirst().json()).isEqualTo(json("""
                [ { "id": "ann@x.io", "data": { "email": "ann@x.io", "$set": { "name": "Ann", "plan": null }, "a..b": 3 } } ]"""));
    }

    @Test
    void aJsonArrayBatchRefusesOnlyTheRecordsItsResultsReportWithAnError() {
        String objects = """
                { "contacts": { "added": { "method": "POST", "url": "/contacts/batch",
                    "batch": { "size": 2, "format": "json_array", "envelope": { "records": "{{records}}", "source": "tidemark" } },
                    "results": { "items": "/results", "error": "/error" } } } }""";
        try (ApiDestination crm = fixture.http(http(api, objects)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            WriteResult result = w.apply(added(CONTACTS, contact("a@x.io", "A", 1), contact("bad", "B", 2),
                    contact("c@x.io", "C", 3), contact("d@x.io", "D", 4), contact("worse", "E", 5)));
            assertThat(result.written()).isEqualTo(3);
            assertThat(result.rejected()).extracting(RejectedRow::key, RejectedRow::reason, RejectedRow::refused)
                    .containsExactlyInAnyOrder(tuple(List.of("bad"), "invalid email: bad", true), tuple(List.of("worse"), "invalid email: worse", true));
        }
        assertThat(api.receivedOn("/contacts/batch")).hasSize(3).allSatisfy(r -> assertThat(r.json().get("source").asText()).isEqualTo("tidemark"));
        assertThat(api.receivedOn("/contacts/batch")).extracting(r -> r.json().get("records").size()).containsExactlyInAnyOrder(2, 2, 1);
        assertThat(api.contacts).containsOnlyKeys("a@x.io", "c@x.io", "d@x.io");
    }

    @Test
    void anNdjsonBatchRefusesTheRecordsWhoseResultStatusIs400OrMore() {
        String objects = """
                { "contacts": { "added": { "method": "POST", "url": "/contacts/batch", "batch": { "format": "ndjson" },
                    "results": { "items": "/results", "status": "/status" } } } }""";
        try (ApiDestination crm = fixture.http(http(api, objects)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            WriteResult result = w.apply(added(CONTACTS, contact("a@x.io", "A", 1), contact("bad", "B", 2), contact("c@x.io", "C", 3)));
            assertThat(result.written()).isEqualTo(2);
            assertThat(result.rejected()).singleElement().satisfies(r -> {
                assertThat(r.key()).containsExactly("bad");
                assertThat(r.refused()).isTrue();
                assertThat(r.reason()).startsWith("status 422: ").contains("invalid email: bad");
            });
        }
        FakeApi.Received sent = api.received.getFirst();
        assertThat(sent.headers().getFirst("Content-Type")).isEqualTo("application/x-ndjson");
        assertThat(sent.body().lines().toList()).containsExactly(
                "{\"email\":\"a@x.io\",\"name\":\"A\",\"age\":1}", "{\"email\":\"bad\",\"name\":\"B\",\"age\":2}",
                "{\"email\":\"c@x.io\",\"name\":\"C\",\"age\":3}");
    }

    @Test
    void aPerRecordStatusOfTooManyRequestsOrAServerErrorRefusesThatRecordForTheNextRunAndOneBelow400AcceptsIt() {
        String objects = """
                { "contacts": { "added": { "method": "POST", "url": "/contacts/batch", "batch": {},
                    "results": { "items": "/results", "status": "/status" } } } }""";
        api.answerNext(new FakeApi.Canned(200, Map.of(), "{\"results\": [{\"status\": 201}, {\"status\": 429}, {\"status\": \"503\"}, {\"status\": 304}]}",
                Duration.ZERO));
        try (ApiDestination crm = fixture.http(http(api, objects)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            WriteResult result = w.apply(added(CONTACTS, contact("a@x.io", "A", 1), contact("b@x.io", "B", 2), contact("c@x.io", "C", 3),
                    contact("d@x.io", "D", 4)));
            assertThat(result.written()).isEqualTo(2);
            assertThat(result.rejected()).extracting(RejectedRow::key, RejectedRow::reason, RejectedRow::refused).containsExactly(
                    tuple(List.of("b@x.io"), "status 429: {\"status\":429}", true), tuple(List.of("c@x.io"), "status 503: {\"status\":\"503\"}", true));
        }
        assertThat(api.received).as("not resent within the run").hasSize(1);
    }

    @Test
    void aBatchRequestRefusedAsAWholeIsSentAgainInHalvesUntilTheRefusedRecordIsAloneWhileAcceptedRequestsAreNotResent() {
        String objects = """
                { "contacts": { "added": { "method": "POST", "url": "/contacts/batch", "batch": { "size": 4 } } } }""";
        Object[] noEmail = {null, "Nobody", 0L};
        try (ApiDestination crm = fixture.http(http(api, objects)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            WriteResult result = w.apply(added(CONTACTS, contact("a@x.io", "A", 1), contact("b@x.io", "B", 2), contact("c@x.io", "C", 3),
                    contact("d@x.io", "D", 4), contact("e@x.io", "E", 5), noEmail, contact("g@x.io", "G", 7), contact("h@x.io", "H", 8)));
            assertThat(result.written()).isEqualTo(7);
            assertThat(result.rejected()).singleElement().satisfies(r -> {
                assertThat(r.key()).containsExactly((Object) null);
                assertThat(r.refused()).isTrue();
                assertThat(r.reason()).isEqualTo("HTTP 400: {\"message\":\"every record needs an email\"}");
            });
        }
        // a-d were accepted in the first request and never sent again; e, -, g, h went again as (e, -) and (g, h), then (e) and (-).
        assertThat(api.receivedOn("/contacts/batch")).extracting(r -> r.json().size()).containsExactlyInAnyOrder(4, 4, 2, 2, 1, 1);
        assertThat(api.writes).hasSize(7);
        assertThat(api.writes.values()).as("no record applied twice").allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    @Test
    void resultsThatDoNotMatchTheRecordsSentFailNamingTheSetting() {
        String objects = """
                { "contacts": { "added": { "method": "POST", "url": "/contacts/batch", "batch": {},
                    "results": { "items": "/items", "error": "/error" } } } }""";
        try (ApiDestination crm = fixture.http(http(api, objects)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThatThrownBy(() -> w.apply(added(CONTACTS, contact("a@x.io", "A", 1))))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
                        assertThat(e.getMessage()).contains("results.items /items finds nothing for 1 records sent");
                    });
        }
    }

    @Test
    void aRecordWithoutTheValueItsUrlNeedsIsRefusedWithoutBeingSent() {
        try (ApiDestination crm = fixture.http(http(api, PER_RECORD)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            WriteResult result = w.apply(batch(ChangeClass.CHANGED, ChangeOp.UPSERT, CONTACTS, new Object[]{null, "Ann", 1L}));
            assertThat(result.rejected()).singleElement().satisfies(r -> {
                assertThat(r.refused()).isTrue();
                assertThat(r.reason()).isEqualTo("email is null, and the URL /contacts/{{email}} needs it");
            });
        }
        assertThat(api.received).isEmpty();
    }

    @Test
    void aRecordWhoseHeaderValueHttpCannotCarryIsRefusedNamingTheHeaderButNotTheValue() {
        String objects = """
                { "contacts": { "added": { "method": "PUT", "url": "/contacts/{{email}}", "headers": { "X-Name": "{{name}}" } } } }""";
        try (ApiDestination crm = fixture.http(http(api, objects)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            WriteResult result = w.apply(added(CONTACTS, contact("a@x.io", "Zoë", 1), contact("b@x.io", "Bob\u0007", 2),
                    contact("c@x.io", "Chloé €", 3)));
            assertThat(result.written()).isEqualTo(1);
            assertThat(result.rejected()).extracting(RejectedRow::key, RejectedRow::reason, RejectedRow::refused).containsExactlyInAnyOrder(
                    tuple(List.of("b@x.io"), "the header X-Name would hold a control character, which an HTTP header cannot carry", true),
                    tuple(List.of("c@x.io"), "the header X-Name would hold a character beyond Latin-1 (above U+00FF), which an HTTP "
                            + "header cannot carry", true));
        }
        assertThat(api.contacts).containsOnlyKeys("a@x.io");
    }

    @Test
    void aChangeClassTheObjectDoesNotSendIsUnsupportedNamingTheFix() {
        String objects = """
                { "contacts": { "added": { "method": "PUT", "url": "/contacts/{{email}}" } } }""";
        try (ApiDestination crm = fixture.http(http(api, objects)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThatThrownBy(() -> w.apply(batch(ChangeClass.REMOVED, ChangeOp.DELETE, keyOnly(), new Object[]{"a@x.io"})))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED);
                        assertThat(e.getMessage()).isEqualTo("connection \"crm\": object contacts has no request for removed records; "
                                + "add objects.contacts.removed (method and url), or set the sync's delete_behavior to nothing");
                    });
        }
    }

    @Test
    void aTemplateNamingAFieldTheSyncDoesNotSendFailsWhenTheWriterOpens() {
        String objects = """
                { "contacts": { "added": { "method": "PUT", "url": "/contacts/{{mail}}" } } }""";
        try (ApiDestination crm = fixture.http(http(api, objects))) {
            assertThatThrownBy(() -> writer(crm, "contacts", CONTACTS)).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.COLUMN_NOT_FOUND);
                assertThat(e.getMessage()).contains("objects.contacts.added.url names field \"mail\"").contains("email, name, age");
            });
        }
    }

    @Test
    void aRemovalTemplateMayOnlyNameTheFieldsARemovalCarries() {
        String objects = """
                { "contacts": { "removed": { "method": "POST", "url": "/contacts/{{email}}/archive", "body": { "why": "{{name}}" } } } }""";
        try (ApiDestination crm = fixture.http(http(api, objects)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThatThrownBy(() -> w.apply(batch(ChangeClass.REMOVED, ChangeOp.DELETE, keyOnly(), new Object[]{"a@x.io"})))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.COLUMN_NOT_FOUND);
                        assertThat(e.getMessage()).contains("objects.contacts.removed.body names field \"name\"")
                                .contains("a removed record carries its record-matching fields only");
                    });
        }
    }

    @Test
    void anObjectTheConnectionDoesNotDescribeIsNotFound() {
        try (ApiDestination crm = fixture.http(http(api, PER_RECORD))) {
            assertThatThrownBy(() -> writer(crm, "leads", CONTACTS)).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
                assertThat(e.getMessage()).contains("has no object \"leads\" (objects: contacts)");
            });
        }
    }

    @Test
    void wholeTableWritesAreRefused() {
        try (ApiDestination crm = fixture.http(http(api, PER_RECORD))) {
            assertThatThrownBy(() -> crm.open(new WriteRequest("s", CONTACTS.id(), CONTACTS, WriteMode.REPLACE, 1, Instant.EPOCH, List.of())))
                    .isInstanceOfSatisfying(TidemarkException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED);
                        assertThat(e.getMessage()).contains("use sync_type diff");
                    });
            assertThat(crm.describeTarget(CONTACTS.id())).isEmpty();
        }
    }

    @Test
    void manyApplyThreadsMayShareOneWriter() throws Exception {
        try (ApiDestination crm = fixture.http(http(api, PER_RECORD)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThat(w.maxConcurrentApplies()).isEqualTo(16);
            List<Thread> threads = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int base = t * 25;
                threads.add(Thread.ofVirtual().start(() -> {
                    Object[][] rows = new Object[25][];
                    for (int i = 0; i < 25; i++) rows[i] = contact("c" + (base + i) + "@x.io", "C", base + i);
                    assertThat(w.apply(added(CONTACTS, rows)).written()).isEqualTo(25);
                }));
            }
            for (Thread t : threads) t.join();
        }
        assertThat(api.contacts).hasSize(200);
        assertThat(api.writes.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    static JsonNode json(String text) {
        try {
            return JsonValues.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
