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
 * value and every access token obtained at run time, as written, JSON-escaped and percent-encoded (the forms in which
 * a template puts it into a body or a URL), become {@value #MASK}.
 */
final class Masker {
    static final String MASK = "******";
    /** Access tokens remembered: the current one and a few earlier ones still quoted by requests in flight. */
    private static final int TOKENS_KEPT = 4;

    private final List<String> fixed;
    /** Guarded by this; the forms to mask are republished whole on each change. */
    private final Deque<String> recentTokens = new ArrayDeque<>();
    private volatile List<String> tokenForms = List.of();

    Masker(Collection<String> secrets) { this.fixed = forms(secrets); }

    /** Masks {@code token} from now on. */
    synchronized void addToken(String token) {
        if (recentTokens.contains(token)) return;
        recentTokens.addFirst(token);
        if (recentTokens.size() > TOKENS_KEPT) recentTokens.removeLast();
        tokenForms = forms(recentTokens);
    }

    String mask(String text) {
        if (text == null || text.isEmpty()) return text;
        String masked = text;
        for (String s : fixed) masked = masked.replace(s, MASK);
        for (String s : tokenForms) masked = masked.replace(s, MASK);
        return masked;
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
