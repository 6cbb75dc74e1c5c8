package io.tidemark.engine;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamReader;
import io.tidemark.api.TidemarkException;
import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Overlaps reading and writing: a reader thread fills a bounded queue that the caller's thread drains, so the
 * source and the destination work at the same time while memory stays bounded by {@link #DEPTH} batches whatever
 * the table size.
 */
final class BatchPump {
    static final int DEPTH = 4;
    /** While the source is slow to hand over a batch, a cancel is noticed this often. */
    private static final long CANCEL_CHECK_MILLIS = 200;

    private sealed interface Item {
        record Batch(RowBatch batch) implements Item {}

        record End() implements Item {}

        record Failed(Throwable error) implements Item {}
    }

    private BatchPump() {}

    /**
     * Reads every batch of {@code reader} and hands it to {@code sink}; rethrows the first failure of either side.
     * Between batches (and while waiting for one) it is a safe point of the run: a cancelled {@code control} stops it
     * with {@link ErrorCode#CANCELLED}.
     */
    static void run(StreamReader reader, String name, RunControl control, Consumer<RowBatch> sink) {
        BlockingQueue<Item> queue = new ArrayBlockingQueue<>(DEPTH);
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        Thread producer = Thread.ofPlatform().daemon().name("tidemark-read-" + name).start(() -> {
            // The reader's log lines carry the run's sync and run id too.
            if (logContext != null) MDC.setContextMap(logContext);
            try {
                for (RowBatch b = reader.next(); b != null; b = reader.next()) queue.put(new Item.Batch(b));
                queue.put(new Item.End());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                // Always hand the consumer a terminal item, also for errors, or it would wait forever.
                try {
                    queue.put(new Item.Failed(e));
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try {
            while (true) {
                control.throwIfCancelled();
                Item item = queue.poll(CANCEL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                switch (item) {
                    case null -> { }
                    case Item.Batch(RowBatch batch) -> sink.accept(batch);
                    case Item.End() -> { return; }
                    case Item.Failed(Throwable error) -> {
                        if (error instanceof RuntimeException e) throw e;
                        if (error instanceof Error e) throw e;
                        throw new IllegalStateException(error);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TidemarkException(ErrorCode.CANCELLED, "run interrupted while reading " + name);
        } finally {
            producer.interrupt();
            joinQuietly(producer);
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
