package io.tidemark.connector.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Templates, values as JSON and masking, below the HTTP layer. */
class TemplatesTest {
    private static final StreamSchema SCHEMA = new StreamSchema(new StreamId(null, "t"), List.of(Column.of("id", DataType.STRING),
            Column.of("x", DataType.FLOAT64), Column.of("doc", DataType.JSON)), List.of("id"), null);

    private static Templates templates(StreamSchema schema) { return new Templates(schema, Map.of("token", "t"), "here: ", "fix it"); }

    private static String body(StreamSchema schema, String template, Object[] row) {
        Templates.JsonRenderer renderer = templates(schema).json(JsonTemplate.parse(HttpDestinationTest.json(template)), "body");
        return new String(JsonValues.bytes(g -> renderer.write(g, row, g2 -> { })), StandardCharsets.UTF_8);
    }

    @Test
    void percentEncodingKeepsOnlyUnreservedCharacters() {
        assertThat(Templates.percentEncode("AZaz09-._~")).isEqualTo("AZaz09-._~");
        assertThat(Templates.percentEncode("a b/c?d=e&f#g%+")).isEqualTo("a%20b%2Fc%3Fd%3De%26f%23g%25%2B");
        assertThat(Templates.percentEncode("zoë 😀")).isEqualTo("zo%C3%AB%20%F0%9F%98%80");
    }

    @Test
    void placeholdersAreParsedWithTheirKindAndMalformedOnesAreRefused() {
        Template t = Template.parse("/a/{{ id }}/{{secret.token}}?r={{record}}");
        assertThat(t.names().toList()).containsExactly(new Template.Field("id"), new Template.Secret("token"), new Template.WholeRecord());
        assertThat(Template.parse("{{records}}").sole()).contains(new Template.Records());
        assertThat(Template.parse("plain } and }} text").isLiteral()).isTrue();
        assertThatThrownBy(() -> Template.parse("/a/{{id")).hasMessage("\"{{\" at position 4 is not closed by \"}}\"");
        assertThatThrownBy(() -> Template.parse("/a/{{ }}")).hasMessageContaining("names nothing");
    }

    @Test
    void nonFiniteFloatsTravelAsTextAndInvalidJsonColumnsRefuseTheRow() {
        assertThat(body(SCHEMA, "{\"x\": \"{{x}}\", \"doc\": \"{{doc}}\"}", new Object[]{"1", Double.NaN, "[1,{\"a\":null}]"}))
                .isEqualTo("{\"x\":\"NaN\",\"doc\":[1,{\"a\":null}]}");
        assertThatThrownBy(() -> body(SCHEMA, "\"{{record}}\"", new Object[]{"1", 1.5, "{not json"}))
                .isInstanceOf(RowRefused.class).hasMessageStartingWith("field doc holds invalid JSON");
        assertThat(body(SCHEMA, "\"text {{x}} {{doc}}\"", new Object[]{"1", null, null})).isEqualTo("\"text  \"");
    }

    @Test
    void fieldsWhosePathsRunThroughAnotherFieldCannotFormARecord() {
        StreamSchema clash = new StreamSchema(new StreamId(null, "t"), List.of(Column.of("a", DataType.STRING), Column.of("a.b", DataType.STRING)),
                List.of("a"), null);
        assertThatThrownBy(() -> body(clash, "\"{{record}}\"", new Object[]{"1", "2"})).isInstanceOfSatisfying(TidemarkException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
            assertThat(e.getMessage()).isEqualTo("here: body uses {{record}}, but fields \"a\" and \"a.b\" clash: one would be a value "
                    + "and an object at once; rename one of them in the sync's field_mapping");
        });
    }

    @Test
    void secretsAreMaskedAsWrittenJsonEscapedAndPercentEncoded() {
        Masker masker = new Masker(List.of("p@ss \"w\"", "", "ab"));
        masker.addTokens(List.of("tok.en"));
        String text = "raw p@ss \"w\" json " + JsonNodeFactory.instance.textNode("p@ss \"w\"") + " url p%40ss%20%22w%22 ab tok.en";
        assertThat(masker.mask(text)).isEqualTo("raw ****** json \"******\" url ****** ****** ******");
    }
}
