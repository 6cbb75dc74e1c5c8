package io.tidemark.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.api.ConfigField;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class WorkspaceSecretsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, ConfigSpec> SPECS = Map.of(
            "postgres", ConfigSpec.of(
                    ConfigField.required("url", ConfigField.Type.STRING, "jdbc url"),
                    ConfigField.optional("user", ConfigField.Type.STRING, null, "user"),
                    ConfigField.secret("password", "the user's password")),
            "duckdb", ConfigSpec.of(ConfigField.required("path", ConfigField.Type.PATH, "database file")));
    private static final Function<String, Set<String>> SECRET_FIELDS =
            WorkspaceSecrets.secretFieldsOf(type -> Optional.ofNullable(SPECS.get(type)));

    private final SecretCipher cipher = cipher(SecretCipher.newKey());
    private final WorkspaceSecrets secrets = new WorkspaceSecrets(SECRET_FIELDS, Optional.of(cipher));
    private final WorkspaceSecrets keyless = new WorkspaceSecrets(SECRET_FIELDS, Optional.empty());

    private static SecretCipher cipher(String key) {
        return SecretCipher.load(Map.of(SecretCipher.KEY_ENV, key)::get, Optional.empty()).orElseThrow();
    }

    private static ObjectNode doc(String json) {
        try {
            return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode app(String password) {
        return doc("{'connections': {'app': {'type': 'postgres', 'url': 'jdbc:postgresql://db/app', 'password': " + password + "}},"
                + " 'syncs': {'orders': {'model': 'orders'}}}");
    }

    private static String password(ObjectNode doc) {
        return doc.path("connections").path("app").path("password").asText();
    }

    private static ObjectNode empty() {
        return JSON.createObjectNode();
    }

    private static TidemarkException error(ErrorCode code, Runnable action) {
        try {
            action.run();
        } catch (TidemarkException e) {
            assertThat(e.errorCode()).isEqualTo(code);
            return e;
        }
        throw new AssertionError("expected a " + code.code() + " error");
    }

    @Test
    void sealEncryptsLiteralSecretsForTheirFieldAndLeavesEverythingElseAlone() {
        ObjectNode proposed = app("'s3cret'");
        ObjectNode before = proposed.deepCopy();

        ObjectNode sealed = secrets.seal(proposed, empty());

        assertThat(SecretCipher.isSealed(password(sealed))).isTrue();
        assertThat(cipher.open(password(sealed), "connections.app.password")).isEqualTo("s3cret");
        assertThat(sealed.toString()).doesNotContain("s3cret");
        ((ObjectNode) sealed.path("connections").path("app")).put("password", "s3cret");
        assertThat(sealed).isEqualTo(before);
        assertThat(proposed).isEqualTo(before);
    }

    @Test
    void sealKeepsEnvReferencesAsTheyAreEvenWithoutAKey() {
        assertThat(password(keyless.seal(app("'${PGPASSWORD}'"), empty()))).isEqualTo("${PGPASSWORD}");
        assertThat(password(secrets.seal(app("'${PGPASSWORD}'"), empty()))).isEqualTo("${PGPASSWORD}");
    }

    @Test
    void sealTreatsAValueThatOnlyContainsAReferenceAsALiteralAndUnsealRestoresIt() {
        ObjectNode sealed = secrets.seal(app("'pre-${PGPASSWORD}'"), empty());

        assertThat(SecretCipher.isSealed(password(sealed))).isTrue();
        assertThat(password(secrets.unseal(sealed))).isEqualTo("pre-${PGPASSWORD}");
    }

    @Test
    void sealingTwiceKeepsTheSealedValue() {
        ObjectNode once = secrets.seal(app("'s3cret'"), empty());

        assertThat(secrets.seal(once, empty())).isEqualTo(once);
    }

    @Test
    void sealSealsNonTextLiteralsAsTheirText() {
        ObjectNode sealed = secrets.seal(app("12345"), empty());

        assertThat(cipher.open(password(sealed), "connections.app.password")).isEqualTo("12345");
    }

    @Test
    void sealRejectsAValueSealedWithAnotherKeyNamingBothKeyIds() {
        SecretCipher other = cipher(SecretCipher.newKey());
        ObjectNode foreign = new WorkspaceSecrets(SECRET_FIELDS, Optional.of(other)).seal(app("'s3cret'"), empty());

        TidemarkException e = error(ErrorCode.SECRET_KEY_INVALID, () -> secrets.seal(foreign, empty()));
        assertThat(e).hasMessageContaining("connections.app.password was sealed with key id " + other.keyId()
                + " but the configured secret key has id " + cipher.keyId());
    }

    @Test
    void sealRejectsASealedValueCopiedFromAnotherConnection() {
        String crmPassword = cipher.seal("crm-secret", "connections.crm.password");

        TidemarkException e = error(ErrorCode.SECRET_KEY_INVALID, () -> secrets.seal(app("'" + crmPassword + "'"), empty()));
        assertThat(e).hasMessageStartingWith("connections.app.password: the sealed value does not decrypt");
    }

    @Test
    void placeholderKeepsTheStoredSealedValue() {
        ObjectNode stored = secrets.seal(app("'s3cret'"), empty());

        ObjectNode sealed = secrets.seal(app("'********'"), stored);

        assertThat(password(sealed)).isEqualTo(password(stored));
    }

    @Test
    void placeholderKeepsAStoredEnvReference() {
        assertThat(password(keyless.seal(app("'********'"), app("'${PGPASSWORD}'")))).isEqualTo("${PGPASSWORD}");
    }

    @Test
    void placeholderWithNothingStoredNamesTheField() {
        TidemarkException e = error(ErrorCode.CONFIG_INVALID, () -> secrets.seal(app("'********'"), empty()));

        assertThat(e).hasMessage("connections.app.password is ******** but no value is stored; give the value or a ${ENV} reference");
    }

    @Test
    void placeholderTakesTheValueOfTheSameConnectionOnly() {
        ObjectNode stored = secrets.seal(doc("{'connections': {'crm': {'type': 'postgres', 'password': 'x'}}}"), empty());

        TidemarkException e = error(ErrorCode.CONFIG_INVALID, () -> secrets.seal(app("'********'"), stored));
        assertThat(e).hasMessageStartingWith("connections.app.password is ********");
    }

    @Test
    void literalSecretsWithoutAKeyAreRefusedAllAtOnce() {
        ObjectNode proposed = doc("{'connections': {'app': {'type': 'postgres', 'password': 'a'},"
                + " 'crm': {'type': 'postgres', 'password': 'b'}, 'wh': {'type': 'duckdb', 'path': 'wh.duckdb'}}}");

        TidemarkException e = error(ErrorCode.SECRET_KEY_INVALID, () -> keyless.seal(proposed, empty()));
        assertThat(e).hasMessage("connections.app.password, connections.crm.password hold secrets in clear text but no secret "
                + "key is configured to encrypt them; set TIDEMARK_SECRET_KEY (see `tidemark secret-key`) or use a ${ENV} reference");
    }

    @Test
    void mistakesInTheDocumentAreReportedTogetherWithKeyProblemsAsAConfigError() {
        ObjectNode proposed = doc("{'connections': {'app': {'type': 'postgres', 'password': '********'},"
                + " 'crm': {'type': 'postgres', 'password': 'b'}}}");

        TidemarkException e = error(ErrorCode.CONFIG_INVALID, () -> keyless.seal(proposed, empty()));
        assertThat(e.getMessage()).contains("connections.app.password is ********").contains("connections.crm.password holds a secret");
    }

    @Test
    void secretThatIsNotASingleValueIsAConfigError() {
        TidemarkException e = error(ErrorCode.CONFIG_INVALID, () -> secrets.seal(app("{'a': 'b'}"), empty()));

        assertThat(e).hasMessage("connections.app.password is a secret and must be a single value, not a mapping");
    }

    @Test
    void redactHidesSealedAndLiteralSecretsButShowsReferencesAndOtherFields() {
        ObjectNode doc = doc("{'connections': {"
                + "'app': {'type': 'postgres', 'url': 'jdbc:postgresql://db/app', 'password': 'plain'},"
                + "'crm': {'type': 'postgres', 'password': '${CRM_PASSWORD}'},"
                + "'old': {'type': 'postgres', 'password': '" + cipher.seal("x", "connections.old.password") + "'}}}");

        ObjectNode redacted = keyless.redact(doc);

        assertThat(redacted).isEqualTo(doc("{'connections': {"
                + "'app': {'type': 'postgres', 'url': 'jdbc:postgresql://db/app', 'password': '********'},"
                + "'crm': {'type': 'postgres', 'password': '${CRM_PASSWORD}'},"
                + "'old': {'type': 'postgres', 'password': '********'}}}"));
    }

    @Test
    void redactedDocumentSentBackKeepsEveryStoredSecret() {
        ObjectNode stored = secrets.seal(app("'s3cret'"), empty());

        assertThat(secrets.seal(secrets.redact(stored), stored)).isEqualTo(stored);
    }

    @Test
    void unsealRestoresThePlaintextForTheLoader() {
        ObjectNode stored = secrets.seal(app("'s3cret'"), empty());

        assertThat(secrets.unseal(stored)).isEqualTo(app("'s3cret'"));
        assertThat(SecretCipher.isSealed(password(stored))).isTrue();
    }

    @Test
    void unsealWithoutAKeyNamesEveryEncryptedField() {
        ObjectNode stored = secrets.seal(app("'s3cret'"), empty());

        TidemarkException e = error(ErrorCode.SECRET_KEY_INVALID, () -> keyless.unseal(stored));
        assertThat(e).hasMessage("connections.app.password is encrypted but no secret key is configured; set TIDEMARK_SECRET_KEY "
                + "to the key that encrypted it (or give the value again)");
    }

    @Test
    void containsSealedFindsSealedValuesOnly() {
        assertThat(secrets.containsSealed(secrets.seal(app("'s3cret'"), empty()))).isTrue();
        assertThat(secrets.containsSealed(app("'${PGPASSWORD}'"))).isFalse();
        assertThat(secrets.containsSealed(app("'plain'"))).isFalse();
        assertThat(secrets.containsSealed(empty())).isFalse();
    }

    @Test
    void unknownConnectorTypesTreatCommonSecretNamesAsSecretsAndNothingElse() {
        ObjectNode proposed = doc("{'connections': {'api': {'type': 'salesforce', 'password': 'p', 'secret': 's',"
                + " 'token': 't', 'api_key': 'k', 'client_id': 'visible'}}}");

        ObjectNode redacted = secrets.redact(proposed);

        assertThat(redacted).isEqualTo(doc("{'connections': {'api': {'type': 'salesforce', 'password': '********',"
                + " 'secret': '********', 'token': '********', 'api_key': '********', 'client_id': 'visible'}}}"));
    }

    @Test
    void knownConnectorTypesFollowTheirSpec() {
        ObjectNode proposed = doc("{'connections': {'wh': {'type': 'duckdb', 'path': 'wh.duckdb', 'token': 'not-a-field'}}}");

        assertThat(secrets.redact(proposed)).isEqualTo(proposed);
    }

    @Test
    void sealedValueInAFieldThatIsNotSecretIsStillTreatedAsSealed() {
        String sealedUrl = cipher.seal("jdbc:postgresql://u:p@db/app", "connections.app.url");
        ObjectNode doc = doc("{'connections': {'app': {'type': 'postgres', 'url': '" + sealedUrl + "'}}}");

        assertThat(secrets.containsSealed(doc)).isTrue();
        assertThat(secrets.redact(doc).path("connections").path("app").path("url").asText()).isEqualTo("********");
        assertThat(secrets.unseal(doc).path("connections").path("app").path("url").asText()).isEqualTo("jdbc:postgresql://u:p@db/app");
    }

    @Test
    void documentsWithoutConnectionsPassThrough() {
        ObjectNode doc = doc("{'syncs': {'orders': {'model': 'orders'}}, 'connections': {'broken': 'not a mapping'}}");

        assertThat(secrets.seal(doc, empty())).isEqualTo(doc);
        assertThat(secrets.redact(doc)).isEqualTo(doc);
    }
}
