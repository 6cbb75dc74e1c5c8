package io.tidemark.connector.http;

import io.tidemark.api.ConfigField;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ConnectorConfig;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings of an {@code http} connection, checked as a whole.
 *
 * @param secrets the secret settings that are set, by name: what {@code {{secret.NAME}}} stands for and what is masked
 */
record HttpSettings(URI baseUrl, Auth auth, Map<String, String> secrets, Delivery delivery, Map<String, ApiObject> objects) {
    static final String BASE_URL = "base_url";

    static final ConfigSpec SPEC;

    static {
        List<ConfigField> fields = new ArrayList<>();
        fields.add(ConfigField.required(BASE_URL, ConfigField.Type.STRING, "the API's root URL; object URLs are relative to it"));
        fields.addAll(Auth.FIELDS);
        fields.addAll(Delivery.FIELDS);
        fields.add(ConfigField.required(ObjectsParser.OBJECTS, ConfigField.Type.OBJECT,
                "the API objects syncs write to (their table), each with the request of added, changed and removed records"));
        SPEC = new ConfigSpec(fields);
    }

    HttpSettings {
        secrets = Map.copyOf(secrets);
        objects = Map.copyOf(objects);
    }

    static Checked<HttpSettings> read(ConnectorConfig config) {
        SettingsReader settings = new SettingsReader(config);
        URI baseUrl = settings.httpUrl(BASE_URL, "(the API's root URL, e.g. https://api.example.com/v3)");
        Auth auth = Auth.read(settings);
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String name : Auth.SECRETS) settings.optional(name).ifPresent(v -> secrets.put(name, v));
        Delivery delivery = Delivery.read(settings);
        if (auth instanceof Auth.ApiKey key) {
            ObjectsParser.headerNameProblem(key.header()).ifPresent(p -> settings.error(Auth.API_KEY_HEADER, p));
        }
        Map<String, ApiObject> objects = ObjectsParser.parse(settings, baseUrl, secrets.keySet());
        Set<String> inHeaders = secretsInHeaders(auth, objects.values());
        secrets.forEach((name, value) -> settings.secret(name, value, inHeaders.contains(name)));
        return settings.result(() -> new HttpSettings(baseUrl, auth, secrets, delivery, objects));
    }

    /** The secrets a header carries as they are: the credential of bearer or api_key, and those header templates name. */
    private static Set<String> secretsInHeaders(Auth auth, Collection<ApiObject> objects) {
        Set<String> names = new HashSet<>();
        auth.secretInHeader().ifPresent(names::add);
        for (ApiObject object : objects) {
            for (ApiObject.Request request : object.requests().values()) {
                for (ApiObject.Header header : request.headers()) {
                    header.value().names().forEach(n -> {
                        if (n instanceof Template.Secret s) names.add(s.setting());
                    });
                }
            }
        }
        return names;
    }
}
