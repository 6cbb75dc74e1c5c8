package io.tidemark.connector.http;

import io.tidemark.api.ConnectorFactory;
import io.tidemark.api.SettingError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Settings are checked when the workspace loads, every problem at once, each named by its path. */
class SettingsTest {
    private static List<SettingError> http(Map<String, String> values) {
        return new HttpConnectorFactory().validate(ApiFixture.config(HttpSettings.SPEC, "crm", values));
    }

    private static List<SettingError> capture(Map<String, String> values) {
        return new CaptureConnectorFactory().validate(ApiFixture.config(CaptureSettings.SPEC, "analytics", values));
    }

    @Test
    void bothConnectorTypesAreFoundByServiceLoader() {
        assertThat(ServiceLoader.load(ConnectorFactory.class).stream().map(p -> p.get().name()).toList()).contains("http", "capture");
    }

    @Test
    void aCompleteHttpConnectionHasNoProblems() {
        String objects = """
                { "contacts": {
                    "headers": { "X-Source": "tidemark" },
                    "added":   { "method": "post", "url": "/contacts/batch",
                                 "batch": { "size": 100, "format": "json_array", "envelope": { "records": "{{records}}" } },
                                 "results": { "items": "/results", "error": "/error" } },
                    "changed": { "method": "PATCH", "url": "/contacts/{{email}}", "body": { "email": "{{email}}", "name": "{{name}}" } },
                    "removed": { "method": "DELETE", "url": "https://other.example.com/contacts/{{email}}?key={{secret.api_key}}" } } }""";
        assertThat(http(Map.of(HttpSettings.BASE_URL, "https://api.example.com/v3", ObjectsParser.OBJECTS, objects,
                Auth.AUTH, "api_key", Auth.API_KEY, "k"))).isEmpty();
    }

    @Test
    void everyProblemOfAnHttpConnectionIsReportedAtOnceWithItsPath() {
        String objects = """
                { "contacts": {
                    "added": { "method": "GOT", "url": "/contacts/{{email}}", "colour": "blue",
                               "results": { "items": "/results", "error": "/error" } },
                    "changed": { "url": "/contacts/{{email", "body": { "all": "{{records}}", "text": "id {{record}}" } },
                    "removed": { "method": "DELETE", "url": "/contacts/batch", "headers": { "Host": "x", "X-Key": "{{secret.token}}" },
                                 "batch": { "size": 0, "format": "csv" } } },
                  "deals": { "added": { "method": "POST", "url": "/deals/{{id}}", "batch": { "envelope": { "data": "{{record}}" } },
                                        "results": { "items": "results", "error": "/e", "status": "/s" } } },
                  "empty": {} }""";
        List<SettingError> errors = http(Map.of(HttpSettings.BASE_URL, "ftp://api.example.com", ObjectsParser.OBJECTS, objects,
                Auth.AUTH, "oauth2", Auth.CLIENT_ID, "id", Delivery.MAX_CONCURRENCY, "0", Delivery.MAX_RETRIES, "many"));
        assertThat(errors).extracting(SettingError::setting).containsExactlyInAnyOrder(
                "base_url",
                "token_url",
                "client_secret",
                "max_concurrency",
                "max_retries",
                "objects.contacts.added.colour",
                "objects.contacts.added.method",
                "objects.contacts.added.results",
                "objects.contacts.changed.url",
                "objects.contacts.changed.method",
                "objects.contacts.changed.body",
                "objects.contacts.changed.body",
                "objects.contacts.removed.headers.Host",
                "objects.contacts.removed.headers.X-Key",
                "objects.contacts.removed.batch.size",
                "objects.contacts.removed.batch.format",
                "objects.deals.added.url",
                "objects.deals.added.batch.envelope",
                "objects.deals.added.batch.envelope",
                "objects.deals.added.results",
                "objects.deals.added.results.items",
                "objects.empty");
        assertThat(errors).extracting(SettingError::setting, SettingError::message).contains(
                tuple("objects.contacts.added.method", "\"GOT\" is not a method Tidemark sends; use one of POST, PUT, PATCH, DELETE"),
                tuple("objects.contacts.removed.headers.X-Key", "{{secret.token}} names token, which is not set; add token to the connection"),
                tuple("objects.deals.added.url", "a batch request carries several records, so its URL cannot name a field ({{id}}); name fields in the body"),
                tuple("objects.contacts.changed.body", "{{records}} belongs in batch.envelope (the array of a batch request's records); in a body use {{record}}"),
                tuple("objects.deals.added.batch.envelope", "must hold \"{{records}}\" exactly once, where the array of records goes (it holds it 0 times)"),
                tuple("max_retries", "expected a whole number from 0 to 100, got \"many\""));
    }

