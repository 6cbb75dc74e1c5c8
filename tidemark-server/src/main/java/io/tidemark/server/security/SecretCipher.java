package io.tidemark.server.security;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Encrypts connection secrets at rest with AES-256-GCM. A sealed value reads
 * {@code enc:v1:<keyId>:<base64url(iv || ciphertext+tag)>}: a fresh random 12-byte IV per value, a 128-bit tag, and
 * a key id (the first 8 hex digits of SHA-256 of the key) so that a value sealed with another key is reported as
 * such instead of as damaged. The caller's context (e.g. {@code connections.app.password}) is bound to the value as
 * GCM additional data: a sealed value copied into another field does not decrypt there.
 *
 * <p>The key is 32 random bytes, base64-encoded ({@link #newKey()}). Neither the key nor any plaintext ever appears
 * in a message, a log line or {@link #toString()}; the key id does, since it identifies a key without revealing it.
 * Instances are immutable and thread-safe.
 */
public final class SecretCipher {
    /** The environment variable that holds the key. */
    public static final String KEY_ENV = "TIDEMARK_SECRET_KEY";

    private static final Logger log = LoggerFactory.getLogger(SecretCipher.class);
    private static final String PREFIX = "enc:";
    private static final String VERSION = "v1";
    private static final Pattern SEALED = Pattern.compile("enc:(v[0-9]+):([0-9a-f]{8}):([A-Za-z0-9_-]+={0,2})");
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final String HOW_TO_MAKE_A_KEY = "generate one with `tidemark secret-key` (or `openssl rand -base64 32`)";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String keyId;

    private SecretCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES"); // keeps its own copy
        this.keyId = idOf(key);
        Arrays.fill(key, (byte) 0);
    }

    /**
     * The configured cipher, or empty when no key is configured. The key comes from the key file when one is given,
     * otherwise from {@value #KEY_ENV}: an explicit file (a command-line option) is more specific than an inherited
     * environment. When both are given and hold different keys, a warning names both key ids, because values sealed
     * with the ignored key will not open.
     *
     * @param env     reads an environment variable ({@code System::getenv} in production)
     * @param keyFile a file holding the base64 key; surrounding whitespace is ignored
     * @throws TidemarkException {@link ErrorCode#SECRET_KEY_INVALID} when the file cannot be read or the chosen key is
     *                           not the base64 of exactly 32 bytes
     */
    public static Optional<SecretCipher> load(Function<String, String> env, Optional<Path> keyFile) {
        String fromEnv = env.apply(KEY_ENV);
        if (keyFile.isEmpty()) {
            return Optional.ofNullable(fromEnv).map(text -> new SecretCipher(decodeKey(text, KEY_ENV)));
        }
        SecretCipher cipher = new SecretCipher(decodeKey(readKeyFile(keyFile.get()), "secret key file " + keyFile.get()));
        if (fromEnv != null) {
            String envKeyId = decodeKeyQuietly(fromEnv).map(SecretCipher::new).map(SecretCipher::keyId).orElse("(not a valid key)");
            if (!envKeyId.equals(cipher.keyId)) {
                log.warn("{} (key id {}) is ignored: the secret key file {} (key id {}) takes precedence",
                        KEY_ENV, envKeyId, keyFile.get(), cipher.keyId);
            }
        }
        return Optional.of(cipher);
    }

    /** A new random key in the form {@link #load} reads: base64 of 32 random bytes. */
    public static String newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** True when the value has the shape of a sealed value (of any format version), whichever key sealed it. */
    public static boolean isSealed(String value) {
        return value != null && SEALED.matcher(value).matches();
    }

    /** Identifies the key without revealing it: the first 8 hex digits of its SHA-256. */
    public String keyId() {
        return keyId;
    }

    /**
     * Encrypts a value for storage.
     *
     * @param context where the value lives, e.g. {@code connections.app.password}; {@link #open} needs the same one
     */
    public String seal(String plaintext, String context) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, iv, context);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] payload = ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
            return PREFIX + VERSION + ":" + keyId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed; the JDK's crypto provider is broken", e);
        }
    }

    /**
     * Decrypts a value made by {@link #seal} with this key and the same context.
     *
     * @throws TidemarkException {@link ErrorCode#SECRET_KEY_INVALID} naming the context when the value is not a sealed
     *                           value, was sealed with another key (both key ids are named), or was altered or
     *                           sealed for another context
     */
    public String open(String sealed, String context) {
        Matcher m = SEALED.matcher(sealed);
        if (!m.matches()) {
            throw invalid(context + " is not a sealed value (expected enc:v1:<key id>:<data>); give the value again");
        }
        if (!m.group(1).equals(VERSION)) {
            throw invalid(context + " was sealed in format " + m.group(1) + ", which this Tidemark version cannot read; "
                    + "upgrade Tidemark or give the value again");
        }
        if (!m.group(2).equals(keyId)) {
            throw invalid(context + " was sealed with key id " + m.group(2) + " but the configured secret key has id " + keyId
                    + "; set " + KEY_ENV + " to the key that sealed it, or give the value again");
        }
        byte[] payload;
        try {
            payload = Base64.getUrlDecoder().decode(m.group(3));
        } catch (IllegalArgumentException e) {
            throw undecryptable(context);
        }
        if (payload.length < IV_BYTES + TAG_BITS / 8) throw undecryptable(context);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(payload, IV_BYTES), context);
            byte[] plain = cipher.doFinal(payload, IV_BYTES, payload.length - IV_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw undecryptable(context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed; the JDK's crypto provider is broken", e);
        }
    }

    @Override
    public String toString() {
        return "SecretCipher[keyId=" + keyId + "]";
    }

    private Cipher cipher(int mode, byte[] iv, String context) throws GeneralSecurityException {
        // A Cipher is stateful and not thread-safe; one per call is cheap next to the work it does.
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static TidemarkException undecryptable(String context) {
        return invalid(context + ": the sealed value does not decrypt with the configured key: it was altered, or sealed "
                + "for another field; give the value again");
    }

    private static String readKeyFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw invalid("secret key file " + file + " does not exist; check the path, or " + HOW_TO_MAKE_A_KEY, e);
        } catch (AccessDeniedException e) {
            throw invalid("secret key file " + file + " is not readable by this process; fix its owner or permissions", e);
        } catch (IOException e) {
            // The exception names the file and the OS reason; it cannot contain the key, which was never read.
            throw invalid("cannot read secret key file " + file + " (" + e + "); check the path and permissions", e);
        }
    }

    private static byte[] decodeKey(String text, String source) {
        if (text.isBlank()) throw invalid(source + " is empty; " + HOW_TO_MAKE_A_KEY);
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw invalid(source + " is not valid base64; " + HOW_TO_MAKE_A_KEY);
        }
        if (key.length != KEY_BYTES) {
            throw invalid(source + " decodes to " + key.length + " bytes but an AES-256 key is exactly " + KEY_BYTES + " bytes; "
                    + HOW_TO_MAKE_A_KEY);
        }
        return key;
    }

    private static Optional<byte[]> decodeKeyQuietly(String text) {
        try {
            return Optional.of(decodeKey(text, KEY_ENV));
        } catch (TidemarkException e) {
            return Optional.empty();
        }
    }

    private static String idOf(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private static TidemarkException invalid(String message) {
        return new TidemarkException(ErrorCode.SECRET_KEY_INVALID, message);
    }

    private static TidemarkException invalid(String message, Throwable cause) {
        return new TidemarkException(ErrorCode.SECRET_KEY_INVALID, message, cause);
    }
}
