package io.tidemark.cli;

import io.tidemark.server.api.AuditCsv;
import io.tidemark.store.AuditEvent;
import io.tidemark.store.AuditQuery;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "audit", description = "The audit trail, oldest first: every configuration change and operation, who did it "
        + "and when — of a server (--server) or of the local workspace's state store.")
final class AuditCommand implements Callable<Integer> {
    /** Events read per request; the whole trail (after the filters) is printed. */
    private static final int PAGE = 1_000;

    @Mixin WorkspaceOptions workspace;

    @Option(names = "--csv", description = "Print CSV (RFC 4180) with the before and after of each change, as the API's audit.csv.")
    boolean csv;

    @Option(names = "--sync", paramLabel = "NAME", description = "Only events about this sync.")
    String sync;

    @Option(names = "--since", paramLabel = "INSTANT", converter = InstantConverter.class,
            description = "Only events at or after this time, e.g. 2026-11-21T00:00:00Z.")
    Instant since;

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            List<AuditEvent> events = new ArrayList<>();
            long afterId = 0;
            while (true) {
                List<AuditEvent> page = backend.audit(new AuditQuery(Optional.ofNullable(sync).map(s -> "sync/" + s), Optional.empty(),
                        Optional.ofNullable(since), afterId, PAGE));
                events.addAll(page);
                if (page.size() < PAGE) break;
                afterId = page.getLast().id();
            }
            System.out.print(csv ? AuditCsv.write(events) : Tables.grid(List.of("ID", "AT", "ACTOR", "ACTION", "TARGET", "DETAIL"),
                    events.stream().map(e -> List.of(Long.toString(e.id()), e.at().toString(), e.actor(), e.action(), e.target(),
                            e.detail().orElse(""))).toList()));
            return ExitCodes.OK;
        }
    }

    /** {@code --since} as the API takes it: an ISO-8601 instant. */
    static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("an ISO-8601 instant such as 2026-11-21T00:00:00Z, not \"" + value + "\"");
            }
        }
    }
}
