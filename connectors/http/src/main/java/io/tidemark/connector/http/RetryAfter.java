package io.tidemark.connector.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The {@code Retry-After} header (RFC 9110 §10.2.3): a number of seconds or an HTTP date. */
final class RetryAfter {
    /**
     * The longest wait a run accepts. A longer one (a daily quota used up, say) would hold the run, and the sync's lock,
     * for longer than is useful: the run fails instead, and the next one sends the records again.
     */
    static final Duration LONGEST = Duration.ofMinutes(10);

    private RetryAfter() {}

    /** The wait the header asks for from {@code now}; empty when absent or unreadable, zero for a date already past. */
    static Optional<Duration> parse(Optional<String> header, Instant now) {
        if (header.isEmpty()) return Optional.empty();
        String value = header.get().trim();
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            } catch (NumberFormatException tooLong) {
                return Optional.empty();
            }
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
