package io.tidemark.connector.http;

import io.tidemark.api.ConfigField;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** How requests prove who sends them ({@code auth:} of an {@code http} connection). */
sealed interface Auth {
    String AUTH = "auth";
    String TOKEN = "token";
    String USERNAME = "username";
    String PASSWORD = "password";
    String API_KEY = "api_key";
    String API_KEY_HEADER = "api_key_header";
    String TOKEN_URL = "token_url";
    String CLIENT_ID = "client_id";
    String CLIENT_SECRET = "client_secret";
    String SCOPE = "scope";

    List<ConfigField> FIELDS = List.of(
            ConfigField.optional(AUTH, ConfigField.Type.ENUM, "none", "none, bearer, basic, api_key or oauth2"),
            ConfigField.secret(TOKEN, "bearer: the token sent as \"Authorization: Bearer …\""),
            ConfigField.optional(USERNAME, ConfigField.Type.STRING, null, "basic: the user name"),
            ConfigField.secret(PASSWORD, "basic: the password"),
            ConfigField.secret(API_KEY, "api_key: the key, sent in the api_key_header header"),
            ConfigField.optional(API_KEY_HEADER, ConfigField.Type.STRING, "X-Api-Key", "api_key: the header carrying the key"),
            ConfigField.optional(TOKEN_URL, ConfigField.Type.STRING, null, "oauth2: the token endpoint (client credentials grant)"),
            ConfigField.optional(CLIENT_ID, ConfigField.Type.STRING, null, "oauth2: the client id"),
            ConfigField.secret(CLIENT_SECRET, "oauth2: the client secret"),
            ConfigField.optional(SCOPE, ConfigField.Type.STRING, null, "oauth2: the scope asked for (space-separated), if the API wants one"));

    /** The secret settings, which templates may reference as {@code {{secret.NAME}}}. */
    List<String> SECRETS = List.of(TOKEN, PASSWORD, API_KEY, CLIENT_SECRET);

    record None() implements Auth {}

    record Bearer(String token) implements Auth {}

    record Basic(String username, String password) implements Auth {}

    record ApiKey(String header, String key) implements Auth {}

    /** OAuth2 client credentials (RFC 6749 §4.4): a token fetched from {@code tokenUrl}, cached until it expires. */
    record OAuth2(URI tokenUrl, String clientId, String clientSecret, Optional<String> scope) implements Auth {
        /** The client's credentials for the token endpoint's {@code Basic} header: id and secret form-encoded (§2.3.1). */
        String basicCredentials() { return basic(formEncoded(clientId), formEncoded(clientSecret)); }
    }

    /** {@code application/x-www-form-urlencoded} encoding, as RFC 6749 asks for the client's id, secret and scope. */
    static String formEncoded(String value) { return URLEncoder.encode(value, StandardCharsets.UTF_8); }

    /** {@code user:password} in base64, as the {@code Basic} scheme sends it (RFC 7617). */
    static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The credentials in the encoded form they are sent in, which masking must know besides the secrets themselves: the
     * base64 of a {@code Basic} header (user and password; the OAuth2 client's id and secret).
     */
    default List<String> encodedSecrets() {
        return switch (this) {
            case Basic b -> List.of(basic(b.username(), b.password()));
            case OAuth2 o -> List.of(o.basicCredentials());
            case None n -> List.of();
            case Bearer b -> List.of();
            case ApiKey k -> List.of();
        };
    }

    /** The secret setting this authentication sends in a header as it is (not encoded), if any. */
    default Optional<String> secretInHeader() {
        return switch (this) {
            case Bearer b -> Optional.of(TOKEN);
            case ApiKey k -> Optional.of(API_KEY);
            case None n -> Optional.empty();
            case Basic b -> Optional.empty();
            case OAuth2 o -> Optional.empty();
        };
    }

    /** What a person should check when the API refuses the credentials. */
    default String credentialsHint() {
        return switch (this) {
            case None n -> "the API wants credentials: set auth (bearer, basic, api_key or oauth2) and its settings";
            case Bearer b -> "check token";
            case Basic b -> "check username and password";
            case ApiKey k -> "check api_key (sent in header " + k.header() + ")";
            case OAuth2 o -> "a freshly fetched token was refused too: check client_id, client_secret and scope, and what the client may access";
        };
    }

    static Auth read(SettingsReader settings) {
        String kind = settings.optional(AUTH).orElse("none").trim().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "none" -> new None();
            case "bearer" -> new Bearer(settings.required(TOKEN, "for auth bearer"));
            case "basic" -> new Basic(settings.required(USERNAME, "for auth basic"), settings.required(PASSWORD, "for auth basic"));
            case "api_key" -> new ApiKey(settings.required(API_KEY_HEADER, "for auth api_key").trim(), settings.required(API_KEY, "for auth api_key"));
            case "oauth2" -> new OAuth2(settings.httpUrl(TOKEN_URL, "for auth oauth2 (the token endpoint)"),
                    settings.required(CLIENT_ID, "for auth oauth2"), settings.required(CLIENT_SECRET, "for auth oauth2"),
                    settings.optional(SCOPE).map(String::trim));
            default -> {
                settings.error(AUTH, "\"" + kind + "\" is not an authentication Tidemark knows; use none, bearer, basic, api_key or oauth2");
                yield new None();
            }
        };
    }
}
