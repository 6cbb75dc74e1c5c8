package io.tidemark.engine.config;

import io.tidemark.api.ConnectorConfig;

/**
 * A connection: its connector type and validated, secret-resolved configuration (whose toString redacts).
 *
 * @param syncLogs runs of syncs into this destination also write {@code tidemark_sync_runs} and
 *                 {@code tidemark_sync_changes} into it
 */
public record ConnectionConfig(String name, String type, ConnectorConfig config, boolean syncLogs) {}
