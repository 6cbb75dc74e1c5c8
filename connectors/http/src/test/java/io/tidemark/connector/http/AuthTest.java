package io.tidemark.connector.http;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WireExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static io.tidemark.connector.http.ApiFixture.CONTACTS;
import static io.tidemark.connector.http.ApiFixture.added;
import static io.tidemark.connector.http.ApiFixture.contact;
import static io.tidemark.connector.http.ApiFixture.http;
import static io.tidemark.connector.http.ApiFixture.writer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every kind of authentication, OAuth2 token expiry and refresh, and secrets masked wherever a request is shown. */
class AuthTest {
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

    private void send(Map<String, String> settings, String email) {
        try (ApiDestination crm = fixture.http(settings); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            w.apply(added(CONTACTS, contact(email, "N", 1)));
        }
    }

    private void requireHeader(String name, String value) {
        api.authorized = h -> value.equals(h.getFirst(name));
    }

    private static Map<String, String> oauth(FakeApi api, String secret) {
        return http(api, PUT, Auth.AUTH, "oauth2", Auth.TOKEN_URL, api.url() + "/oauth/token", Auth.CLIENT_ID, FakeApi.CLIENT_ID,
                Auth.CLIENT_SECRET, secret, Auth.SCOPE, "contacts.write");
    }

    @Test
    void bearerSendsTheToken() {
        requireHeader("Authorization", "Bearer t0k");
        send(http(api, PUT, Auth.AUTH, "bearer", Auth.TOKEN, "t0k"), "a@x.io");
        assertThat(api.contacts).containsKey("a@x.io");
    }

