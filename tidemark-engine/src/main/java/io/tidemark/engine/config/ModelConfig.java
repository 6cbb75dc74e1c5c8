package io.tidemark.engine.config;

import io.tidemark.api.ModelSpec;

/** A model: what is read from a source connection. */
public record ModelConfig(String connection, ModelSpec spec) {
    public String name() { return spec.name(); }
}
