package io.tidemark.jdbc;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code CREATE TABLE} statement a database keeps for a table, edited as text: given a new name and new declared
 * types for some columns, everything else (constraints, defaults, collations, options after the column list) stays
 * exactly as the database has it. Only the column list is parsed, by the grammar SQLite and DuckDB share: a column
 * definition is the column's name, then its type up to the first column-constraint keyword; a definition that starts
 * with a table-constraint keyword declares no column.
 */
final class CreateTableText {
    private static final Set<String> TABLE_CONSTRAINTS = Set.of("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN");
    private static final Set<String> COLUMN_CONSTRAINTS = Set.of("CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK",
            "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "AS", "USING");

    private enum Kind { WORD, QUOTED, OPEN, CLOSE, COMMA, OTHER }

    private record Token(Kind kind, int start, int end) {}

    private record Edit(int start, int end, String text) {}

    private CreateTableText() {}

    /**
     * {@code createTable} creating {@code newTable} (a name as SQL writes it) instead, with each widened column declared
     * with {@link Dialect#typeName} of its wider type.
     */
    static String retyped(Dialect dialect, String createTable, String newTable, List<Widening> widenings) {
        List<Token> tokens = tokenize(createTable);
        int open = 0;
        while (open < tokens.size() && tokens.get(open).kind() != Kind.OPEN) open++;
        if (open == tokens.size()) throw notUnderstood(createTable, "it has no column list");
        List<Edit> edits = new ArrayList<>();
        edits.add(new Edit(0, tokens.get(open).start(), "CREATE TABLE " + newTable + " "));
        List<Widening> pending = new ArrayList<>(widenings);
        int depth = 0;
        int definitionStart = open + 1;
        for (int i = open; i < tokens.size(); i++) {
            Kind kind = tokens.get(i).kind();
            if (kind == Kind.OPEN) depth++;
            else if (kind == Kind.CLOSE) depth--;
            boolean definitionEnds = depth == 1 && kind == Kind.COMMA || depth == 0 && kind == Kind.CLOSE;
            if (definitionEnds) {
                retype(dialect, createTable, tokens.subList(definitionStart, i), pending).ifPresent(edits::add);
                definitionStart = i + 1;
                if (depth == 0) break;
            }
        }
        if (!pending.isEmpty()) {
            throw notUnderstood(createTable, "column " + pending.getFirst().column().name() + " is not declared where Tidemark looks for it");
        }
        StringBuilder out = new StringBuilder(createTable);
        edits.stream().sorted(Comparator.comparingInt(Edit::start).reversed()).forEach(e -> out.replace(e.start(), e.end(), e.text()));
        return out.toString();
    }

    /** The edit declaring a widened column's new type, if {@code definition} declares one; takes it from {@code pending}. */
    private static Optional<Edit> retype(Dialect dialect, String sql, List<Token> definition, List<Widening> pending) {
        if (definition.isEmpty()) return Optional.empty();
        Token first = definition.getFirst();
        if (first.kind() == Kind.WORD && TABLE_CONSTRAINTS.contains(word(sql, first))) return Optional.empty();
        String name = name(sql, first);
        Optional<Widening> widening = pending.stream().filter(w -> TargetTable.sameName(dialect, w.column().name(), name)).findFirst();
        if (widening.isEmpty()) return Optional.empty();
        pending.remove(widening.get());
        String type = dialect.typeName(widening.get().type());
        int end = 1;
        for (int depth = 0; end < definition.size(); end++) {
            Token token = definition.get(end);
            if (token.kind() == Kind.OPEN) depth++;
            else if (token.kind() == Kind.CLOSE) depth--;
            else if (depth == 0 && token.kind() == Kind.WORD && COLUMN_CONSTRAINTS.contains(word(sql, token))) break;
        }
        return Optional.of(end == 1 ? new Edit(first.end(), first.end(), " " + type)
                : new Edit(definition.get(1).start(), definition.get(end - 1).end(), type));
    }

    private static String word(String sql, Token token) {
        return sql.substring(token.start(), token.end()).toUpperCase(Locale.ROOT);
    }

    /** A column name as written: bare, or quoted with {@code "}, {@code `}, {@code '} or {@code [ ]}. */
    private static String name(String sql, Token token) {
        String text = sql.substring(token.start(), token.end());
        if (token.kind() != Kind.QUOTED) return text;
        char quote = text.charAt(0);
        String inner = text.substring(1, text.length() - 1);
        return quote == '[' ? inner : inner.replace(String.valueOf(quote).repeat(2), String.valueOf(quote));
    }

    private static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (sql.startsWith("--", i)) {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (sql.startsWith("/*", i)) {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (c == '"' || c == '`' || c == '\'') {
                i = closingQuote(sql, i, c);
                tokens.add(new Token(Kind.QUOTED, start, i));
            } else if (c == '[') {
                // SQLite quotes identifiers in brackets; DuckDB writes array types so: neither holds a comma or parenthesis
                int close = sql.indexOf(']', i);
                if (close < 0) throw notUnderstood(sql, "a [ is not closed");
                i = close + 1;
                tokens.add(new Token(Kind.QUOTED, start, i));
            } else if (isWordChar(c)) {
                while (i < n && isWordChar(sql.charAt(i))) i++;
                tokens.add(new Token(Kind.WORD, start, i));
            } else {
                i++;
                tokens.add(new Token(c == '(' ? Kind.OPEN : c == ')' ? Kind.CLOSE : c == ',' ? Kind.COMMA : Kind.OTHER, start, i));
            }
        }
        return tokens;
    }

    /** The end of the quoted text starting at {@code open}; a doubled quote inside stands for one. */
    private static int closingQuote(String sql, int open, char quote) {
        int i = open + 1;
        while (true) {
            int close = sql.indexOf(quote, i);
            if (close < 0) throw notUnderstood(sql, "a " + quote + " is not closed");
            if (close + 1 < sql.length() && sql.charAt(close + 1) == quote) i = close + 2;
            else return close + 1;
        }
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127;
    }

    private static TidemarkException notUnderstood(String sql, String why) {
        return new TidemarkException(ErrorCode.INTERNAL, "cannot change column types in the table definition " + sql + ": " + why
                + "; change the column types yourself, or resync to recreate the table");
    }
}
