package io.tidemark.connector.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand; safe to read from several threads. */
final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    MutableClock(Instant start) { this.now = new AtomicReference<>(start); }

    MutableClock() { this(Instant.parse("2026-03-01T12:00:00Z")); }

    void advance(Duration duration) { now.updateAndGet(instant -> instant.plus(duration)); }

    @Override
    public Instant instant() { return now.get(); }

    @Override
    public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override
    public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException("tests use UTC"); }
}
