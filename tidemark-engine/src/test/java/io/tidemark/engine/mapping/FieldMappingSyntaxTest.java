package io.tidemark.engine.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tidemark.engine.mapping.Transform.ValueMap.Unmapped;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** The YAML forms of field_mapping: what each reads as, and every mistake reported at once with its path and fix. */
class FieldMappingSyntaxTest {
    private static final String PATH = "syncs.events.field_mapping";
    private final Map<String, String> errors = new LinkedHashMap<>();

    private FieldMapping read(String yaml) {
        try {
            JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(yaml);
            return FieldMappingSyntax.read(node, PATH, (path, message) -> {
                assertThat(errors).as("one error per path").doesNotContainKey(path);
                errors.put(path, message);
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theExampleOfTheDesignReadsAsTypedEntries() {
        FieldMapping mapping = read("""
                user_id: distinct_id
                time: { field: timestamp, transform: iso8601, time_zone: UTC }
                event_name: { field: event, map: { pageview: $pageview }, unmapped: keep }
                platform: { split: name_version, fields: [$os, $os_version] }
                initial_browser: { field: $initial_browser, group: $set_once }
                city: { field: $geoip_city_name, group: $set, drop_empty: true }
                source: { constant: heap }
                label: { template: "{{first_name}} {{last_name}}" }
                """);
        assertThat(errors).isEmpty();
        assertThat(mapping.entries().values()).containsExactly(
                MappedField.rename("user_id", "distinct_id"),
                new MappedField("time", Optional.of("time"), List.of("timestamp"), Optional.empty(), new Transform.Iso8601(ZoneOffset.UTC), false, false),
                new MappedField("event_name", Optional.of("event_name"), List.of("event"), Optional.empty(),
                        new Transform.ValueMap(Map.of("pageview", "$pageview"), Unmapped.KEEP), false, false),
                new MappedField("platform", Optional.of("platform"), List.of("$os", "$os_version"), Optional.empty(),
                        new Transform.Split.NameVersion(), false, false),
                new MappedField("initial_browser", Optional.of("initial_browser"), List.of("$initial_browser"), Optional.of("$set_once"),
                        new Transform.Rename(), false, false),
                new MappedField("city", Optional.of("city"), List.of("$geoip_city_name"), Optional.of("$set"), new Transform.Rename(), true, false),
                new MappedField("source", Optional.empty(), List.of("source"), Optional.empty(), new Transform.Constant("heap"), false, false),
                new MappedField("label", Optional.empty(), List.of("label"), Optional.empty(),
                        new Transform.Template("{{first_name}} {{last_name}}"), false, false));
        assertThat(mapping.columns()).containsExactly("user_id", "time", "event_name", "platform", "initial_browser", "city",
                "first_name", "last_name");
        assertThat(mapping.entries().get("initial_browser").destinationFields()).containsExactly("$set_once.$initial_browser");
    }

    @Test
    void aMappingWrittenBackAsYamlReadsAsTheSameMapping() {
        FieldMapping mapping = read("""
                id: contact_id
                time: { field: timestamp, transform: iso8601, time_zone: "+02:00" }
                day: { transform: iso8601, time_zone: America/New_York }
                kind: { field: type, map: { "a b": "true", "10": 10, off: ~ }, unmapped: reject }
                path: { split: separator, separator: " / ", fields: [section, "page name"], group: $set, drop_empty: true }
                score: { field: points, drop_empty: true }
                n: { constant: 10 }
                ratio: { constant: 0.25 }
                flag: { constant: false }
                text: { constant: "10" }
                label: { template: "\\"{{first}}\\"\\n{{last}}" }
                """);
        assertThat(errors).isEmpty();
        String yaml = mapping.toString();
        assertThat(yaml).startsWith("{id: contact_id, time: {field: timestamp, transform: iso8601, time_zone: \"+02:00\"}, "
                + "day: {transform: iso8601, time_zone: America/New_York}, kind: {field: type, map: {\"a b\": \"true\", \"10\": \"10\", \"off\": null}, unmapped: reject}");
        assertThat(read(yaml)).isEqualTo(mapping);
        assertThat(errors).isEmpty();
    }

    @Test
    void constantsKeepTheirYamlType() {
        FieldMapping mapping = read("{ n: { constant: 10 }, r: { constant: 0.25 }, b: { constant: true }, t: { constant: \"10\" } }");
        List<Object> values = new ArrayList<>();
        mapping.entries().values().forEach(e -> values.add(((Transform.Constant) e.transform()).value()));
        assertThat(values).containsExactly(10L, 0.25, true, "10");
    }

    @Test
    void unmappedNullIsTheWordNotAMissingValue() {
        FieldMapping mapping = read("{ a: { map: { x: y }, unmapped: null }, b: { map: { x: y }, unmapped: ~ }, c: { map: { x: y }, unmapped: \"null\" } }");
        assertThat(errors).isEmpty();
        assertThat(mapping.entries().values()).extracting(e -> ((Transform.ValueMap) e.transform()).unmapped())
                .containsExactly(Unmapped.NULL, Unmapped.NULL, Unmapped.NULL);
    }

    @Test
    void theTimeZoneDefaultsToUtcAndReadsRegionsAndOffsets() {
        FieldMapping mapping = read("{ a: { transform: iso8601 }, b: { transform: iso8601, time_zone: Europe/Berlin }, "
                + "c: { transform: iso8601, time_zone: UTC }, d: { transform: iso8601, time_zone: +02:00 } }");
        assertThat(errors).isEmpty();
        assertThat(mapping.entries().values()).extracting(e -> ((Transform.Iso8601) e.transform()).zone())
                .containsExactly(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"), ZoneOffset.UTC, ZoneOffset.ofHours(2));
    }

    @Test
    void everyMistakeIsReportedAtOnceWithItsPathAndFix() {
        FieldMapping mapping = read("""
                ok: fine
                time: { field: timestamp, transform: iso8601, time_zone: Mars/Olympus }
                when: { transform: iso8601, format: "yyyy" }
                day: { transform: date }
                platform: { split: name_version }
                path: { split: separator, fields: [a, b] }
                os: { split: name_version, fields: [a, b, c] }
                both: { map: { a: b }, split: name_version, fields: [x, y] }
                tz: { field: t, time_zone: UTC }
                kind: { map: [a, b], unmapped: sometimes }
                source: { constant: heap, field: src }
                label: { template: "{{first_name} x" }
                nothing: { constant: ~ }
                drop: { drop_empty: "yes" }
                twin: fine
                split_twin: { split: separator, separator: "-", fields: [x, x] }
                blank: ""
                nested: [a, b]
                nv: { split: name_version, separator: "/", fields: [n, v] }
                """);
        assertThat(mapping.entries().keySet()).as("only entries without problems").containsExactly("ok");
        assertThat(errors).containsOnlyKeys(PATH + ".time.time_zone", PATH + ".when.format", PATH + ".day.transform",
                PATH + ".platform.fields", PATH + ".path.separator", PATH + ".os.fields", PATH + ".both", PATH + ".tz.time_zone",
                PATH + ".kind.map", PATH + ".kind.unmapped", PATH + ".source.field", PATH + ".label.template", PATH + ".nothing.constant",
                PATH + ".drop.drop_empty", PATH + ".twin", PATH + ".split_twin.fields[1]", PATH + ".blank", PATH + ".nested", PATH + ".nv.separator");
        assertThat(errors).contains(
                entry(PATH + ".time.time_zone", "unknown time zone \"Mars/Olympus\"; use a region such as Europe/Berlin or an offset such as +02:00 (default UTC)"),
                entry(PATH + ".day.transform", "unknown transform \"date\"; use iso8601 (map, split, constant and template are keys of their own)"),
                entry(PATH + ".platform.fields", "required with split; list the destination fields, e.g. fields: [$os, $os_version]"),
                entry(PATH + ".path.separator", "required with split: separator; give the text between parts, e.g. separator: \"/\""),
                entry(PATH + ".os.fields", "split: name_version makes two fields (name and version); list two"),
                entry(PATH + ".tz.time_zone", "only used with transform: iso8601; remove it"),
                entry(PATH + ".kind.unmapped", "unknown value \"sometimes\"; use keep (the default), null or reject"),
                entry(PATH + ".twin", "destination field \"fine\" is also written by ok; write each destination field once (rename one of them)"));
        assertThat(errors.get(PATH + ".when.format")).startsWith("unknown setting; known: constant, drop_empty, except, field,");
        assertThat(errors.get(PATH + ".both")).contains("has map and split");
        assertThat(errors.get(PATH + ".source.field")).contains("the key (source) is its destination field");
        assertThat(errors.get(PATH + ".label.template")).isEqualTo("\"{{\" at character 1 is not closed with \"}}\"; write each column as {{column}}");
    }

    @Test
    void groupsAndSplitsCountTowardsDestinationFieldsWrittenTwice() {
        read("""
                a: { field: x, group: $set }
                b: $set.x
                c: { split: name_version, fields: [y, z] }
                d: z
                """);
        assertThat(errors).containsOnlyKeys(PATH + ".b", PATH + ".d");
        assertThat(errors.get(PATH + ".b")).startsWith("destination field \"$set.x\" is also written by a");
    }

    @Test
    void noMappingIsEveryColumnAndAnEmptyOneIsAMistake() {
        assertThat(FieldMappingSyntax.read(null, PATH, (p, m) -> errors.put(p, m))).isEqualTo(FieldMapping.NONE);
        read("{}");
        assertThat(errors).containsOnlyKeys(PATH);
    }

    @Test
    void onlyAPlainRenameCanFindDestinationRecords() {
        FieldMapping mapping = read("{ id: contact_id, email: { field: email, drop_empty: true }, name: { field: n, group: g } }");
        assertThat(mapping.matchingProblem("id")).isEmpty();
        assertThat(mapping.matchingField("id")).isEqualTo("contact_id");
        assertThat(mapping.matchingField("unmapped")).isEqualTo("unmapped");
        assertThat(mapping.matchingProblem("email")).get().asString().startsWith("column email finds destination records")
                .endsWith("map it as a plain rename (email: email) without transform, group or drop_empty");
        assertThat(mapping.matchingProblem("name")).isPresent();
    }

    @Test
    void aKeyWithAStarIsAPatternAndOptionalEntriesReadAsWritten() {
        FieldMapping mapping = read("""
                user_id: distinct_id
                browser: { field: $browser, drop_empty: true, optional: true }
                initial_platform: { split: name_version, fields: [$initial_os, $initial_os_version], group: $set_once, optional: true }
                joindate: { transform: iso8601, group: $set, drop_empty: true, optional: true }
                "initial_*": { group: $set_once, drop_empty: true }
                "utm_*_id": {}
                "*": { group: $set, except: [identity, api_token] }
                """);
        assertThat(errors).isEmpty();
        assertThat(mapping.entries().keySet()).containsExactly("user_id", "browser", "initial_platform", "joindate");
        assertThat(mapping.entries().get("browser")).isEqualTo(new MappedField("browser", Optional.of("browser"), List.of("$browser"),
                Optional.empty(), new Transform.Rename(), true, true));
        assertThat(mapping.entries().get("initial_platform").optional()).isTrue();
        assertThat(mapping.entries().get("initial_platform").destinationFields()).containsExactly("$set_once.$initial_os", "$set_once.$initial_os_version");
        assertThat(mapping.patterns()).containsExactly(
                new ColumnPattern("initial_*", Optional.of("$set_once"), true, Set.of()),
                new ColumnPattern("utm_*_id", Optional.empty(), false, Set.of()),
                new ColumnPattern("*", Optional.of("$set"), false, Set.of("identity", "api_token")));
        assertThat(mapping.columns()).as("the columns entries read; patterns' depend on the model")
                .containsExactly("user_id", "browser", "initial_platform", "joindate");

        String yaml = mapping.toString();
        assertThat(yaml).isEqualTo("{user_id: distinct_id, browser: {field: $browser, drop_empty: true, optional: true}, "
                + "initial_platform: {split: name_version, fields: [$initial_os, $initial_os_version], group: $set_once, optional: true}, "
                + "joindate: {transform: iso8601, group: $set, drop_empty: true, optional: true}, "
                + "\"initial_*\": {group: $set_once, drop_empty: true}, \"utm_*_id\": {}, \"*\": {group: $set, except: [identity, api_token]}}");
        assertThat(read(yaml)).isEqualTo(mapping);
        assertThat(read("{ a: { optional: true } }").toString()).as("an optional rename keeps its own name").isEqualTo("{a: {optional: true}}");
    }

    @Test
    void aColumnIsReadWhenAnEntryReadsItOrThePatternThatTakesItSendsIt() {
        FieldMapping mapping = read("""
                user_id: distinct_id
                initial_browser: { field: $initial_browser, group: $set_once }
                label: { template: "{{email}}" }
                "initial_*": { group: $set_once, except: [initial_secret] }
                "*": { group: $set, except: [identity] }
                """);
        assertThat(errors).isEmpty();
        assertThat(mapping.reads("user_id")).isTrue();
        assertThat(mapping.reads("email")).isTrue();
        assertThat(mapping.reads("initial_city")).isTrue();
        assertThat(mapping.reads("plan")).as("taken by *").isTrue();
        assertThat(mapping.reads("identity")).isFalse();
        assertThat(mapping.reads("initial_secret")).as("initial_* takes it and keeps it back; * never sees it").isFalse();
        assertThat(read("{ id: id }").reads("plan")).as("without patterns only what entries read").isFalse();
    }

    @Test
    void everyMistakeInAPatternOrAnOptionalEntryIsReportedWithItsPath() {
        FieldMapping mapping = read("""
                id: id
                name: { template: "{{first}}", optional: true }
                city: { field: town, optional: "yes" }
                kind: { field: type, except: [a] }
                "x*": x
                "a*": { field: b, transform: iso8601, colour: red }
                "b*": { except: id }
                "c*": { except: ["c_*", "", c_ok, c_ok] }
                "*": { group: $set, except: [id, nope] }
                "d*": { drop_empty: true }
                "initial_*": {}
                """);
        assertThat(mapping.patterns()).as("none of the patterns as written").isEmpty();
        assertThat(errors).containsOnlyKeys(PATH + ".name.optional", PATH + ".city.optional", PATH + ".kind.except", PATH + ".x*",
                PATH + ".a*.field", PATH + ".a*.transform", PATH + ".a*.colour", PATH + ".b*.except", PATH + ".c*.except[0]",
                PATH + ".c*.except[1]", PATH + ".c*.except[3]", PATH + ".*.except[0]", PATH + ".d*", PATH + ".initial_*");
        assertThat(errors).contains(
                entry(PATH + ".name.optional", "a template reads no column, so there is nothing that could be missing; remove optional"),
                entry(PATH + ".city.optional", "expected true or false"),
                entry(PATH + ".kind.except", "only used with a pattern (a key holding *, such as \"*\" or \"initial_*\"); remove it"),
                entry(PATH + ".a*.transform", "does not apply to a pattern, which sends each column it takes as it is, under its own "
                        + "name; map the column with an entry of its own to rename or transform it"),
                entry(PATH + ".a*.colour", "unknown setting; a pattern takes drop_empty, except, group"),
                entry(PATH + ".b*.except", "expected a list of model columns the pattern does not send, e.g. except: [id, api_token]"),
                entry(PATH + ".c*.except[0]", "expected a model column (a name, without *)"),
                entry(PATH + ".c*.except[3]", "column c_ok is listed twice"),
                entry(PATH + ".*.except[0]", "column id is mapped by an entry of its own, which a pattern never takes; remove it from except"),
                entry(PATH + ".d*", "takes no column: every column it matches goes to the earlier pattern \"*\" (a column goes to the "
                        + "first pattern that matches it); put the narrower pattern first"));
        assertThat(errors.get(PATH + ".x*")).startsWith("a pattern sends the columns it takes under their own names; write {}");
        assertThat(read("{ \"*\": { except: [nope] } }").patterns()).singleElement().as("* matches any name, so nope is fine");
        assertThat(read("{ \"c_*\": { except: [c_nope, d] } }").patterns()).isEmpty();
        assertThat(errors).containsEntry(PATH + ".c_*.except[1]", "column d does not match \"c_*\", so the pattern never takes it; "
                + "remove it from except");
    }
}
