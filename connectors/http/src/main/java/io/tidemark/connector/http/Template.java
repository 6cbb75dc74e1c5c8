package io.tidemark.connector.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Text with {@code {{name}}} placeholders, parsed once when the settings load. A name is a mapped field
 * ({@code {{email}}}, {@code {{$set.email}}}), a secret setting ({@code {{secret.api_key}}}), the whole record
 * ({@code {{record}}}) or, in a batch envelope, the records of the request ({@code {{records}}}). Spaces inside the
 * braces are ignored.
 */
record Template(String source, List<Part> parts) {
    sealed interface Part permits Literal, Placeholder {}

    record Literal(String text) implements Part {}

    record Placeholder(Name name) implements Part {}

    /** What a placeholder stands for. */
    sealed interface Name permits Field, Secret, WholeRecord, Records {}

    record Field(String name) implements Name {
        @Override
        public String toString() { return "{{" + name + "}}"; }
    }

    record Secret(String setting) implements Name {
        @Override
        public String toString() { return "{{secret." + setting + "}}"; }
    }

    record WholeRecord() implements Name {
        @Override
        public String toString() { return "{{record}}"; }
    }

    record Records() implements Name {
        @Override
        public String toString() { return "{{records}}"; }
    }

    Template {
        parts = List.copyOf(parts);
    }

    /** @throws IllegalArgumentException saying what is wrong, for a settings error */
    static Template parse(String source) {
        List<Part> parts = new ArrayList<>();
        int at = 0;
        while (at < source.length()) {
            int open = source.indexOf("{{", at);
            if (open < 0) break;
            int close = source.indexOf("}}", open + 2);
            if (close < 0) throw new IllegalArgumentException("\"{{\" at position " + (open + 1) + " is not closed by \"}}\"");
            String name = source.substring(open + 2, close).trim();
            if (name.isEmpty()) throw new IllegalArgumentException("\"{{}}\" names nothing; put a field name between the braces");
            if (open > at) parts.add(new Literal(source.substring(at, open)));
            parts.add(new Placeholder(name(name)));
            at = close + 2;
        }
        if (at < source.length()) parts.add(new Literal(source.substring(at)));
        return new Template(source, parts);
    }

    private static Name name(String text) {
        if (text.equals("record")) return new WholeRecord();
        if (text.equals("records")) return new Records();
        if (text.startsWith("secret.")) return new Secret(text.substring("secret.".length()));
        return new Field(text);
    }

    /** The name when the template is exactly one placeholder ({@code "{{email}}"}), which a JSON body takes as a value. */
    Optional<Name> sole() {
        return parts.size() == 1 && parts.getFirst() instanceof Placeholder p ? Optional.of(p.name()) : Optional.empty();
    }

    boolean isLiteral() { return parts.stream().noneMatch(p -> p instanceof Placeholder); }

    Stream<Name> names() {
        return parts.stream().mapMulti((p, out) -> {
            if (p instanceof Placeholder ph) out.accept(ph.name());
        });
    }
}
