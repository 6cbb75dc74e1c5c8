package io.tidemark.engine.mapping;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Globs of field_mapping patterns: what they match, and when an earlier one leaves a later one nothing. */
class ColumnPatternTest {
    private static ColumnPattern pattern(String glob) { return new ColumnPattern(glob, Optional.empty(), false, Set.of()); }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "*            | initial_browser | true",
            "*            | ''              | true",
            "initial_*    | initial_browser | true",
            "initial_*    | initial_        | true",
            "initial_*    | initial         | false",
            "initial_*    | xinitial_a      | false",
            "*_id         | session_id      | true",
            "*_id         | id              | false",
            "utm_*_id     | utm_campaign_id | true",
            "utm_*_id     | utm_id          | false",
            "a*a*a        | aaa             | true",
            "a*a*a        | aa              | false",
            "a*b          | aXbXb           | true",
            "a*b          | aXbXc           | false",
            "**           | x               | true",
            "Initial_*    | initial_browser | false",
            "$set.*       | $set.email      | true",
    })
    void aStarStandsForAnyRunOfCharactersAndEveryOtherCharacterForItself(String glob, String column, boolean matches) {
        assertThat(pattern(glob).matches(column)).isEqualTo(matches);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "*         | initial_*  | true",
            "initial_* | initial_*  | true",
            "i*        | initial_*  | true",
            "*_id      | utm_*_id   | true",
            "initial_* | *          | false",
            "initial_* | init*      | false",
            "*_id      | *_ids      | false",
    })
    void aPatternIsCoveredByAnEarlierOneThatMatchesEverythingItMatches(String earlier, String later, boolean covered) {
        assertThat(pattern(later).isCoveredBy(pattern(earlier))).isEqualTo(covered);
    }

    @org.junit.jupiter.api.Test
    void aPatternSendsAColumnUnderItsOwnNameInItsGroupAndIsWrittenBackAsYaml() {
        ColumnPattern pattern = new ColumnPattern("*", Optional.of("$set"), true, Set.of("id"));
        assertThat(pattern.field("email")).isEqualTo("$set.email");
        assertThat(pattern("*").field("email")).isEqualTo("email");
        assertThat(pattern).hasToString("{group: $set, drop_empty: true, except: [id]}");
        assertThat(pattern.selection()).isEqualTo(new ColumnPattern("*", Optional.empty(), false, Set.of("id")));
    }
}
