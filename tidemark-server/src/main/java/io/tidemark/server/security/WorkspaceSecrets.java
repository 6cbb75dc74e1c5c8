package io.tidemark.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tidemark.api.ConfigField;
import io.tidemark.api.ConfigSpec;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Seals, redacts and unseals the connection secrets of a workspace document: a tree shaped like
 * {@code tidemark.yaml}, {@code connections: {app: {type: postgres, url: …, password: …}}}.
 *
 * <p>A connection field is a secret when its connector's {@link ConfigSpec} says so. For a connector type the
 * secret-field function does not know (it returns {@code null}, or the connection has no type), the spec is unknown,
 * so the fields named {@code password}, {@code secret}, {@code token} and {@code api_key} are treated as secrets and no
 * others. A value already sealed is treated as a secret in any field.
 *
 * <p>A secret value is one of: a {@code ${ENV_VAR}} reference (the whole value; left as it is, since the environment
 * is resolved when the workspace is loaded and the reference itself reveals nothing), a sealed value
 * ({@link SecretCipher}), the placeholder {@value #PLACEHOLDER} ("keep what is stored"), or a literal, which is sealed
 * before it is stored. A value that merely contains a reference ({@code pre${X}}) is a literal: it is sealed, and the
 * reference inside is resolved after unsealing. The sealing context of a value is its path,
 * {@code connections.<name>.<field>}, so a sealed value moved to another field or connection does not open.
 *
 * <p>Every method returns a new tree and leaves its arguments untouched; errors are collected and reported at once.
 * Instances are immutable and thread-safe when the secret-field function is.
 */
public final class WorkspaceSecrets {
    /** What {@link #redact} shows instead of a secret, and what a client sends back to keep the stored value. */
    public static final String PLACEHOLDER = "********";

    private static final Set<String> FALLBACK_SECRET_FIELDS = Set.of("password", "secret", "token", "api_key");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*}");
    private static final String CONNECTIONS = "connections";
    private static final String TYPE = "type";
    private static final String NO_KEY_FIX = "set " + SecretCipher.KEY_ENV + " (see `tidemark secret-key`) or use a ${ENV} reference";

    private final Function<String, Set<String>> secretFields;
    private final Optional<SecretCipher> cipher;

    /**
     * @param secretFields the secret field names of a connector type, or {@code null} for a type it does not know
     *                     (see {@link #secretFieldsOf(Function)})
     * @param cipher       the configured cipher; without one, literal secrets cannot be stored and sealed values
     *                     cannot be opened
     */
    public WorkspaceSecrets(Function<String, Set<String>> secretFields, Optional<SecretCipher> cipher) {
        this.secretFields = Objects.requireNonNull(secretFields, "secretFields");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
    }

    /**
     * Adapts a lookup of connector specs (e.g. {@code type -> registry.find(type).map(ConnectorFactory::configSpec)})
     * to the secret-field function this class takes.
     */
    public static Function<String, Set<String>> secretFieldsOf(Function<String, Optional<ConfigSpec>> specs) {
        return type -> specs.apply(type)
                .map(spec -> spec.fields().stream().filter(ConfigField::secret).map(ConfigField::name).collect(Collectors.toUnmodifiableSet()))
                .orElse(null);
    }

    /**
     * The document to store: literal secrets sealed, references and valid sealed values kept, and placeholders
     * replaced by the value {@code stored} holds for the same connection and field.
     *
     * @param proposed the document a client sent
     * @param stored   the document stored so far (an empty object when there is none)
     * @throws TidemarkException {@link ErrorCode#CONFIG_INVALID} listing every placeholder without a stored value and
     *                           every secret that is not a single value; {@link ErrorCode#SECRET_KEY_INVALID} when the
     *                           only problems are secrets that need a key (none configured, or sealed with another one)
     */
    public ObjectNode seal(ObjectNode proposed, ObjectNode stored) {
        Problems problems = new Problems();
        List<String> literalsWithoutKey = new ArrayList<>();
        ObjectNode result = transform(proposed, slot -> {
            JsonNode value = slot.value();
            JsonNode current = value;
            if (isText(current, PLACEHOLDER)) {
                current = stored.path(CONNECTIONS).path(slot.connection()).path(slot.field());
                if (current.isMissingNode() || current.isNull() || isText(current, PLACEHOLDER)) {
                    problems.config(slot.path() + " is " + PLACEHOLDER + " but no value is stored; give the value or a ${ENV} reference");
                    return value;
                }
            }
            return switch (kind(current)) {
                case ABSENT, REFERENCE -> current;
                case SEALED -> {
                    opened(slot, current.asText(), problems);
                    yield current;
                }
                case LITERAL -> {
                    if (!current.isValueNode()) {
                        problems.config(slot.path() + " is a secret and must be a single value, not "
                                + (current.isArray() ? "a list" : "a mapping"));
                        yield value;
                    }
                    if (cipher.isEmpty()) {
                        literalsWithoutKey.add(slot.path());
                        yield value;
                    }
                    yield TextNode.valueOf(cipher.get().seal(current.asText(), slot.path()));
                }
            };
        });
        if (!literalsWithoutKey.isEmpty()) {
            problems.key(String.join(", ", literalsWithoutKey) + (literalsWithoutKey.size() == 1 ? " holds a secret" : " hold secrets")
                    + " in clear text but no secret key is configured to encrypt " + (literalsWithoutKey.size() == 1 ? "it" : "them")
                    + "; " + NO_KEY_FIX);
        }
        problems.throwIfAny();
        return result;
    }

    /** The document to show: every secret that is not a {@code ${ENV}} reference replaced by {@value #PLACEHOLDER}. */
    public ObjectNode redact(ObjectNode doc) {
        return transform(doc, slot -> switch (kind(slot.value())) {
            case ABSENT, REFERENCE -> slot.value();
            case SEALED, LITERAL -> TextNode.valueOf(PLACEHOLDER);
        });
    }

    /**
     * The document with every sealed value decrypted, for loading the workspace into the engine only: the result
     * holds secrets in clear text and is never stored, logged or returned to a client.
     *
     * @throws TidemarkException {@link ErrorCode#SECRET_KEY_INVALID} listing every value that does not open
     */
    public ObjectNode unseal(ObjectNode doc) {
        Problems problems = new Problems();
        ObjectNode result = transform(doc, slot -> kind(slot.value()) == Kind.SEALED
                ? opened(slot, slot.value().asText(), problems).<JsonNode>map(TextNode::valueOf).orElse(slot.value())
                : slot.value());
        problems.throwIfAny();
        return result;
    }

    /** True when the document holds a sealed value: the server then refuses to start without a key. */
    public boolean containsSealed(ObjectNode doc) {
        return slots(doc).stream().anyMatch(slot -> kind(slot.value()) == Kind.SEALED);
    }

    /** The plaintext of a sealed value, or empty with the reason recorded. */
    private Optional<String> opened(Slot slot, String sealed, Problems problems) {
        if (cipher.isEmpty()) {
            problems.key(slot.path() + " is encrypted but no secret key is configured; set " + SecretCipher.KEY_ENV
                    + " to the key that encrypted it (or give the value again)");
            return Optional.empty();
        }
        try {
            return Optional.of(cipher.get().open(sealed, slot.path()));
        } catch (TidemarkException e) {
            problems.add(e.errorCode(), e.getMessage());
            return Optional.empty();
        }
    }

    /** A deep copy of the document in which each secret slot's value is replaced by what {@code change} returns. */
    private ObjectNode transform(ObjectNode doc, Function<Slot, JsonNode> change) {
        ObjectNode copy = doc.deepCopy();
        for (Slot slot : slots(copy)) {
            ((ObjectNode) copy.get(CONNECTIONS).get(slot.connection())).set(slot.field(), change.apply(slot));
        }
        return copy;
    }

    /**
     * The secret fields of every connection, and any field holding a sealed value. Whatever is not shaped like
     * connections (a connection that is not a mapping, say) is left to the workspace loader to report.
     */
    private List<Slot> slots(ObjectNode doc) {
        List<Slot> slots = new ArrayList<>();
        if (!(doc.get(CONNECTIONS) instanceof ObjectNode connections)) return slots;
        for (Map.Entry<String, JsonNode> connection : connections.properties()) {
            if (!(connection.getValue() instanceof ObjectNode fields)) continue;
            Set<String> secrets = secretFieldsOf(fields.path(TYPE).asText(""));
            for (Map.Entry<String, JsonNode> field : fields.properties()) {
                if (!field.getKey().equals(TYPE) && (secrets.contains(field.getKey()) || kind(field.getValue()) == Kind.SEALED)) {
                    slots.add(new Slot(connection.getKey(), field.getKey(), field.getValue()));
                }
            }
        }
        return slots;
    }

    private Set<String> secretFieldsOf(String type) {
        Set<String> known = type.isEmpty() ? null : secretFields.apply(type);
        return known == null ? FALLBACK_SECRET_FIELDS : known;
    }

    private static Kind kind(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) return Kind.ABSENT;
        if (!value.isTextual()) return Kind.LITERAL;
        String text = value.asText();
        if (ENV_REFERENCE.matcher(text).matches()) return Kind.REFERENCE;
        return SecretCipher.isSealed(text) ? Kind.SEALED : Kind.LITERAL;
    }

    private static boolean isText(JsonNode node, String text) {
        return node.isTextual() && node.asText().equals(text);
    }

    private enum Kind { ABSENT, REFERENCE, SEALED, LITERAL }

    /** One secret field of one connection and its value; its path is also its sealing context. */
    private record Slot(String connection, String field, JsonNode value) {
        String path() {
            return CONNECTIONS + "." + connection + "." + field;
        }
    }

    /** Errors collected over a whole document, thrown together. */
    private static final class Problems {
        private final List<String> messages = new ArrayList<>();
        private boolean configProblem;

        void config(String message) {
            add(ErrorCode.CONFIG_INVALID, message);
        }

        void key(String message) {
            add(ErrorCode.SECRET_KEY_INVALID, message);
        }

        void add(ErrorCode code, String message) {
            configProblem |= code != ErrorCode.SECRET_KEY_INVALID;
            messages.add(message);
        }

        /** A mistake in the document outranks a key problem: the client must fix the document either way. */
        void throwIfAny() {
            if (messages.isEmpty()) return;
            throw new TidemarkException(configProblem ? ErrorCode.CONFIG_INVALID : ErrorCode.SECRET_KEY_INVALID,
                    String.join("; ", messages));
        }
    }
}
