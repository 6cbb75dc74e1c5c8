package io.tidemark.engine.config;

/** One problem in a workspace file: where ({@code syncs.orders_to_wh.cursor_field}) and what to do. */
public record ConfigError(String file, String keyPath, String message) {
    @Override
    public String toString() { return file + ": " + keyPath + ": " + message; }
}
