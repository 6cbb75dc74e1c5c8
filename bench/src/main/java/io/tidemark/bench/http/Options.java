package io.tidemark.bench.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} command-line options of the benchmark's HTTP tools. Every problem (an unknown option, a missing
 * value, a value out of range) is collected, and {@link #validated} reports them all at once.
 */
final class Options {
    private final Map<String, String> values = new HashMap<>();
    private final List<String> errors = new ArrayList<>();

    private Options() {}

    /** Reads {@code args} as pairs {@code --name value}; names outside {@code known} (given without dashes) are errors. */
    static Options parse(String[] args, Set<String> known) {
        Options options = new Options();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2) : null;
            if (name == null || !known.contains(name)) {
                options.errors.add("unknown option " + arg + " (options: --" + String.join(", --", known.stream().sorted().toList()) + ")");
            } else if (i + 1 == args.length) {
                options.errors.add(arg + " needs a value");
            } else {
                options.values.put(name, args[++i]);
            }
        }
        return options;
    }

    long number(String name, long defaultValue, long min, long max) {
        String text = values.get(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text.replace("_", ""));
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        errors.add("--" + name + " " + text + ": expected a whole number from " + min + " to " + max);
        return defaultValue;
    }

    int integer(String name, int defaultValue, int min, int max) {
        return (int) number(name, defaultValue, min, max);
    }

    /** A duration given in milliseconds, at least 0. */
    Duration millis(String name, Duration defaultValue) {
        return Duration.ofMillis(number(name, defaultValue.toMillis(), 0, Long.MAX_VALUE / 1_000_000));
    }

    String text(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    /** The path given, or null when the option is absent. */
    Path path(String name) {
        String text = values.get(name);
        return text == null ? null : Path.of(text);
    }

    /** Records {@code message} as an error unless {@code holds}. */
    void require(boolean holds, String message) {
        if (!holds) {
            errors.add(message);
        }
    }

    /** Returns {@code value} when no error was recorded; throws an {@link IllegalArgumentException} listing every error otherwise. */
    <T> T validated(T value) {
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", errors));
        }
        return value;
    }
}
