package io.tidemark.engine.mapping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A {@code field_mapping} entry whose key holds {@code *} ({@code "*"}, {@code "initial_*"}): it sends the model columns
 * it takes under their own names. Which columns those are depends on the model, so a pattern is resolved when the
 * mapping is compiled against the model's schema ({@link RowMapping#compile}): a column no entry names goes to the
 * first pattern whose glob matches it, and that pattern sends it unless it lists it under {@code except}.
 *
 * @param glob      the key: {@code *} stands for any run of characters (none included), every other character for itself
 * @param group     when present, each column is sent as {@code group.column}
 * @param dropEmpty whether empty or whitespace-only text and NaN are sent as null
 * @param except    columns the pattern takes but never sends, in the order given (equality ignores the order)
 */
public record ColumnPattern(String glob, Optional<String> group, boolean dropEmpty, Set<String> except) {
    /** The character that makes a {@code field_mapping} key a pattern. */
    private static final char WILDCARD = '*';

    public ColumnPattern {
        Objects.requireNonNull(glob, "glob");
        if (!isPattern(glob)) throw new IllegalArgumentException("a pattern holds " + WILDCARD + ", and " + glob + " does not");
        Objects.requireNonNull(group, "group");
        except = Collections.unmodifiableSet(new LinkedHashSet<>(except));
    }

    /** Whether a {@code field_mapping} key is a pattern rather than a column (or a constant's or template's field). */
    public static boolean isPattern(String key) { return key.indexOf(WILDCARD) >= 0; }

    /**
     * The pattern of {@code patterns} that takes {@code column}, a column no entry names: the first whose glob matches
     * it, whether or not it sends it.
     */
    public static Optional<ColumnPattern> taking(List<ColumnPattern> patterns, String column) {
        return patterns.stream().filter(p -> p.matches(column)).findFirst();
    }

    /** Whether the glob matches {@code column} (whether or not the pattern excepts it). */
    public boolean matches(String column) { return matches(glob, column); }

    /**
     * Whether every name this pattern's glob matches is matched by {@code earlier}'s too, so that after {@code earlier}
     * this pattern takes nothing.
     */
    public boolean isCoveredBy(ColumnPattern earlier) {
        // Our glob matched as text: a `*` of ours can only be absorbed by a `*` of earlier's, which then absorbs whatever
        // ours stands for too. Sufficient, not necessary: a pattern refused as dead is dead, some dead ones pass.
        return matches(earlier.glob, glob);
    }

    /** What decides which columns the pattern sends (its glob and except), without how it sends them. */
    public ColumnPattern selection() { return new ColumnPattern(glob, Optional.empty(), false, except); }

    /** The destination field a taken column is sent as. */
    public String field(String column) { return group.map(g -> g + "." + column).orElse(column); }

    /** As the workspace would write it: {@code {group: $set, drop_empty: true, except: [id]}}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        group.ifPresent(g -> parts.add("group: " + Yaml.scalar(g)));
        if (dropEmpty) parts.add("drop_empty: true");
        if (!except.isEmpty()) parts.add("except: " + except.stream().map(Yaml::scalar).collect(Collectors.joining(", ", "[", "]")));
        return "{" + String.join(", ", parts) + "}";
    }

    /**
     * Glob matching with {@code *} only: linear in practice, backtracking to the last {@code *} on a mismatch (which
     * is all a glob without other wildcards ever needs).
     */
    private static boolean matches(String glob, String text) {
        int g = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (g < glob.length() && glob.charAt(g) == WILDCARD) {
                star = g++;
                resume = t;
            } else if (g < glob.length() && glob.charAt(g) == text.charAt(t)) {
                g++;
                t++;
            } else if (star >= 0) {
                g = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == WILDCARD) g++;
        return g == glob.length();
    }
}
