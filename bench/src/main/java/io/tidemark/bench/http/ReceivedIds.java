package io.tidemark.bench.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The record ids the server accepted, for counting unique ids and duplicates. Ids in {@code [0, capacity)} take one bit
 * of a bitmap (a 3M-row benchmark needs 375 KB and no allocation per record); any other id, numeric or not, goes to a
 * concurrent set. A numeric string in canonical form ({@code "42"}) is the same id as the number 42. Thread-safe.
 */
final class ReceivedIds {
    private final int capacity;
    private final AtomicLongArray bits;
    private final Set<String> others = ConcurrentHashMap.newKeySet();
    private final LongAdder unique = new LongAdder();

    ReceivedIds(int capacity) {
        this.capacity = capacity;
        this.bits = new AtomicLongArray((capacity + 63) / 64);
    }

    /** Adds a numeric id; true when it is new. */
    boolean add(long id) {
        boolean added;
        if (id >= 0 && id < capacity) {
            long mask = 1L << id;   // the shift takes the low 6 bits: the id's position in its word
            added = (bits.getAndAccumulate((int) (id >>> 6), mask, (word, bit) -> word | bit) & mask) == 0;
        } else {
            added = others.add(Long.toString(id));
        }
        if (added) {
            unique.increment();
        }
        return added;
    }

    /** Adds a textual id; true when it is new. */
    boolean add(String id) {
        Long number = canonicalNumber(id);
        if (number != null) {
            return add(number.longValue());
        }
        boolean added = others.add(id);
        if (added) {
            unique.increment();
        }
        return added;
    }

    long unique() {
        return unique.sum();
    }

    private static Long canonicalNumber(String id) {
        if (id.isEmpty() || id.length() > 19) {
            return null;
        }
        try {
            long value = Long.parseLong(id);
            return Long.toString(value).equals(id) ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
