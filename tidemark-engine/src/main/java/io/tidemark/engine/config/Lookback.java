package io.tidemark.engine.config;

import java.math.BigDecimal;
import java.time.Duration;

/** A cursor look-back window: a duration for temporal cursors, an amount for numeric ones. */
public sealed interface Lookback {
    record Span(Duration duration) implements Lookback {}

    record Amount(BigDecimal amount) implements Lookback {}
}
