package io.tidemark.server.security;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class ApiTokensTest {
    @Test
    void newTokenIsThePrefixAndThirtyTwoRandomBytesInUnpaddedBase64Url() {
        String token = ApiTokens.newToken();

        assertThat(token).matches("tmk_[A-Za-z0-9_-]{43}");
        assertThat(Base64.getUrlDecoder().decode(token.substring(4))).hasSize(32);
        assertThat(token).isNotEqualTo(ApiTokens.newToken());
    }

    @Test
    void hashIsTheHexSha256OfTheToken() {
        assertThat(ApiTokens.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        String token = ApiTokens.newToken();
        assertThat(ApiTokens.hash(token)).isEqualTo(ApiTokens.hash(token)).isNotEqualTo(ApiTokens.hash(ApiTokens.newToken()));
    }

    @Test
    void bearerReadsTheTokenOfABearerHeader() {
        String token = ApiTokens.newToken();

        assertThat(ApiTokens.bearer("Bearer " + token)).contains(token);
        assertThat(ApiTokens.bearer("bearer " + token)).contains(token);
        assertThat(ApiTokens.bearer("Bearer abc+/=")).contains("abc+/=");
    }

    @Test
    void bearerRejectsAnythingButExactlyOneBearerToken() {
        for (String header : new String[] {null, "", "Bearer", "Bearer ", "Bearer  tmk_a", " Bearer tmk_a", "Bearer tmk_a ",
                "Bearer tmk_a tmk_b", "Basic dXNlcjpwYXNz", "Bearertmk_a", "Bearer tmk_a\n", "Bearer tmk_ä", "Bearer =abc"}) {
            assertThat(ApiTokens.bearer(header)).as("header %s", header).isEmpty();
        }
    }
}
