package io.tidemark.connector.http;

import io.tidemark.api.CommittedState;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static io.tidemark.connector.http.ApiFixture.CONTACTS;
import static io.tidemark.connector.http.ApiFixture.added;
import static io.tidemark.connector.http.ApiFixture.contact;
import static io.tidemark.connector.http.ApiFixture.http;
import static io.tidemark.connector.http.ApiFixture.writer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An API cannot hold the checkpoint, so the workspace does: one JSON file per connection. */
class CommittedStateTest {
    private static final String PUT = """
            { "contacts": { "added": { "method": "PUT", "url": "/contacts/{{email}}" } },
              "deals":    { "added": { "method": "PUT", "url": "/deals/{{email}}" } } }""";

    @TempDir
    Path workspace;
    private FakeApi api;
    private ApiFixture fixture;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi();
        fixture = new ApiFixture(workspace);
    }

    @AfterEach
    void stop() { api.close(); }

    private static CommittedState state(String syncKey, long runId) {
        return new CommittedState(syncKey, runId, "{\"version\":" + runId + "}", Instant.parse("2026-03-01T12:00:00Z").plusSeconds(runId));
    }

    @Test
    void aCommittedCheckpointIsReadBackByTheNextDestinationFromTheWorkspaceFile() {
        try (ApiDestination crm = fixture.http(http(api, PUT)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            assertThat(crm.committedState("sync_contacts")).isEmpty();
            w.apply(added(CONTACTS, contact("a@x.io", "A", 1)));
            w.commit(state("sync_contacts", 7));
        }
        try (ApiDestination crm = fixture.http(http(api, PUT))) {
            assertThat(crm.committedState("sync_contacts")).contains(state("sync_contacts", 7));
        }
        assertThat(workspace.resolve(".tidemark/destinations/crm.json")).content().contains("\"formatVersion\" : 1").contains("sync_contacts");
        try (ApiDestination crm = fixture.http(http(api, PUT))) {
            assertThat(crm.check().passed()).anyMatch(p -> p.startsWith("state file")).anyMatch(p -> p.startsWith("reached " + api.url()));
        }
    }

    @Test
    void aTestRowCommitsNothing() {
        try (ApiDestination crm = fixture.http(http(api, PUT)); StreamWriter w = writer(crm, "contacts", CONTACTS)) {
            w.apply(added(CONTACTS, contact("a@x.io", "A", 1)));
            w.commitDataOnly();
            assertThat(crm.committedState("sync_contacts")).isEmpty();
        }
        assertThat(api.contacts).containsKey("a@x.io");
    }

    @Test
    void deletingASyncsDataForgetsOnlyItsCheckpointAndLeavesTheApiAlone() {
        try (ApiDestination crm = fixture.http(http(api, PUT))) {
            try (StreamWriter w = writer(crm, "contacts", CONTACTS)) {
                w.apply(added(CONTACTS, contact("a@x.io", "A", 1)));
                w.commit(state("sync_contacts", 3));
            }
            try (StreamWriter w = writer(crm, "deals", CONTACTS)) {
                w.commit(state("sync_deals", 4));
            }
            crm.deleteData("sync_contacts", CONTACTS.id());
            assertThat(crm.committedState("sync_contacts")).isEmpty();
            assertThat(crm.committedState("sync_deals")).contains(state("sync_deals", 4));
        }
        assertThat(api.contacts).containsKey("a@x.io");
    }

    @Test
    void anUnreadableStateFileFailsNamingTheFileAndTheWayOut() throws Exception {
        Path file = workspace.resolve(".tidemark/destinations/crm.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{ not json");
        try (ApiDestination crm = fixture.http(http(api, PUT))) {
            assertThatThrownBy(() -> crm.committedState("sync_contacts")).isInstanceOfSatisfying(TidemarkException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIG_INVALID);
                assertThat(e.getMessage()).contains(file.toString()).contains("delete it so that every sync of this connection starts over");
            });
            assertThat(crm.check().problems()).hasSize(1);
        }
    }
}
