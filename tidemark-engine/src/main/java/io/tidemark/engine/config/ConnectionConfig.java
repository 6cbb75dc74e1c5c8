package io.tidemark.engine.config;

import io.tidemark.api.ConnectorConfig;

/** A connection: its connector type and validated, secret-resolved configuration (whose toString redacts). */
public record ConnectionConfig(String name, String type, ConnectorConfig config) {}
