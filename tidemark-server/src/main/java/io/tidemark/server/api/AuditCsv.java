package io.tidemark.server.api;

import io.tidemark.store.AuditEvent;

import java.util.List;

/** The audit trail as CSV (RFC 4180): one row per event, before/after as the JSON the API shows. */
public final class AuditCsv {
    private static final String HEADER = "id,at,actor,action,target,before,after,detail";

    private AuditCsv() {}

    public static String write(List<AuditEvent> events) {
        StringBuilder out = new StringBuilder(HEADER).append("\r\n");
        for (AuditEvent e : events) {
            out.append(e.id()).append(',').append(e.at()).append(',').append(field(e.actor())).append(',').append(field(e.action()))
                    .append(',').append(field(e.target())).append(',').append(field(e.beforeJson().orElse("")))
                    .append(',').append(field(e.afterJson().orElse(""))).append(',').append(field(e.detail().orElse(""))).append("\r\n");
        }
        return out.toString();
    }

    /**
     * Quoted when needed; a leading {@code = + - @} is prefixed with a quote mark so a spreadsheet opening the file
     * does not run a formula someone put into a name or a value.
     */
    static String field(String value) {
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.indexOf(',') < 0 && safe.indexOf('"') < 0 && safe.indexOf('\n') < 0 && safe.indexOf('\r') < 0) return safe;
        return '"' + safe.replace("\"", "\"\"") + '"';
    }
}
