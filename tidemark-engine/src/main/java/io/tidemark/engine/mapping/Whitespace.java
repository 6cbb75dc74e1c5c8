package io.tidemark.engine.mapping;

/**
 * Whitespace as people type it, Unicode included: {@link String#strip} misses the no-break space (U+00A0, common in
 * exported text), so blank checks and trimming here count every Unicode space separator as whitespace too.
 */
final class Whitespace {
    private Whitespace() {}

    static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
    }

    /** True for the empty string and for strings of whitespace only. */
    static boolean isBlank(String text) {
        return text.codePoints().allMatch(Whitespace::isSpace);
    }

    /** {@code text} without leading and trailing whitespace. */
    static String strip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isSpace(text.codePointAt(start))) start += Character.charCount(text.codePointAt(start));
        while (end > start && isSpace(text.codePointBefore(end))) end -= Character.charCount(text.codePointBefore(end));
        return text.substring(start, end);
    }
}
