package io.tidemark.engine.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The YAML forms of a {@link Schedule}, read from a {@code schedule:} value of a sync or a sequence:
 * <pre>
 * schedule: manual
 * schedule: 15min                                            # 1min 5min 15min 30min 1hour 6hour 12hour 24hour 7day 30day
 * schedule: { cron: "0 3 * * 1-5", time_zone: Europe/Berlin } # 5 fields, or 6 with leading seconds; time_zone defaults to UTC
 * schedule: { daily: "02:30", time_zone: Europe/Berlin }      # time_zone required
 * schedule: { weekly: "mon 02:30", time_zone: UTC }           # time_zone required
 * schedule: { after: other_sync }                            # syncs only
 * </pre>
 */
final class ScheduleSyntax {
    private static final Set<String> KINDS = Set.of("cron", "daily", "weekly", "after");
    private static final String TIME = "([01]?\\d|2[0-3]):([0-5]\\d)";
    private static final Pattern DAILY = Pattern.compile(TIME);
    private static final Pattern WEEKLY = Pattern.compile("([A-Za-z]+)\\s+" + TIME);
    private static final String TIME_ZONE = "time_zone";
    /** Cron's default zone: the region {@code UTC}, so descriptions say UTC (not Z). */
    private static final ZoneId UTC = ZoneId.of("UTC");

    private ScheduleSyntax() {}

    /**
     * Reads {@code node} (the value of {@code schedule:} at {@code path}); problems go to {@code error} as (key path,
     * message) and make the result empty. An absent or null node is {@link Schedule.Manual}.
     *
     * @param allowAfter whether {@code after:} is allowed here (syncs: yes, sequences: no); references are checked by
     *                   the caller, which knows the syncs
     */
    static Optional<Schedule> read(JsonNode node, String path, boolean allowAfter, BiConsumer<String, String> error) {
        if (node == null || node.isNull()) return Optional.of(new Schedule.Manual());
        if (node.isTextual()) return text(node.asText().trim(), path, error);
        if (!node.isObject()) {
            error.accept(path, "expected manual, an interval (" + intervals() + ") or a mapping such as "
                    + "{ daily: \"02:30\", time_zone: UTC }");
            return Optional.empty();
        }
        List<String> kinds = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(k -> {
            if (KINDS.contains(k)) kinds.add(k);
            else if (!k.equals(TIME_ZONE)) unknown.add(k);
        });
        unknown.forEach(k -> error.accept(path + "." + k, "unknown setting; a schedule has one of cron, daily, weekly, after, "
                + "and time_zone"));
        if (kinds.size() != 1) {
            error.accept(path, kinds.isEmpty() ? "set one of cron, daily, weekly or after (or write manual or an interval such as 15min)"
                    : "set only one of " + String.join(", ", kinds));
            return Optional.empty();
        }
        String kind = kinds.getFirst();
        String at = path + "." + kind;
        JsonNode value = node.get(kind);
        if (!value.isTextual() || value.asText().isBlank()) {
            error.accept(at, switch (kind) {
                case "daily" -> "expected a quoted time of day such as \"02:30\"";
                case "weekly" -> "expected a day and a quoted time of day such as \"mon 02:30\"";
                case "after" -> "expected the name of a sync";
                default -> "expected a quoted cron expression such as \"0 3 * * 1-5\"";
            });
            return Optional.empty();
        }
        String text = value.asText().trim();
        if (kind.equals("after")) {
            if (!allowAfter) {
                error.accept(at, "a sequence starts by time or by hand; to run a sync after another, list both in the sequence's syncs");
                return Optional.empty();
            }
            if (node.has(TIME_ZONE)) {
                error.accept(path + "." + TIME_ZONE, "an after schedule runs when the other sync succeeded, at no time of day; remove time_zone");
                return Optional.empty();
            }
            return Optional.of(new Schedule.After(text));
        }
        Optional<ZoneId> zone = zone(node, path, kind, error);
        return switch (kind) {
            case "cron" -> cron(text, at, zone, error);
            case "daily" -> daily(text, at, zone, error);
            default -> weekly(text, at, zone, error);
        };
    }

    /** The accepted interval names, for messages. */
    static String intervals() { return String.join(", ", Schedule.Interval.NAMED.keySet()); }

