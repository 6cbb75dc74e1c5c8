package io.tidemark.engine.config;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId UTC = ZoneId.of("UTC");

    private static Instant at(String instant) { return Instant.parse(instant); }

    @Test
    void anIntervalFiresOnSlotsFromTheEpochShiftedByTheSpread() {
        Schedule every15 = new Schedule.Interval(Duration.ofMinutes(15));
        Instant now = at("2026-03-02T10:07:00Z");

        assertThat(every15.nextAfter(now, 0)).contains(at("2026-03-02T10:15:00Z"));
        assertThat(every15.nextAfter(now, 120)).as("offset 2min: slots at :02, :17, …").contains(at("2026-03-02T10:17:00Z"));
        assertThat(every15.nextAfter(now, 900 + 60)).as("the spread counts modulo the interval").contains(at("2026-03-02T10:16:00Z"));
        assertThat(every15.nextAfter(now, -60)).as("a negative hash works too: offset 14min").contains(at("2026-03-02T10:14:00Z"));
    }

    @Test
    void anIntervalIsDueStrictlyAfterNow() {
        Schedule every15 = new Schedule.Interval(Duration.ofMinutes(15));
        assertThat(every15.nextAfter(at("2026-03-02T10:15:00Z"), 0)).contains(at("2026-03-02T10:30:00Z"));
        assertThat(every15.nextAfter(at("2026-03-02T10:14:59.999Z"), 0)).contains(at("2026-03-02T10:15:00Z"));
        assertThat(every15.nextAfter(at("2026-03-02T10:15:00.001Z"), 0)).contains(at("2026-03-02T10:30:00Z"));
    }

    @Test
    void manySyncsOnOneMinuteSpreadOverTheMinute() {
        Schedule everyMinute = new Schedule.Interval(Duration.ofMinutes(1));
        Instant now = at("2026-03-02T10:07:00Z");
        Set<Instant> due = new HashSet<>();
        IntStream.range(0, 200).forEach(i -> due.add(everyMinute.nextAfter(now, ("sync_" + i).hashCode()).orElseThrow()));

        assertThat(due).hasSizeGreaterThan(40).allSatisfy(t ->
                assertThat(t).isAfter(now).isBeforeOrEqualTo(now.plus(Duration.ofMinutes(1))));
    }

    @Test
    void aCronExpressionFiresInItsZone() {
        Schedule weekdays = new Schedule.Cron("0 3 * * 1-5", BERLIN);
        // Saturday noon: next is Monday 03:00 in Berlin (CET, UTC+1).
        assertThat(weekdays.nextAfter(at("2026-03-07T12:00:00Z"), 0)).contains(at("2026-03-09T02:00:00Z"));
        // After the spring change Berlin is UTC+2.
        assertThat(weekdays.nextAfter(at("2026-03-30T12:00:00Z"), 0)).contains(at("2026-03-31T01:00:00Z"));
    }

    @Test
    void aCronExpressionMayStartWithSeconds() {
        Schedule withSeconds = new Schedule.Cron("30 0 3 * * 1-5", BERLIN);
        assertThat(withSeconds.nextAfter(at("2026-03-06T02:00:30Z"), 0)).as("strictly after: Friday's slot is now")
                .contains(at("2026-03-09T02:00:30Z"));
        assertThat(new Schedule.Cron("*/20 * * * * *", UTC).nextAfter(at("2026-03-06T10:00:05Z"), 0))
                .contains(at("2026-03-06T10:00:20Z"));
    }

    @Test
    void aCronExpressionWithBothDayFieldsFiresOnEither() {
        Schedule fifteenthOrFriday = new Schedule.Cron("0 0 15 * 5", UTC);
        // 2026-03-13 is a Friday, 2026-03-15 a Sunday.
        assertThat(fifteenthOrFriday.nextAfter(at("2026-03-13T00:00:00Z"), 0)).contains(at("2026-03-15T00:00:00Z"));
    }

    @Test
    void anInvalidCronExpressionIsRefusedWithTheReason() {
        assertThatThrownBy(() -> new Schedule.Cron("0 3 * *", UTC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 5 fields");
        assertThatThrownBy(() -> new Schedule.Cron("0 25 * * *", UTC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("25");
    }

    @Test
    void dailyRunsOnceADayAcrossDaylightSavingChanges() {
        Schedule daily = new Schedule.Daily(LocalTime.of(2, 30), BERLIN);
        assertThat(daily.nextAfter(at("2026-03-27T12:00:00Z"), 0)).as("CET").contains(at("2026-03-28T01:30:00Z"));
        // 2026-03-29 02:00 CET jumps to 03:00 CEST: 02:30 does not exist that day and runs right after the gap.
        assertThat(daily.nextAfter(at("2026-03-28T01:30:00Z"), 0)).contains(at("2026-03-29T01:30:00Z"));
        assertThat(daily.nextAfter(at("2026-03-29T01:30:00Z"), 0)).as("CEST").contains(at("2026-03-30T00:30:00Z"));
        // 2026-10-25 03:00 CEST falls back to 02:00 CET: 02:30 happens twice and runs at the first only.
        assertThat(daily.nextAfter(at("2026-10-24T12:00:00Z"), 0)).contains(at("2026-10-25T00:30:00Z"));
        assertThat(daily.nextAfter(at("2026-10-25T00:30:00Z"), 0)).as("not again at 02:30 CET").contains(at("2026-10-26T01:30:00Z"));
    }

    @Test
    void weeklyRunsOnItsDayAtItsLocalTime() {
        Schedule mondays = new Schedule.Weekly(DayOfWeek.MONDAY, LocalTime.of(2, 30), UTC);
        assertThat(mondays.nextAfter(at("2026-03-08T23:00:00Z"), 0)).as("Sunday").contains(at("2026-03-09T02:30:00Z"));
        assertThat(mondays.nextAfter(at("2026-03-09T02:30:00Z"), 0)).as("at the slot: next week").contains(at("2026-03-16T02:30:00Z"));
        assertThat(mondays.nextAfter(at("2026-03-09T01:00:00Z"), 0)).as("Monday before the time").contains(at("2026-03-09T02:30:00Z"));
        Schedule berlinMondays = new Schedule.Weekly(DayOfWeek.MONDAY, LocalTime.of(0, 30), BERLIN);
        assertThat(berlinMondays.nextAfter(at("2026-03-08T23:00:00Z"), 0)).as("already Monday in Berlin")
                .contains(at("2026-03-08T23:30:00Z"));
    }

    @Test
    void manualAndAfterAreNeverDueByTime() {
        assertThat(new Schedule.Manual().nextAfter(Instant.EPOCH, 7)).isEqualTo(Optional.empty());
        assertThat(new Schedule.After("orders_to_wh").nextAfter(Instant.EPOCH, 7)).isEmpty();
    }

    @Test
    void eachScheduleDescribesItself() {
        assertThat(new Schedule.Manual().describe()).isEqualTo("manual");
        assertThat(new Schedule.Interval(Duration.ofMinutes(15)).describe()).isEqualTo("every 15min");
        assertThat(new Schedule.Interval(Duration.ofDays(7)).describe()).isEqualTo("every 7day");
        assertThat(new Schedule.Interval(Duration.ofSeconds(90)).describe()).isEqualTo("every 90s");
        assertThat(new Schedule.Cron("0  3 * * 1-5 ", BERLIN).describe()).isEqualTo("cron 0 3 * * 1-5 (Europe/Berlin)");
        assertThat(new Schedule.Daily(LocalTime.of(2, 30), BERLIN).describe()).isEqualTo("daily 02:30 Europe/Berlin");
        assertThat(new Schedule.Weekly(DayOfWeek.MONDAY, LocalTime.of(2, 30), UTC).describe()).isEqualTo("weekly mon 02:30 UTC");
        assertThat(new Schedule.After("orders_to_wh").describe()).isEqualTo("after orders_to_wh");
    }
}
