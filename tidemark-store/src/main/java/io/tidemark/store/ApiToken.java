package io.tidemark.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An API token as the store knows it: its name and scope, never the token nor its hash. A revoked token keeps its
 * record (and its name).
 *
 * @param scope what the token may do; the server defines the scopes
 */
public record ApiToken(long id, String name, String scope, Instant createdAt, Optional<Instant> revokedAt) {
    public ApiToken {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
    }

    /** True until the token is revoked. */
    public boolean active() {
        return revokedAt.isEmpty();
    }
}
