package io.tidemark.cli;

import io.tidemark.api.CaptureStatus;
import io.tidemark.engine.ByteSize;
import io.tidemark.engine.SyncEngine;
import io.tidemark.engine.SyncStatus;
import io.tidemark.store.CaptureLag;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "status", description = "Show a sync's state: paused or active, its last run, its checkpoint and, for "
        + "cdc syncs, the replication slot's lag at the source (bytes of log kept, and time behind).")
final class StatusCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Parameters(paramLabel = "SYNC") String sync;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (SyncEngine engine = workspace.openEngine()) {
            SyncStatus status = engine.status(sync);
            if (json) {
                System.out.println(RunJson.write(asJson(status)));
            } else {
                print(status);
            }
            return ExitCodes.OK;
        }
    }

    private static void print(SyncStatus s) {
        System.out.println("sync:       " + s.sync() + " (" + s.syncType().configName() + ")");
        System.out.println("state:      " + (s.paused() ? "paused (`tidemark resume " + s.sync() + "`)" : "active"));
        System.out.println("last run:   " + s.lastRun().map(r -> Tables.runLine(r, true)).orElse("none yet"));
        System.out.println("checkpoint: " + s.checkpoint().orElse("none (the next run is a first run)"));
        if (s.syncType() != io.tidemark.api.SyncType.CDC) return;
        if (s.capture().isEmpty()) {
            System.out.println("capture:    none at the source: not started yet, or dropped or lost (then `tidemark resync "
                    + s.sync() + "` starts a new one)");
            return;
        }
        CaptureStatus c = s.capture().get();
        CaptureLag lag = s.captureLag().orElseThrow();
        System.out.println("capture:    " + (c.active() ? "reading now" : "idle") + "; confirmed " + c.confirmed() + ", source log at " + c.current());
        System.out.println("lag:        " + ByteSize.format(lag.bytes()) + " of log kept, " + Tables.duration(lag.millis()) + " behind");
        c.invalidated().ifPresent(why -> System.out.println("invalidated: " + why + "; `tidemark resync " + s.sync() + "` starts a new capture"));
    }

    private static Map<String, Object> asJson(SyncStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sync", s.sync());
        m.put("sync_type", s.syncType().configName());
        m.put("paused", s.paused());
        m.put("last_run", s.lastRun().map(RunJson::summary).orElse(null));
        m.put("checkpoint", s.checkpoint().orElse(null));
        s.capture().ifPresent(c -> {
            Map<String, Object> capture = new LinkedHashMap<>();
            capture.put("active", c.active());
            capture.put("confirmed", c.confirmed().text());
            capture.put("current", c.current().text());
            capture.put("lag_bytes", s.captureLag().orElseThrow().bytes());
            capture.put("lag_ms", s.captureLag().orElseThrow().millis());
            capture.put("invalidated", c.invalidated().orElse(null));
            m.put("capture", capture);
        });
        return m;
    }
}
