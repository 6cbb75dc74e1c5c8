package io.tidemark.engine.mapping;

import io.tidemark.api.DataType;
import io.tidemark.engine.mapping.Transform.ValueMap.Unmapped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each transform on its own: pure functions of the values they read. */
class TransformTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Transform.Iso8601 UTC = new Transform.Iso8601(Transform.Iso8601.DEFAULT_ZONE);
    private static final Transform.Iso8601 IN_BERLIN = new Transform.Iso8601(BERLIN);

    @Test
    void iso8601WritesMillisecondsAndTheOffsetOfItsTimeZone() throws Exception {
        OffsetDateTime instant = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 678_000_000, ZoneOffset.UTC);
        assertThat(UTC.format(instant)).isEqualTo("2024-01-02T03:04:05.678Z");
        assertThat(IN_BERLIN.format(instant)).isEqualTo("2024-01-02T04:04:05.678+01:00");
        assertThat(IN_BERLIN.format(instant.withMonth(7))).as("summer time").isEqualTo("2024-07-02T05:04:05.678+02:00");
        assertThat(UTC.format(instant.withNano(0))).isEqualTo("2024-01-02T03:04:05.000Z");
        assertThat(UTC.format(instant.withNano(123_456_000))).isEqualTo("2024-01-02T03:04:05.123456Z");
        assertThat(UTC.format(instant.withNano(123_456_789))).isEqualTo("2024-01-02T03:04:05.123456789Z");
        assertThat(UTC.format(Instant.parse("2024-01-02T03:04:05.678Z"))).isEqualTo("2024-01-02T03:04:05.678Z");
        assertThat(UTC.format(null)).isNull();
    }

    @Test
    void iso8601ReadsATimestampWithoutZoneAsLocalTimeInItsTimeZone() throws Exception {
        LocalDateTime local = LocalDateTime.of(2024, 1, 2, 3, 4, 5, 678_000_000);
        assertThat(UTC.format(local)).isEqualTo("2024-01-02T03:04:05.678Z");
        assertThat(IN_BERLIN.format(local)).isEqualTo("2024-01-02T03:04:05.678+01:00");
        assertThat(IN_BERLIN.format(LocalDate.of(2024, 1, 2))).as("a date is midnight there").isEqualTo("2024-01-02T00:00:00.000+01:00");
        assertThat(new Transform.Iso8601(ZoneOffset.ofHours(-5)).format(local)).isEqualTo("2024-01-02T03:04:05.678-05:00");
    }

    @Test
    void iso8601MovesALocalTimeInADaylightSavingGapForwardAndTakesTheEarlierOffsetInAnOverlap() throws Exception {
        assertThat(IN_BERLIN.format(LocalDateTime.of(2024, 3, 31, 2, 30))).as("02:30 does not exist that night")
                .isEqualTo("2024-03-31T03:30:00.000+02:00");
        assertThat(IN_BERLIN.format(LocalDateTime.of(2024, 10, 27, 2, 30))).as("02:30 happens twice that night")
                .isEqualTo("2024-10-27T02:30:00.000+02:00");
        assertThat(IN_BERLIN.format("2024-10-27 02:30:00+01:00")).as("an explicit offset picks the second one")
                .isEqualTo("2024-10-27T02:30:00.000+01:00");
    }

    @Test
    void iso8601ReadsIntegersAsEpochMilliseconds() throws Exception {
        assertThat(UTC.format(1_704_164_645_678L)).isEqualTo("2024-01-02T03:04:05.678Z");
        assertThat(UTC.format(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(UTC.format((short) -1)).isEqualTo("1969-12-31T23:59:59.999Z");
        assertThat(IN_BERLIN.format(1_704_164_645_678L)).isEqualTo("2024-01-02T04:04:05.678+01:00");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2024-01-02 03:04:05.678 UTC       | 2024-01-02T03:04:05.678Z",
            "2024-01-02 03:04:05.678           | 2024-01-02T03:04:05.678+01:00",
            "2024-01-02T03:04:05Z              | 2024-01-02T03:04:05.000Z",
            "2024-01-02T03:04:05+02:00         | 2024-01-02T01:04:05.000Z",
            "2024-01-02                        | 2024-01-02T00:00:00.000+01:00",
            "2024-01-02 03:04:05.678+00        | 2024-01-02T03:04:05.678Z",
            "2024-01-02T03:04:05.123456-0330   | 2024-01-02T06:34:05.123456Z",
            "2024-01-02 03:04 Europe/Berlin    | 2024-01-02T02:04:00.000Z",
            "2024-01-02 03:04:05,5 GMT         | 2024-01-02T03:04:05.500Z",
            "'\u00a0 2024-01-02T03:04:05z \t'  | 2024-01-02T03:04:05.000Z",
    })
    void iso8601ReadsTextInTheCommonForms(String text, String expected) throws Exception {
        ZoneId zone = expected.endsWith("+01:00") ? BERLIN : ZoneOffset.UTC;
        // Offsets in the text win; text without one is read in the time zone.
        String out = new Transform.Iso8601(zone).format(text);
        assertThat(OffsetDateTime.parse(out).toInstant()).isEqualTo(OffsetDateTime.parse(expected).toInstant());
        assertThat(out).isEqualTo(expected);
    }

    @Test
    void iso8601TakesBlankTextAsNoTime() throws Exception {
        assertThat(UTC.format("")).isNull();
        assertThat(UTC.format(" \u00a0\u2003")).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Invalid date        | cannot read \"Invalid date\" as a timestamp",
            "2024-02-30          | cannot read \"2024-02-30\" as a timestamp",
            "2024-01-02 25:00    | cannot read \"2024-01-02 25:00\" as a timestamp",
            "2024-01-02 Mars/Base| cannot read \"2024-01-02 Mars/Base\" as a timestamp",
            "1704164645678       | cannot read \"1704164645678\" as a timestamp",
            "02/01/2024          | cannot read \"02/01/2024\" as a timestamp",
    })
    void iso8601RefusesTextItCannotRead(String text, String reason) {
        assertThatThrownBy(() -> UTC.format(text)).isInstanceOfSatisfying(TransformException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void iso8601RefusesValuesThatAreNoPointInTime() {
        assertThatThrownBy(() -> UTC.format(Double.NaN)).isInstanceOf(TransformException.class)
                .hasMessage("cannot read NaN as a timestamp (epoch milliseconds come from integer columns)");
        assertThatThrownBy(() -> UTC.format(new BigDecimal("1.5"))).hasMessageContaining("integer columns");
        assertThatThrownBy(() -> UTC.format(true)).hasMessage("cannot read a Boolean value as a timestamp");
        assertThatThrownBy(() -> UTC.format(LocalTime.NOON)).hasMessage("cannot read a LocalTime value as a timestamp");
    }

    @Test
    void iso8601NormalisesItsTimeZoneSoUtcWrittenAnyWayIsTheDefault() {
        assertThat(new Transform.Iso8601(ZoneId.of("UTC"))).isEqualTo(UTC);
        assertThat(new Transform.Iso8601(ZoneId.of("Z")).yaml()).isEqualTo("transform: iso8601");
        assertThat(IN_BERLIN.yaml()).isEqualTo("transform: iso8601, time_zone: Europe/Berlin");
        assertThat(UTC.outputType(DataType.TIMESTAMP)).isEqualTo(DataType.STRING);
    }

    @Test
    void mapLooksUpTheTextAndKeepsNullsOrRejectsWhatItDoesNotList() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("pageview", "$pageview");
        values.put("ignored", null);
        Transform.ValueMap keep = new Transform.ValueMap(values, Unmapped.KEEP);
        assertThat(keep.apply("pageview")).isEqualTo("$pageview");
        assertThat(keep.apply("ignored")).as("a value can map to null").isNull();
        assertThat(keep.apply("click")).isEqualTo("click");
        assertThat(keep.apply("PageView")).as("lookups are exact").isEqualTo("PageView");
        assertThat(keep.apply(null)).isNull();
        assertThat(new Transform.ValueMap(values, Unmapped.NULL).apply("click")).isNull();
        assertThatThrownBy(() -> new Transform.ValueMap(values, Unmapped.REJECT).apply("click")).isInstanceOf(TransformException.class)
                .hasMessage("value \"click\" is not in map; add it to map, or set unmapped to keep or null");
        assertThat(new Transform.ValueMap(values, Unmapped.REJECT).apply(null)).as("null is not looked up").isNull();
        assertThat(new Transform.ValueMap(values, Unmapped.REJECT).yaml()).isEqualTo("map: {pageview: $pageview, ignored: null}, unmapped: reject");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "~", value = {
            "Mac OS X 10.15            | Mac OS X   | 10.15",
            "Mac OS X 10.15.7          | Mac OS X   | 10.15.7",
            "Windows 10                | Windows    | 10",
            "iOS 17.2.1                | iOS        | 17.2.1",
            "Android                   | Android    | ~",
            "Chrome OS 114.0 beta      | Chrome OS  | 114.0 beta",
            "'  Mac OS X   10.15  '    | Mac OS X   | 10.15",
            "'Windows\u00a011'         | Windows    | 11",
            "'Android \u0661\u0664'    | Android    | \u0661\u0664",
            "Windows XP                | Windows XP | ~",
            "10.15                     | ~          | 10.15",
            "''                        | ~          | ~",
            "'   '                     | ~          | ~",
            "~                         | ~          | ~",
    })
    void splitNameVersionCutsAtTheFirstTokenStartingWithADigit(String text, String name, String version) {
        assertThat(new Transform.Split.NameVersion().apply(text, 2)).containsExactly(name, version);
    }

    @Test
    void splitBySeparatorMakesAtMostOnePartPerFieldAndPadsWithNulls() {
        Transform.Split slash = new Transform.Split.Separator("/");
        assertThat(slash.apply("a/b/c", 2)).containsExactly("a", "b/c");
        assertThat(slash.apply("a/b/c", 3)).containsExactly("a", "b", "c");
        assertThat(slash.apply("a/b", 3)).containsExactly("a", "b", null);
        assertThat(slash.apply("a", 2)).containsExactly("a", null);
        assertThat(slash.apply("/x/", 3)).containsExactly("", "x", "");
        assertThat(slash.apply("", 2)).containsExactly("", null);
        assertThat(slash.apply(null, 2)).containsExactly(null, null);
        assertThat(new Transform.Split.Separator(" :: ").apply("日本 :: 語 :: x", 2)).containsExactly("日本", "語 :: x");
        assertThatThrownBy(() -> new Transform.Split.Separator("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aConstantsTypeFollowsItsValue() {
        assertThat(new Transform.Constant("heap").outputType(null)).isEqualTo(DataType.STRING);
        assertThat(new Transform.Constant(7L).outputType(null)).isEqualTo(DataType.INT64);
        assertThat(new Transform.Constant(0.5).outputType(null)).isEqualTo(DataType.FLOAT64);
        assertThat(new Transform.Constant(true).outputType(null)).isEqualTo(DataType.BOOLEAN);
        assertThat(new Transform.Constant("10").yaml()).as("text that looks like a number stays text").isEqualTo("constant: \"10\"");
        assertThat(new Transform.Constant("true").yaml()).isEqualTo("constant: \"true\"");
        assertThatThrownBy(() -> new Transform.Constant(7)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTemplateNamesTheColumnsItReadsAndRefusesAnUnclosedPlaceholder() {
        Transform.Template label = new Transform.Template("{{first_name}} {{ last_name }} ({{first_name}})");
        assertThat(label.columns()).containsExactly("first_name", "last_name");
        assertThat(label.segments()).containsExactly(new Transform.Template.Ref("first_name"), new Transform.Template.Literal(" "),
                new Transform.Template.Ref("last_name"), new Transform.Template.Literal(" ("), new Transform.Template.Ref("first_name"),
                new Transform.Template.Literal(")"));
        assertThat(new Transform.Template("no placeholders } {").columns()).isEmpty();
        assertThatThrownBy(() -> new Transform.Template("Hi {{name")).hasMessage("\"{{\" at character 4 is not closed with \"}}\"");
        assertThatThrownBy(() -> new Transform.Template("Hi {{ }}")).hasMessage("\"{{}}\" at character 4 names no column");
    }
}