    @Test
    void objectsMustBeAMapping() {
        assertThat(http(Map.of(HttpSettings.BASE_URL, "https://api.example.com", ObjectsParser.OBJECTS, "[1, 2]")))
                .extracting(SettingError::setting).containsExactly("objects");
        assertThat(http(Map.of(HttpSettings.BASE_URL, "https://api.example.com")))
                .extracting(SettingError::setting).containsExactly("objects");
    }

    @Test
    void eachAuthenticationNeedsItsOwnSettings() {
        String objects = "{\"c\": {\"added\": {\"method\": \"PUT\", \"url\": \"/c\"}}}";
        assertThat(http(Map.of(HttpSettings.BASE_URL, "https://a.example.com", ObjectsParser.OBJECTS, objects, Auth.AUTH, "bearer")))
                .extracting(SettingError::setting, SettingError::message).containsExactly(tuple("token", "required for auth bearer"));
        assertThat(http(Map.of(HttpSettings.BASE_URL, "https://a.example.com", ObjectsParser.OBJECTS, objects, Auth.AUTH, "basic")))
                .extracting(SettingError::setting).containsExactly("username", "password");
        assertThat(http(Map.of(HttpSettings.BASE_URL, "https://a.example.com", ObjectsParser.OBJECTS, objects, Auth.AUTH, "api_key",
                Auth.API_KEY, "k", Auth.API_KEY_HEADER, "X Key"))).extracting(SettingError::setting).containsExactly("api_key_header");
        assertThat(http(Map.of(HttpSettings.BASE_URL, "https://a.example.com", ObjectsParser.OBJECTS, objects, Auth.AUTH, "kerberos")))
                .extracting(SettingError::setting).containsExactly("auth");
    }

    @Test
    void aSecretWithALineBreakOrWhatAHeaderCannotCarryIsAnErrorThatNeverShowsIt() {
        String objects = """
                { "c": { "added": { "method": "PUT", "url": "/c", "headers": { "X-Pass": "{{secret.password}}" } } },
                  "d": { "added": { "method": "PUT", "url": "/d", "headers": { "X-Note": "déjà \u20ac" } } } }""";
        List<SettingError> errors = http(Map.of(HttpSettings.BASE_URL, "https://a.example.com", ObjectsParser.OBJECTS, objects,
                Auth.AUTH, "bearer", Auth.TOKEN, "t0ken-value\n", Auth.PASSWORD, "pässwörd€", Auth.CLIENT_SECRET, "sec\tret"));
        assertThat(errors).extracting(SettingError::setting, SettingError::message).containsExactlyInAnyOrder(
                tuple("token", "ends with a line break; remove the trailing line break (a value read from a file or a command often "
                        + "brings one along)"),
                tuple("password", "holds a character beyond Latin-1 (above U+00FF), which an HTTP header cannot carry; check that "
                        + "the secret was copied whole and unchanged"),
                tuple("client_secret", "holds a line break, tab or other control character, which no credential has; remove it"),
                tuple("objects.d.added.headers.X-Note", "holds a character beyond Latin-1 (above U+00FF), which an HTTP header cannot "
                        + "carry; remove it"));
        assertThat(errors).extracting(SettingError::message).noneMatch(m -> m.contains("t0ken") || m.contains("sswö") || m.contains("sec\tret"));

        assertThat(http(Map.of(HttpSettings.BASE_URL, "https://a.example.com", ObjectsParser.OBJECTS, "{\"c\": {\"added\": {\"method\": "
                + "\"PUT\", \"url\": \"/c\"}}}", Auth.AUTH, "basic", Auth.USERNAME, "ann", Auth.PASSWORD, "pässwörd€")))
                .as("a password goes base64-encoded, so any character will do").isEmpty();
        assertThat(capture(Map.of(CaptureSettings.URL, "https://us.i.posthog.com", CaptureSettings.API_KEY, "phc_key\r\n")))
                .extracting(SettingError::setting).containsExactly("api_key");
    }

    @Test
    void everyProblemOfACaptureConnectionIsReportedAtOnce() {
        assertThat(capture(Map.of(CaptureSettings.URL, "https://us.i.posthog.com", CaptureSettings.API_KEY, "phc"))).isEmpty();
        assertThat(capture(Map.of(CaptureSettings.URL, "posthog", CaptureSettings.HISTORICAL_MIGRATION, "yes",
                CaptureSettings.BATCH_SIZE, "0", Delivery.REQUESTS_PER_SECOND, "-1")))
                .extracting(SettingError::setting)
                .containsExactlyInAnyOrder("url", "api_key", "historical_migration", "batch_size", "requests_per_second");
    }
}
