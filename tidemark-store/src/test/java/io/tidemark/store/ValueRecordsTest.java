package io.tidemark.store;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checks of the store's value records: what they refuse never reaches the database. */
class ValueRecordsTest {

    @Test
    void theFourCounterConstructorPlansNoChanges() {
        assertThat(new RunCounts(4, 3, 2, 1)).isEqualTo(new RunCounts(4, 3, 2, 1, 0, 0, 0));
    }

    @Test
    void noRunCounterMayBeNegative() {
        assertThatThrownBy(() -> new RunCounts(0, 0, 0, 0, 0, -1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1 changed");
        assertThatThrownBy(() -> new RunCounts(-1, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1 read");
    }

    @Test
    void captureLagMayNotBeNegative() {
        assertThat(new CaptureLag(0, 0).bytes()).isZero(); // nothing kept, nothing behind: a caught-up capture
        assertThatThrownBy(() -> new CaptureLag(-1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1 bytes");
        assertThatThrownBy(() -> new CaptureLag(0, -5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5 ms");
    }

    @Test
    void aRejectedRecordIsAddedChangedOrRemoved() {
        for (String change : new String[] {"added", "changed", "removed"}) {
            assertThat(new RejectedRecord(change, "1", "no").change()).isEqualTo(change);
        }
        assertThatThrownBy(() -> new RejectedRecord("upserted", "1", "no"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"upserted\"");
        assertThatThrownBy(() -> new RejectedRecord("added", null, "no")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aWorkspaceVersionNeverShowsItsDocument() {
        WorkspaceVersion version = new WorkspaceVersion(3, "{\"password\":\"enc:s3cret\"}", "alice",
                Instant.parse("2026-03-01T10:15:30Z"));

        assertThat(version.toString()).contains("3", "alice", "2026-03-01T10:15:30Z").doesNotContain("s3cret");
        assertThatThrownBy(() -> new WorkspaceVersion(0, "{}", "alice", Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAuditQueryReadsOneToTenThousandEvents() {
        assertThat(query(0, 1).limit()).isEqualTo(1);
        assertThat(query(0, AuditQuery.MAX_LIMIT).limit()).isEqualTo(10_000);
        assertThatThrownBy(() -> query(0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> query(0, 10_001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 10001");
        assertThatThrownBy(() -> query(-1, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("afterId");
    }

    private static AuditQuery query(long afterId, int limit) {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), afterId, limit);
    }
}
