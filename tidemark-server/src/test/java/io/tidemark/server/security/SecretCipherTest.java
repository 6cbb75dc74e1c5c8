package io.tidemark.server.security;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import io.tidemark.server.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SecretCipherTest {
    private static final String CONTEXT = "connections.app.password";
    private final String key = SecretCipher.newKey();
    private final SecretCipher cipher = fromEnv(key);

    private static SecretCipher fromEnv(String key) {
        return SecretCipher.load(Map.of(SecretCipher.KEY_ENV, key)::get, Optional.empty()).orElseThrow();
    }

    private static String keyIdOf(String base64Key) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(base64Key));
        return HexFormat.of().formatHex(digest).substring(0, 8);
    }

    private static TidemarkException keyError(Runnable action) {
        try {
            action.run();
        } catch (TidemarkException e) {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.SECRET_KEY_INVALID);
            return e;
        }
        throw new AssertionError("expected a secret_key_invalid error");
    }

    @Test
    void sealedValueOpensToThePlaintextWithTheSameContext() {
        String sealed = cipher.seal("pä$$wörd 🔑", CONTEXT);

        assertThat(cipher.open(sealed, CONTEXT)).isEqualTo("pä$$wörd 🔑");
    }

    @Test
    void sealedValueNamesTheKeyIdAndHidesThePlaintext() throws Exception {
        String sealed = cipher.seal("s3cret", CONTEXT);

        assertThat(sealed).matches("enc:v1:[0-9a-f]{8}:[A-Za-z0-9_-]+").doesNotContain("s3cret");
        assertThat(sealed.split(":")[2]).isEqualTo(keyIdOf(key)).isEqualTo(cipher.keyId());
        assertThat(SecretCipher.isSealed(sealed)).isTrue();
        // 12-byte IV + 6 bytes of ciphertext + 16-byte tag
        assertThat(Base64.getUrlDecoder().decode(sealed.split(":")[3])).hasSize(12 + 6 + 16);
    }

    @Test
    void sealingTheSameValueTwiceGivesDifferentTextsBecauseEachHasItsOwnIv() {
        assertThat(cipher.seal("same", CONTEXT)).isNotEqualTo(cipher.seal("same", CONTEXT));
    }

    @Test
    void valueSealedForOneFieldDoesNotOpenInAnother() {
        String sealed = cipher.seal("s3cret", "connections.app.password");

        TidemarkException e = keyError(() -> cipher.open(sealed, "connections.crm.password"));
        assertThat(e).hasMessage("connections.crm.password: the sealed value does not decrypt with the configured key: "
                + "it was altered, or sealed for another field; give the value again");
    }

    @Test
    void valueSealedWithAnotherKeyNamesBothKeyIdsButNeitherKey() {
        String otherKey = SecretCipher.newKey();
        SecretCipher other = fromEnv(otherKey);
        String sealed = other.seal("s3cret", CONTEXT);

        TidemarkException e = keyError(() -> cipher.open(sealed, CONTEXT));
        assertThat(e).hasMessage(CONTEXT + " was sealed with key id " + other.keyId() + " but the configured secret key has id "
                + cipher.keyId() + "; set TIDEMARK_SECRET_KEY to the key that sealed it, or give the value again");
        assertThat(e.getMessage()).doesNotContain(key).doesNotContain(otherKey).doesNotContain("s3cret");
    }

    @Test
    void alteredCiphertextIsRejectedRatherThanOpened() {
        String sealed = cipher.seal("s3cret", CONTEXT);
        int i = sealed.lastIndexOf(':') + 20; // inside the ciphertext, past the IV
        String tampered = sealed.substring(0, i) + (sealed.charAt(i) == 'A' ? 'B' : 'A') + sealed.substring(i + 1);

        assertThat(keyError(() -> cipher.open(tampered, CONTEXT)).getMessage()).contains("it was altered");
    }

    @Test
    void truncatedValueIsRejectedAsAltered() {
        String sealed = cipher.seal("s3cret", CONTEXT);
        String truncated = sealed.substring(0, sealed.lastIndexOf(':') + 10);

        assertThat(keyError(() -> cipher.open(truncated, CONTEXT)).getMessage()).contains("it was altered");
    }

    @Test
    void textThatIsNotASealedValueIsRejectedWithoutEchoingIt() {
        TidemarkException e = keyError(() -> cipher.open("hunter2", CONTEXT));

        assertThat(e).hasMessage(CONTEXT + " is not a sealed value (expected enc:v1:<key id>:<data>); give the value again");
    }

    @Test
    void valueOfAnUnknownFormatVersionAsksForAnUpgrade() {
        String v2 = cipher.seal("s3cret", CONTEXT).replace("enc:v1:", "enc:v2:");

        assertThat(SecretCipher.isSealed(v2)).isTrue();
        assertThat(keyError(() -> cipher.open(v2, CONTEXT)).getMessage()).contains("format v2").contains("upgrade Tidemark");
    }

    @Test
    void isSealedRecognisesOnlyTheSealedShape() {
        assertThat(SecretCipher.isSealed("enc:v1:0a1b2c3d:AAAA")).isTrue();
        assertThat(SecretCipher.isSealed("enc:secret")).isFalse();
        assertThat(SecretCipher.isSealed("enc:v1:XYZ:AAAA")).isFalse();
        assertThat(SecretCipher.isSealed("${PGPASSWORD}")).isFalse();
        assertThat(SecretCipher.isSealed(null)).isFalse();
    }

    @Test
    void noKeyConfiguredMeansNoCipher() {
        assertThat(SecretCipher.load(Map.<String, String>of()::get, Optional.empty())).isEmpty();
    }

    @Test
    void newKeyIsBase64OfThirtyTwoRandomBytes() {
        String a = SecretCipher.newKey();

        assertThat(Base64.getDecoder().decode(a)).hasSize(32);
        assertThat(a).isNotEqualTo(SecretCipher.newKey());
    }

    @Test
    void keyThatIsNotBase64SaysHowToMakeOneWithoutEchoingIt() {
        TidemarkException e = keyError(() -> fromEnv("not*base64!"));

        assertThat(e).hasMessage("TIDEMARK_SECRET_KEY is not valid base64; generate one with `tidemark secret-key` "
                + "(or `openssl rand -base64 32`)");
    }

    @Test
    void keyOfTheWrongLengthSaysHowLongItMustBe() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);

        assertThat(keyError(() -> fromEnv(shortKey)).getMessage())
                .startsWith("TIDEMARK_SECRET_KEY decodes to 16 bytes but an AES-256 key is exactly 32 bytes; generate one with")
                .doesNotContain(shortKey);
    }

    @Test
    void emptyKeyIsAnErrorNotAMissingKey() {
        assertThat(keyError(() -> fromEnv(" ")).getMessage()).startsWith("TIDEMARK_SECRET_KEY is empty;");
    }

    @Test
    void keyFileIsReadWithSurroundingWhitespaceIgnored(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret.key"), "\n  " + key + "  \n");

        SecretCipher fromFile = SecretCipher.load(Map.<String, String>of()::get, Optional.of(file)).orElseThrow();

        assertThat(fromFile.keyId()).isEqualTo(cipher.keyId());
        assertThat(fromFile.open(cipher.seal("s3cret", CONTEXT), CONTEXT)).isEqualTo("s3cret");
    }

    @Test
    void keyFileTakesPrecedenceOverTheEnvironmentAndTheIgnoredKeyIsNamed(@TempDir Path dir) throws Exception {
        String fileKey = SecretCipher.newKey();
        Path file = Files.writeString(dir.resolve("secret.key"), fileKey);

        try (LogCapture logs = LogCapture.of(SecretCipher.class)) {
            SecretCipher loaded = SecretCipher.load(Map.of(SecretCipher.KEY_ENV, key)::get, Optional.of(file)).orElseThrow();

            assertThat(loaded.keyId()).isEqualTo(fromEnv(fileKey).keyId()).isNotEqualTo(cipher.keyId());
            assertThat(logs.messages()).containsExactly("TIDEMARK_SECRET_KEY (key id " + cipher.keyId() + ") is ignored: "
                    + "the secret key file " + file + " (key id " + loaded.keyId() + ") takes precedence");
            assertThat(String.join("\n", logs.messages())).doesNotContain(key).doesNotContain(fileKey);
        }
    }

    @Test
    void sameKeyInFileAndEnvironmentIsNotWorthAWarning(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret.key"), key);

        try (LogCapture logs = LogCapture.of(SecretCipher.class)) {
            SecretCipher.load(Map.of(SecretCipher.KEY_ENV, key)::get, Optional.of(file)).orElseThrow();

            assertThat(logs.messages()).isEmpty();
        }
    }

    @Test
    void missingKeyFileIsNamed(@TempDir Path dir) {
        Path file = dir.resolve("absent.key");

        assertThat(keyError(() -> SecretCipher.load(Map.<String, String>of()::get, Optional.of(file))).getMessage())
                .startsWith("secret key file " + file + " does not exist; check the path, or generate one with");
    }

    @Test
    void unreadableKeyFileIsNamed(@TempDir Path dir) {
        assertThat(keyError(() -> SecretCipher.load(Map.<String, String>of()::get, Optional.of(dir))).getMessage())
                .startsWith("cannot read secret key file " + dir + " (");
    }

    @Test
    void malformedKeyFileIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret.key"), "abc");

        assertThat(keyError(() -> SecretCipher.load(Map.<String, String>of()::get, Optional.of(file))).getMessage())
                .startsWith("secret key file " + file + " decodes to 2 bytes");
    }

    @Test
    void toStringShowsTheKeyIdOnly() {
        assertThat(cipher).hasToString("SecretCipher[keyId=" + cipher.keyId() + "]");
    }
}