    @Test
    void basicSendsUserAndPassword() {
        requireHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString("ann:pa55".getBytes(StandardCharsets.UTF_8)));
        send(http(api, PUT, Auth.AUTH, "basic", Auth.USERNAME, "ann", Auth.PASSWORD, "pa55"), "a@x.io");
        assertThat(api.contacts).containsKey("a@x.io");
    }

    @Test
    void apiKeyGoesInItsHeaderByDefaultXApiKey() {
        requireHeader("X-Api-Key", "k3y");
        send(http(api, PUT, Auth.AUTH, "api_key", Auth.API_KEY, "k3y"), "a@x.io");
        requireHeader("Api-Token", "k3y");
        send(http(api, PUT, Auth.AUTH, "api_key", Auth.API_KEY, "k3y", Auth.API_KEY_HEADER, "Api-Token"), "b@x.io");
        assertThat(api.contacts).containsOnlyKeys("a@x.io", "b@x.io");
    }

    @Test
    void refusedCredentialsFailTheRunSayingWhatToCheck() {
        requireHeader("Authorization", "Bearer right");
        assertThatThrownBy(() -> send(http(api, PUT, Auth.AUTH, "bearer", Auth.TOKEN, "wrong"), "a@x.io"))
                .isInstanceOfSatisfying(TidemarkException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                    assertThat(e.getMessage()).contains("was refused as unauthenticated (HTTP 401").endsWith("; check token")
                            .doesNotContain("wrong");
                });
        assertThatThrownBy(() -> send(http(api, PUT), "a@x.io"))
                .isInstanceOfSatisfying(TidemarkException.class, e -> assertThat(e.getMessage()).endsWith("set auth (bearer, basic, api_key or oauth2) and its settings"));
        assertThat(api.received).hasSize(2);
    }

    @Test
    void oauth2FetchesATokenAndReusesItUntilShortlyBeforeItExpires() {
        api.requireIssuedTokens();
        api.tokenLifetimeSeconds = 120;
        try (ApiDestination crm = fixture.http(oauth(api, FakeApi.CLIENT_SECRET)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            w.apply(added(CONTACTS, contact("a@x.io", "A", 1), contact("b@x.io", "B", 2)));
            fixture.clock.advance(Duration.ofSeconds(100));
            w.apply(added(CONTACTS, contact("c@x.io", "C", 3)));
            assertThat(api.tokensIssued).hasValue(1);
            // A tenth of the lifetime (12 s) before expiry, the token is replaced before it is refused.
            fixture.clock.advance(Duration.ofSeconds(10));
            w.apply(added(CONTACTS, contact("d@x.io", "D", 4)));
            assertThat(api.tokensIssued).hasValue(2);
        }
        assertThat(api.contacts).hasSize(4);
        FakeApi.Received tokenRequest = api.receivedOn("/oauth/token").getFirst();
        assertThat(tokenRequest.body()).isEqualTo("grant_type=client_credentials&scope=contacts.write");
        assertThat(tokenRequest.headers().getFirst("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    }

    @Test
    void oauth2FetchesANewTokenOnceWhenTheApiRefusesTheCurrentOne() {
        api.requireIssuedTokens();
        try (ApiDestination crm = fixture.http(oauth(api, FakeApi.CLIENT_SECRET)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            w.apply(added(CONTACTS, contact("a@x.io", "A", 1)));
            api.validTokens.clear(); // revoked at the server
            w.apply(added(CONTACTS, contact("b@x.io", "B", 2)));
            assertThat(api.tokensIssued).hasValue(2);

            api.authorized = h -> false; // now no token is accepted: one refresh, then the run fails
            assertThatThrownBy(() -> w.apply(added(CONTACTS, contact("c@x.io", "C", 3)))).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                assertThat(e.getMessage()).contains("a freshly fetched token was refused too");
            });
            assertThat(api.tokensIssued).hasValue(3);
        }
        assertThat(api.contacts).containsOnlyKeys("a@x.io", "b@x.io");
    }

    @Test
    void oauth2WithWrongClientCredentialsFailsTheRunAndCheckSaysSo() {
        try (ApiDestination crm = fixture.http(oauth(api, "not-the-secret")); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThatThrownBy(() -> w.apply(added(CONTACTS, contact("a@x.io", "A", 1)))).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                assertThat(e.getMessage()).contains("refused the client credentials (HTTP 401: {\"error\":\"invalid_client\"})")
                        .doesNotContain("not-the-secret");
            });
            assertThat(crm.check().problems()).singleElement().satisfies(p -> assertThat(p.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED));
        }
        try (ApiDestination crm = fixture.http(oauth(api, FakeApi.CLIENT_SECRET))) {
            assertThat(crm.check().ok()).isTrue();
            assertThat(crm.check().passed()).anyMatch(p -> p.startsWith("fetched an OAuth2 access token"));
        }
    }

    @Test
    void aSecretAnAnswerEchoesIsMaskedBeforeTheAnswerIsShortened() {
        String token = "tok-secret-value-0123456789";
        // Unmasked, the cut at 1000 characters would fall inside the token; masked, the whole answer fits.
        api.answerNext(new FakeApi.Canned(422, Map.of(), "{\"message\":\"" + "x".repeat(980) + token + "\"}", Duration.ZERO));
        try (ApiDestination crm = fixture.http(http(api, PUT, Auth.AUTH, "bearer", Auth.TOKEN, token)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThat(w.apply(added(CONTACTS, contact("a@x.io", "A", 1))).rejected()).singleElement()
                    .satisfies(r -> assertThat(r.reason()).endsWith("x******\"}").doesNotContain("tok-secr"));
            api.answerNext(new FakeApi.Canned(200, Map.of(), "y".repeat(ExchangeLog.BODY_SHOWN - 10) + token, Duration.ZERO));
            w.apply(added(CONTACTS, contact("b@x.io", "B", 2)));
            assertThat(w.lastExchanges().getFirst().response()).endsWith("y******").doesNotContain("tok-secret");
        }
    }

    @Test
    void basicCredentialsAreMaskedInTheirBase64FormToo() {
        String encoded = Base64.getEncoder().encodeToString("ann:pa55".getBytes(StandardCharsets.UTF_8));
        api.answerNext(new FakeApi.Canned(422, Map.of(), "{\"message\":\"refused Authorization: Basic " + encoded + "\"}", Duration.ZERO));
        try (ApiDestination crm = fixture.http(http(api, PUT, Auth.AUTH, "basic", Auth.USERNAME, "ann", Auth.PASSWORD, "pa55"));
             StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThat(w.apply(added(CONTACTS, contact("a@x.io", "A", 1))).rejected()).singleElement()
                    .satisfies(r -> assertThat(r.reason()).isEqualTo("HTTP 422: {\"message\":\"refused Authorization: Basic ******\"}"));
            assertThat(w.lastExchanges().getFirst().response()).contains("Basic ******").doesNotContain(encoded);
        }
    }

    @Test
    void anAccessTokenAHeaderCannotCarryFailsTheRunWithoutShowingIt() {
        api.tokenPrefix = "tok\n";
        try (ApiDestination crm = fixture.http(oauth(api, FakeApi.CLIENT_SECRET)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThatThrownBy(() -> w.apply(added(CONTACTS, contact("a@x.io", "A", 1)))).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
                assertThat(e.getMessage()).contains("cannot be sent: the HTTP client refused it (").contains("Bearer ******")
                        .doesNotContain("tok\n1");
                assertThat(e.getCause()).as("the client's exception quotes the header value").isNull();
            });
        }
        assertThat(api.receivedOn("/contacts")).isEmpty();
    }

    @Test
    void secretsAndAccessTokensAreMaskedInTheExchangesShown() {
        String objects = """
                { "contacts": { "added": { "method": "PUT", "url": "/contacts/{{email}}?key={{secret.api_key}}",
                    "headers": { "X-Token": "{{secret.token}}" }, "body": { "pass": "{{secret.password}}", "email": "{{email}}" } } } }""";
        send(http(api, objects, Auth.AUTH, "api_key", Auth.API_KEY, "k/3y \"x\"", Auth.TOKEN, "tok-secret", Auth.PASSWORD, "pa55word"), "a@x.io");
        try (ApiDestination crm = fixture.http(http(api, objects, Auth.AUTH, "api_key", Auth.API_KEY, "k/3y \"x\"", Auth.TOKEN, "tok-secret",
                Auth.PASSWORD, "pa55word")); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            w.apply(added(CONTACTS, contact("b@x.io", "B", 2)));
            WireExchange shown = w.lastExchanges().getFirst();
            assertThat(shown.request()).startsWith("PUT " + api.url() + "/contacts/b%40x.io?key=******\n")
                    .contains("X-Api-Key: ******").contains("X-Token: ******").contains("{\"pass\":\"******\",\"email\":\"b@x.io\"}")
                    .doesNotContain("k/3y").doesNotContain("k%2F3y").doesNotContain("tok-secret").doesNotContain("pa55word");
            assertThat(shown.response()).startsWith("HTTP 200\n");
        }

        api.requireIssuedTokens();
        try (ApiDestination crm = fixture.http(oauth(api, FakeApi.CLIENT_SECRET)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            w.apply(added(CONTACTS, contact("c@x.io", "C", 3)));
            assertThat(w.lastExchanges()).hasSize(2).allSatisfy(e -> assertThat(e.request() + e.response())
                    .doesNotContain(FakeApi.CLIENT_SECRET).doesNotContain("tok-1").doesNotContain("rt-secret").doesNotContain("idt-secret"));
            assertThat(w.lastExchanges().getFirst().request()).startsWith("POST " + api.url() + "/oauth/token")
                    .contains("Authorization: Basic ******\n");
            assertThat(w.lastExchanges().getFirst().response()).contains("\"access_token\":\"******\"");
            assertThat(w.lastExchanges().get(1).request()).contains("Authorization: Bearer ******\n");
        }
    }
}
