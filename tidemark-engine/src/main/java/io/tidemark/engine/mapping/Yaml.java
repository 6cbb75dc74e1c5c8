package io.tidemark.engine.mapping;

import java.util.Set;
import java.util.regex.Pattern;

/** Values written back as flow YAML, for showing a mapping as the workspace would hold it (settings changes, plans). */
final class Yaml {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$./\\-]*");
    /** Plain words YAML would read as something other than text. */
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");

    private Yaml() {}

    /** A scalar: numbers and booleans as they are, text plain when YAML would read it back as the same text, else quoted. */
    static String scalar(Object value) {
        if (value == null) return "null";
        if (!(value instanceof String text)) return value.toString();
        if (PLAIN.matcher(text).matches() && !RESERVED.contains(text.toLowerCase(java.util.Locale.ROOT))) return text;
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
