package io.tidemark.engine.config;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * When a sync or a sequence runs by itself ({@code schedule:} in the workspace). A schedule only computes due
 * instants; the server's scheduler decides what to do with them (a missed slot runs once on start-up).
 */
public sealed interface Schedule {
    /**
     * The first due instant strictly after {@code now}; empty for schedules that are not due by time ({@link Manual},
     * {@link After}) and for a cron expression that never fires again.
     *
     * @param spread a stable per-owner number (a hash of the sync's name): {@link Interval}s are offset by it so that
     *               many syncs on one interval do not all start in the same second; ignored by the other kinds
     */
    Optional<Instant> nextAfter(Instant now, long spread);

    /** A short human description: {@code every 15min}, {@code cron 0 3 * * 1-5 (Europe/Berlin)}, {@code after orders_to_wh}. */
    String describe();

    /** Runs only when asked (the default). */
    record Manual() implements Schedule {
        @Override public Optional<Instant> nextAfter(Instant now, long spread) { return Optional.empty(); }

        @Override public String describe() { return "manual"; }
    }

    /**
     * Every {@code every}, at the instants {@code k * every + (spread mod every)} counted from the epoch in whole
     * seconds: the same slots on every node and after every restart.
     */
    record Interval(Duration every) implements Schedule {
        /** The intervals the workspace accepts, by their YAML names. */
        public static final Map<String, Duration> NAMED = named();

        public Interval {
            Objects.requireNonNull(every, "every");
            if (every.isNegative() || every.isZero() || every.getNano() != 0) {
                throw new IllegalArgumentException("an interval is a positive number of whole seconds, got " + every);
            }
        }

        private static Map<String, Duration> named() {
            Map<String, Duration> named = new LinkedHashMap<>();
            for (int minutes : new int[] {1, 5, 15, 30}) named.put(minutes + "min", Duration.ofMinutes(minutes));
            for (int hours : new int[] {1, 6, 12, 24}) named.put(hours + "hour", Duration.ofHours(hours));
            for (int days : new int[] {7, 30}) named.put(days + "day", Duration.ofDays(days));
            return java.util.Collections.unmodifiableMap(named);
        }

        @Override
        public Optional<Instant> nextAfter(Instant now, long spread) {
            long period = every.getSeconds();
            long offset = Math.floorMod(spread, period);
            // The last slot at or before now's whole second; the next one is strictly after now, whatever its nanos.
            long slot = Math.floorDiv(now.getEpochSecond() - offset, period) * period + offset;
            return Optional.of(Instant.ofEpochSecond(slot + period));
        }

        @Override
        public String describe() {
            return "every " + NAMED.entrySet().stream().filter(e -> e.getValue().equals(every)).map(Map.Entry::getKey)
                    .findFirst().orElseGet(() -> every.getSeconds() + "s");
        }
    }

    /**
     * A Unix cron expression in a time zone: five fields (minute hour day-of-month month day-of-week) or six with
     * leading seconds, as Spring writes them. When day-of-month and day-of-week are both restricted, either matching
     * is enough (Unix semantics). A time skipped by a daylight-saving change does not fire that day; a repeated one
     * fires once.
     *
     * @throws IllegalArgumentException when the expression is not valid, with the parser's reason
     */
    record Cron(String expression, ZoneId zone) implements Schedule {
        private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
        private static final CronParser UNIX_WITH_SECONDS = new CronParser(unixWithSeconds());

        public Cron {
            Objects.requireNonNull(expression, "expression");
            Objects.requireNonNull(zone, "zone");
            expression = expression.trim().replaceAll("\\s+", " ");
            executionTime(expression);
        }

        /** Unix cron with a leading seconds field, so five and six fields mean the same apart from seconds. */
        private static CronDefinition unixWithSeconds() {
            return CronDefinitionBuilder.defineCron()
                    .withSeconds().withStrictRange().and()
                    .withMinutes().withStrictRange().and()
                    .withHours().withStrictRange().and()
                    .withDayOfMonth().withStrictRange().and()
                    .withMonth().withStrictRange().and()
                    .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()
                    .instance();
        }

        private static ExecutionTime executionTime(String expression) {
            int fields = expression.isEmpty() ? 0 : expression.split(" ").length;
            CronParser parser = switch (fields) {
                case 5 -> UNIX;
                case 6 -> UNIX_WITH_SECONDS;
                default -> throw new IllegalArgumentException("expected 5 fields (minute hour day-of-month month day-of-week) "
                        + "or 6 with leading seconds, got " + fields);
            };
            return ExecutionTime.forCron(parser.parse(expression));
        }

        @Override
        public Optional<Instant> nextAfter(Instant now, long spread) {
            return executionTime(expression).nextExecution(now.atZone(zone)).map(ZonedDateTime::toInstant);
        }

        @Override
        public String describe() { return "cron " + expression + " (" + zone.getId() + ")"; }
    }

    /**
     * Every day at a local time. A time skipped by a daylight-saving change runs at the moment after the gap (02:30
     * becomes 03:30 on the spring change in Europe/Berlin); a repeated one runs once, at its first occurrence.
     */
    record Daily(LocalTime at, ZoneId zone) implements Schedule {
        public Daily {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(zone, "zone");
        }

        @Override
        public Optional<Instant> nextAfter(Instant now, long spread) { return Optional.of(nextLocal(now, zone, at, day -> true)); }

        @Override
        public String describe() { return "daily " + at + " " + zone.getId(); }
    }

    /** Every week on a day at a local time; daylight-saving changes as for {@link Daily}. */
    record Weekly(DayOfWeek day, LocalTime at, ZoneId zone) implements Schedule {
        public Weekly {
            Objects.requireNonNull(day, "day");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(zone, "zone");
        }

        @Override
        public Optional<Instant> nextAfter(Instant now, long spread) {
            return Optional.of(nextLocal(now, zone, at, date -> date.getDayOfWeek() == day));
        }

        @Override
        public String describe() {
            return "weekly " + day.name().substring(0, 3).toLowerCase(Locale.ROOT) + " " + at + " " + zone.getId();
        }
    }

    /** Runs when another sync's run has succeeded; never due by time. */
    record After(String sync) implements Schedule {
        public After {
            Objects.requireNonNull(sync, "sync");
        }

        @Override public Optional<Instant> nextAfter(Instant now, long spread) { return Optional.empty(); }

        @Override public String describe() { return "after " + sync; }
    }

    /**
     * The first {@code at} on a day accepted by {@code days}, in {@code zone}, strictly after {@code now}. java.time
     * places a local time that falls into a gap after the gap, and one that falls into an overlap at its earlier
     * offset.
     */
    private static Instant nextLocal(Instant now, ZoneId zone, LocalTime at, Predicate<LocalDate> days) {
        for (LocalDate date = now.atZone(zone).toLocalDate(); ; date = date.plusDays(1)) {
            if (!days.test(date)) continue;
            Instant due = ZonedDateTime.of(date, at, zone).toInstant();
            if (due.isAfter(now)) return due;
        }
    }
}
