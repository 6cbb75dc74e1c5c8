package io.tidemark.connector.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Masks secrets in text shown to a person (requests in {@code test-row}, error messages, logs): every secret setting's
 * value, the base64 credentials of a {@code Basic} header, and every token an OAuth2 token endpoint issued at run time
 * (access, refresh and id tokens), as written, JSON-escaped and percent-encoded (the forms in which a template puts
 * it into a body or a URL), become {@value #MASK}.
 */
final class Masker {
    static final String MASK = "******";
    /**
     * Issued tokens remembered: those of the current token answer and of a few earlier ones still quoted by requests
     * in flight (an answer holds up to three: access, refresh and id token).
     */
    private static final int TOKENS_KEPT = 12;

    private final List<String> fixed;
    /** Guarded by this; the forms to mask are republished whole on each change. */
    private final Deque<String> recentTokens = new ArrayDeque<>();
    private volatile List<String> tokenForms = List.of();

    /** @param secrets the values to mask, as they are set and in any encoded form they are sent in */
    Masker(Collection<String> secrets) { this.fixed = forms(secrets); }

    /** Masks {@code tokens}, issued by a token endpoint, from now on. */
    synchronized void addTokens(Collection<String> tokens) {
        for (String token : tokens) {
            if (recentTokens.contains(token)) continue;
            recentTokens.addFirst(token);
            if (recentTokens.size() > TOKENS_KEPT) recentTokens.removeLast();
        }
        tokenForms = forms(recentTokens);
    }

    String mask(String text) {
        if (text == null || text.isEmpty()) return text;
        String masked = text;
        for (String s : fixed) masked = masked.replace(s, MASK);
        for (String s : tokenForms) masked = masked.replace(s, MASK);
        return masked;
    }

    /**
     * {@code text} masked, then cut to {@code limit} characters with a note of how many were left out. In this order:
     * a cut made first could split a secret, leaving a part the masking no longer recognises.
     */
    String maskAndShorten(String text, int limit) {
        if (text == null) return "";
        String masked = mask(text);
        return masked.length() <= limit ? masked : masked.substring(0, limit) + "… (" + (masked.length() - limit) + " more characters)";
    }

    private static List<String> forms(Collection<String> secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) continue;
            forms.add(secret);
            forms.add(new String(JsonStringEncoder.getInstance().quoteAsString(secret)));
            forms.add(Templates.percentEncode(secret));
        }
        // Longest first, so that a secret containing another is masked whole.
        return forms.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }
}