    private static Optional<Schedule> text(String text, String path, BiConsumer<String, String> error) {
        if (text.equals("manual")) return Optional.of(new Schedule.Manual());
        if (Schedule.Interval.NAMED.containsKey(text)) return Optional.of(new Schedule.Interval(Schedule.Interval.NAMED.get(text)));
        error.accept(path, "unknown schedule \"" + text + "\"; use manual, one of the intervals " + intervals()
                + (text.contains(" ") || text.contains("*")
                ? ", or write a cron expression as { cron: \"" + text + "\", time_zone: UTC }"
                : ", or a mapping: { cron: \"0 3 * * *\", time_zone: UTC }, { daily: \"02:30\", time_zone: UTC }, "
                + "{ weekly: \"mon 02:30\", time_zone: UTC } or { after: other_sync }"));
        return Optional.empty();
    }

    /** The schedule's zone: required for times of day, UTC by default for cron; empty after an error. */
    private static Optional<ZoneId> zone(JsonNode node, String path, String kind, BiConsumer<String, String> error) {
        JsonNode value = node.get(TIME_ZONE);
        if (value == null || value.isNull()) {
            if (kind.equals("cron")) return Optional.of(UTC);
            error.accept(path + "." + TIME_ZONE, "required for a " + kind + " schedule: a time of day means nothing without a "
                    + "zone; add time_zone: UTC or an IANA name such as Europe/Berlin");
            return Optional.empty();
        }
        try {
            return Optional.of(ZoneId.of(value.asText().trim()));
        } catch (DateTimeException e) {
            error.accept(path + "." + TIME_ZONE, "unknown time zone \"" + value.asText() + "\"; use UTC or an IANA name such as "
                    + "Europe/Berlin or America/New_York");
            return Optional.empty();
        }
    }

    private static Optional<Schedule> cron(String text, String path, Optional<ZoneId> zone, BiConsumer<String, String> error) {
        Schedule.Cron cron;
        try {
            cron = new Schedule.Cron(text, zone.orElse(UTC));
        } catch (IllegalArgumentException e) {
            error.accept(path, "not a valid cron expression \"" + text + "\" (" + e.getMessage() + "); write 5 fields, minute hour "
                    + "day-of-month month day-of-week (e.g. \"0 3 * * 1-5\"), or 6 with leading seconds (\"30 0 3 * * 1-5\")");
            return Optional.empty();
        }
        if (cron.nextAfter(Instant.EPOCH, 0).isEmpty()) {
            error.accept(path, "the cron expression \"" + text + "\" never fires (no such date); check the day-of-month and month");
            return Optional.empty();
        }
        return zone.map(z -> cron);
    }

    private static Optional<Schedule> daily(String text, String path, Optional<ZoneId> zone, BiConsumer<String, String> error) {
        Matcher m = DAILY.matcher(text);
        if (!m.matches()) {
            error.accept(path, "expected a time of day as HH:MM, e.g. \"02:30\", got \"" + text + "\"");
            return Optional.empty();
        }
        LocalTime at = time(m, 1);
        return zone.map(z -> new Schedule.Daily(at, z));
    }

    private static Optional<Schedule> weekly(String text, String path, Optional<ZoneId> zone, BiConsumer<String, String> error) {
        Matcher m = WEEKLY.matcher(text);
        Optional<DayOfWeek> day = m.matches() ? day(m.group(1)) : Optional.empty();
        if (day.isEmpty()) {
            error.accept(path, "expected a day (mon, tue, wed, thu, fri, sat, sun) and a time of day as HH:MM, e.g. \"mon 02:30\", "
                    + "got \"" + text + "\"");
            return Optional.empty();
        }
        LocalTime at = time(m, 2);
        return zone.map(z -> new Schedule.Weekly(day.get(), at, z));
    }

    private static LocalTime time(Matcher m, int hourGroup) {
        return LocalTime.of(Integer.parseInt(m.group(hourGroup)), Integer.parseInt(m.group(hourGroup + 1)));
    }

    /** {@code mon} or {@code monday}, any case. */
    private static Optional<DayOfWeek> day(String text) {
        String name = text.toLowerCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            String full = d.name().toLowerCase(Locale.ROOT);
            if (name.equals(full) || name.equals(full.substring(0, 3))) return Optional.of(d);
        }
        return Optional.empty();
    }
}
