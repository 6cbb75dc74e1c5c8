package io.tidemark.engine;

import org.slf4j.MDC;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SLF4J MDC keys set for the extent of a run, so every log line it causes names the sync and the run; closing
 * restores what the keys held before (a run started from inside another's callback keeps the outer context).
 */
final class LogContext implements AutoCloseable {
    /** The sync's name. */
    static final String SYNC = "sync";
    /** The run's id. */
    static final String RUN = "run";

    private final Map<String, String> previous = new LinkedHashMap<>();

    private LogContext() {}

    static LogContext open() { return new LogContext(); }

    void put(String key, String value) {
        if (!previous.containsKey(key)) previous.put(key, MDC.get(key));
        MDC.put(key, value);
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) MDC.remove(key);
            else MDC.put(key, value);
        });
    }
}
