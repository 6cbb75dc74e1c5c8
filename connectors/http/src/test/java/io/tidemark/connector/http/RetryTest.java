package io.tidemark.connector.http;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WriteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.tidemark.connector.http.ApiFixture.CONTACTS;
import static io.tidemark.connector.http.ApiFixture.added;
import static io.tidemark.connector.http.ApiFixture.contact;
import static io.tidemark.connector.http.ApiFixture.http;
import static io.tidemark.connector.http.ApiFixture.writer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Transient failures are retried until they pass or the retries run out; nothing is lost or written twice. */
class RetryTest {
    private static final String PUT = """
            { "contacts": { "added": { "method": "PUT", "url": "/contacts/{{email}}" } } }""";

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

    private static Object[][] contacts(int n) {
        Object[][] rows = new Object[n][];
        for (int i = 0; i < n; i++) rows[i] = contact("c" + i + "@x.io", "C" + i, i);
        return rows;
    }

    @Test
    void aTooManyRequestsIsResentNoEarlierThanRetryAfter() {
        api.answerNext(new FakeApi.Canned(429, Map.of("Retry-After", "2"), "{\"message\":\"rate limited\"}", Duration.ZERO));
        try (ApiDestination crm = fixture.http(http(api, PUT)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThat(w.apply(added(CONTACTS, contacts(1))).written()).isEqualTo(1);
        }
        assertThat(fixture.sleeps).containsExactly(Duration.ofSeconds(2));
        assertThat(api.received).hasSize(2);
    }

    @Test
    void tooManyRequestsAmongConcurrentRequestsLoseNothingAndDuplicateNothing() {
        FakeApi.Canned tooMany = new FakeApi.Canned(429, Map.of("Retry-After", "2"), "{\"message\":\"rate limited\"}", Duration.ZERO);
        api.answerNext(tooMany, tooMany, tooMany);
        try (ApiDestination crm = fixture.http(http(api, PUT)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            WriteResult result = w.apply(added(CONTACTS, contacts(20)));
            assertThat(result.written()).isEqualTo(20);
            assertThat(result.rejected()).isEmpty();
        }
        assertThat(api.contacts).hasSize(20);
        assertThat(api.writes.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(api.received).hasSize(23);
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {
        // The fixture's clock reads 2026-03-01T12:00:00Z.
        api.answerNext(new FakeApi.Canned(429, Map.of("Retry-After", "Sun, 01 Mar 2026 12:00:05 GMT"), "", Duration.ZERO));
        try (ApiDestination crm = fixture.http(http(api, PUT)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThat(w.apply(added(CONTACTS, contacts(1))).written()).isEqualTo(1);
        }
        assertThat(fixture.sleeps).contains(Duration.ofSeconds(5));
    }

    @Test
    void aRetryAfterLongerThanTenMinutesFailsTheRunForTheNextRunToRetry() {
        api.answerNext(new FakeApi.Canned(429, Map.of("Retry-After", "3600"), "{\"message\":\"daily quota used up\"}", Duration.ZERO));
        try (ApiDestination crm = fixture.http(http(api, PUT)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThatThrownBy(() -> w.apply(added(CONTACTS, contacts(1)))).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.CONNECTION_FAILED);
                assertThat(e.errorCode().retryable()).isTrue();
                assertThat(e.getMessage()).contains(" was answered HTTP 429: {\"message\":\"daily quota used up\"}, asking to wait 3600 s "
                        + "before resending (Retry-After: 3600), longer than the 10 minutes a run waits").contains("the next run sends its records again");
            });
        }
        assertThat(fixture.sleeps).isEmpty();
        assertThat(api.received).hasSize(1);
    }

    @Test
    void aRetryAfterOfTenMinutesIsWaitedFor() {
        api.answerNext(new FakeApi.Canned(503, Map.of("Retry-After", "600"), "", Duration.ZERO));
        try (ApiDestination crm = fixture.http(http(api, PUT)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThat(w.apply(added(CONTACTS, contacts(1))).written()).isEqualTo(1);
        }
        assertThat(fixture.sleeps).containsExactly(Duration.ofMinutes(10));
    }

    @Test
    void unavailableServersAndTimeoutsAreRetried() {
        try (ApiDestination crm = fixture.http(http(api, PUT, Delivery.REQUEST_TIMEOUT_MS, "500"));
             StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            // Warm up first, so that the timeout below is the server's doing, not a cold JVM's.
            w.apply(added(CONTACTS, contact("warm@x.io", "W", 0)));
            api.answerNext(FakeApi.Canned.status(503), FakeApi.Canned.status(502),
                    new FakeApi.Canned(200, Map.of(), "{}", Duration.ofSeconds(2)));
            assertThat(w.apply(added(CONTACTS, contacts(1))).written()).isEqualTo(1);
            assertThat(w.lastExchanges()).extracting(e -> e.response().lines().findFirst().orElseThrow())
                    .containsExactly("HTTP 503", "HTTP 502", "no answer: no answer within 500 ms", "HTTP 200");
        }
        assertThat(api.contacts).containsOnlyKeys("warm@x.io", "c0@x.io");
        assertThat(fixture.sleeps).hasSize(3);
    }

    @Test
    void exhaustedRetriesFailTheRunAsAConnectionFailure() {
        api.answerNext(FakeApi.Canned.status(503), FakeApi.Canned.status(503), FakeApi.Canned.status(503), FakeApi.Canned.status(503));
        try (ApiDestination crm = fixture.http(http(api, PUT, Delivery.MAX_RETRIES, "2")); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThatThrownBy(() -> w.apply(added(CONTACTS, contacts(1)))).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.CONNECTION_FAILED);
                assertThat(e.getMessage()).startsWith("connection \"crm\": PUT " + api.url() + "/contacts/c0%40x.io (object contacts, "
                        + "added records (objects.contacts.added)) failed 3 times (last: HTTP 503: {\"message\":\"canned 503\"})");
            });
        }
        assertThat(api.received).hasSize(3);
    }

    @Test
    void anUnreachableApiIsRetriedThenFailsTheRun() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> values = http(api, PUT, Delivery.MAX_RETRIES, "1");
        values.put(HttpSettings.BASE_URL, "http://127.0.0.1:" + closedPort);
        try (ApiDestination crm = fixture.http(values); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThatThrownBy(() -> w.apply(added(CONTACTS, contacts(1)))).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.CONNECTION_FAILED);
                assertThat(e.getMessage()).contains("failed 2 times (last: ConnectException");
            });
            assertThat(crm.check().problems()).singleElement().satisfies(p -> assertThat(p.code()).isEqualTo(ErrorCode.CONNECTION_FAILED));
        }
        assertThat(fixture.sleeps).hasSize(1);
    }

    @Test
    void forbiddenFailsTheRunAsPermissionDeniedNamingTheRequest() {
        api.answerNext(new FakeApi.Canned(403, Map.of(), "{\"message\":\"scope contacts.write required\"}", Duration.ZERO));
        try (ApiDestination crm = fixture.http(http(api, PUT)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThatThrownBy(() -> w.apply(added(CONTACTS, contacts(1)))).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED);
                assertThat(e.getMessage()).contains("(object contacts, added records (objects.contacts.added)) was forbidden")
                        .contains("scope contacts.write required");
            });
        }
        assertThat(fixture.sleeps).isEmpty();
    }

    @Test
    void aRedirectIsASettingsErrorNotFollowed() {
        api.answerNext(new FakeApi.Canned(301, Map.of("Location", "https://api.example.com/v4/contacts/c0"), "", Duration.ZERO));
        try (ApiDestination crm = fixture.http(http(api, PUT)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThatThrownBy(() -> w.apply(added(CONTACTS, contacts(1)))).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
                assertThat(e.getMessage()).contains("was redirected to https://api.example.com/v4/contacts/c0 (HTTP 301)");
            });
        }
        assertThat(api.received).hasSize(1);
    }
}
