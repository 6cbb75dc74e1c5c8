package io.tidemark.server.security;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What an API token may do. Each scope includes the ones below it: {@code admin} ⊃ {@code operator} ⊃ {@code read-only}.
 */
public enum Scope implements io.javalin.security.RouteRole {
    /** Read configuration, runs and the audit trail. */
    READ_ONLY("read-only", 0),
    /** Also operate syncs: run, cancel, pause, resume, resync. */
    OPERATOR("operator", 1),
    /** Also change configuration and manage tokens. */
    ADMIN("admin", 2);

    private final String configName;
    private final int rank;

    Scope(String configName, int rank) {
        this.configName = configName;
        this.rank = rank;
    }

    /** The name used in configuration, the CLI and the API, e.g. {@code read-only}. */
    public String configName() {
        return configName;
    }

    /** True when a token with this scope may do what needs {@code required}. */
    public boolean allows(Scope required) {
        return rank >= required.rank;
    }

    /**
     * The scope with this configuration name.
     *
     * @throws TidemarkException {@link ErrorCode#CONFIG_INVALID} listing the valid names
     */
    public static Scope fromConfigName(String name) {
        for (Scope scope : values()) {
            if (scope.configName.equals(name)) return scope;
        }
        throw new TidemarkException(ErrorCode.CONFIG_INVALID, "unknown token scope \"" + name + "\"; use one of: "
                + Arrays.stream(values()).map(Scope::configName).collect(Collectors.joining(", ")));
    }
}
