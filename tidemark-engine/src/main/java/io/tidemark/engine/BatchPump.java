package io.tidemark.engine;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamReader;
import io.tidemark.api.TidemarkException;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Overlaps reading and writing: a reader thread fills a bounded queue that the caller's thread drains, so the
 * source and the destination work at the same time while memory stays bounded by {@link #DEPTH} batches whatever
 * the table size.
 */
final class BatchPump {
    static final int DEPTH = 4;

    private sealed interface Item {
        record Batch(RowBatch batch) implements Item {}

        record End() implements Item {}

        record Failed(Throwable error) implements Item {}
    }

    private BatchPump() {}

    /** Reads every batch of {@code reader} and hands it to {@code sink}; rethrows the first failure of either side. */
    static void run(StreamReader reader, String name, Consumer<RowBatch> sink) {
        BlockingQueue<Item> queue = new ArrayBlockingQueue<>(DEPTH);
        Thread producer = Thread.ofPlatform().daemon().name("tidemark-read-" + name).start(() -> {
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
                Item item = queue.take();
                switch (item) {
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
