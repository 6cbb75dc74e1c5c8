package io.tidemark.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API tokens: {@code tmk_} followed by 32 random bytes in unpadded base64url. The prefix makes a leaked token easy to
 * recognise (secret scanners, logs). Only {@link #hash(String) hashes} are stored; the token is shown once, when made.
 */
public final class ApiTokens {
    private static final String PREFIX = "tmk_";
    private static final int TOKEN_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** RFC 6750 {@code b64token} after a single space; the scheme name is case-insensitive (RFC 9110 §11.1). */
    private static final Pattern BEARER = Pattern.compile("(?i:Bearer) ([A-Za-z0-9\\-._~+/]+=*)");

    private ApiTokens() {}

    /** A new token with 256 bits from a {@link SecureRandom}. */
    public static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The stored form of a token: lower-case hex SHA-256 of its UTF-8 bytes. A fast hash is right here, unlike for
     * passwords: slow, salted hashes (bcrypt, Argon2) exist to make guessing low-entropy passwords expensive, but a
     * token carries 256 random bits, so no amount of hashing speed makes guessing it feasible. A fast, unsalted hash
     * also keeps each request cheap and lets the server find a token by an indexed lookup of its hash.
     */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header. Anything else (no header, another scheme, extra
     * spaces, a second token, characters a bearer token cannot hold) is empty, so a malformed header is never half-read.
     */
    public static Optional<String> bearer(String authorizationHeader) {
        if (authorizationHeader == null) return Optional.empty();
        Matcher m = BEARER.matcher(authorizationHeader);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
