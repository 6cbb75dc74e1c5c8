package io.tidemark.cli;

import io.tidemark.engine.Progress;
import io.tidemark.engine.RunListener;
import io.tidemark.store.RunRecord;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Shows a run's progress on stderr: a redrawn bar on a terminal (rows, rows/s, ETA when the total is known),
 * otherwise a plain line every few seconds, so logs of scheduled runs stay readable. Listens to the engine in this
 * process, or is fed what a server reports about its run.
 */
final class ProgressPrinter implements RunListener {
    private static final Duration PLAIN_INTERVAL = Duration.ofSeconds(5);
    private static final int BAR_WIDTH = 24;

    private final PrintStream err;
    private final boolean terminal;
    private final Clock clock;
    private String sync = "";
    private Instant started;
    private Instant lastPlain = Instant.EPOCH;
    private boolean drawn;

    ProgressPrinter(PrintStream err, boolean terminal, Clock clock) {
        this.err = err;
        this.terminal = terminal;
        this.clock = clock;
    }

    @Override
    public void started(RunRecord run) { started(run.syncName(), run.id()); }

    void started(String syncName, long runId) {
        sync = syncName;
        started = clock.instant();
        if (!terminal) err.println(sync + ": run " + runId + " started");
    }

    @Override
    public void progress(Progress p) {
        Instant now = clock.instant();
        double seconds = Math.max(0.001, Duration.between(started, now).toMillis() / 1000.0);
        String line = describe(p, seconds);
        if (terminal) {
            err.print("\r\033[2K" + line);
            err.flush();
            drawn = true;
        } else if (Duration.between(lastPlain, now).compareTo(PLAIN_INTERVAL) >= 0) {
            lastPlain = now;
            err.println(line);
        }
    }

    private String describe(Progress p, double seconds) {
        StringBuilder s = new StringBuilder(sync).append(": ");
        if (p.rowsRead() == 0 && p.bytesMoved() > 0) {
            return s.append(String.format("%,.1f MB copied (passthrough)  %,.1f MB/s", p.bytesMoved() / 1_048_576.0,
                    p.bytesMoved() / 1_048_576.0 / seconds)).toString();
        }
        double rate = p.rowsRead() / seconds;
        if (p.estimatedRows().isPresent() && p.estimatedRows().getAsLong() > 0) {
            long total = p.estimatedRows().getAsLong();
            double done = Math.min(1.0, (double) p.rowsRead() / total);
            int filled = (int) Math.round(done * BAR_WIDTH);
            s.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
            s.append(String.format("%,d / ~%,d rows  %,.0f rows/s", p.rowsRead(), total, rate));
            if (rate > 0 && done < 1.0) s.append("  ETA ").append(clockTime((long) ((total - p.rowsRead()) / rate)));
        } else {
            s.append(String.format("%,d rows  %,.0f rows/s", p.rowsRead(), rate));
        }
        if (p.rowsWritten() > 0) s.append(String.format("  %,d written", p.rowsWritten()));
        return s.toString();
    }

    private static String clockTime(long seconds) {
        return seconds >= 3600 ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%d:%02d", seconds / 60, seconds % 60);
    }

    @Override
    public void finished(RunRecord run) { finished(); }

    void finished() {
        if (drawn) {
            err.print("\r\033[2K");
            err.flush();
            drawn = false;
        }
    }
}
