package io.tidemark.api;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/** What the engine lends a connector: the clock to use and the workspace folder relative paths resolve in. */
public record ConnectorContext(Clock clock, Path workspaceDir) {
    public ConnectorContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(workspaceDir, "workspaceDir");
    }
}
