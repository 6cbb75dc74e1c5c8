package io.tidemark.connector.files;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.util.Arrays;

/**
 * A map from encoded keys ({@link KeyColumns#encode}) to an {@code int}, compact enough to hold every key of a file:
 * the keys' bytes lie end to end in one array, and an open-addressing table (linear probing, at most half full) holds
 * each key's offset into it and its value. That costs 16 to 32 bytes per key plus the key's own length, where a
 * {@code HashMap} of strings takes about 100.
 */
final class KeyTable {
    /** What {@link #get} returns for a key the table does not hold. */
    static final int ABSENT = Integer.MIN_VALUE;
    /** Arrays of the JVM hold a little less than {@link Integer#MAX_VALUE} elements. */
    private static final int MAX_ARENA = Integer.MAX_VALUE - 8;

    /** What holds the keys, for messages. */
    private final String owner;
    private byte[] arena = new byte[1 << 12];
    private int arenaUsed;
    /** Per slot: 1 + the offset of its key's entry in {@link #arena} (a varint length, then the bytes); 0 = empty. */
    private int[] slots = new int[1 << 8];
    private int[] values = new int[1 << 8];
    private int size;

    /** @param owner what holds the keys, for messages: {@code connection "x": /data/orders.csv} */
    KeyTable(String owner) { this.owner = owner; }

    int size() { return size; }

    /** The value of {@code key}, or {@link #ABSENT}. */
    int get(byte[] key) {
        int slot = slotOf(key);
        return slots[slot] == 0 ? ABSENT : values[slot];
    }

    /** Sets the value of {@code key}, adding the key when the table does not hold it. */
    void put(byte[] key, int value) {
        int slot = slotOf(key);
        if (slots[slot] != 0) {
            values[slot] = value;
            return;
        }
        slots[slot] = store(key) + 1;
        values[slot] = value;
        if (++size > slots.length / 2) grow();
    }

    /** The slot holding {@code key}, or the empty slot where it belongs. */
    private int slotOf(byte[] key) {
        int mask = slots.length - 1;
        for (int slot = hash(key, 0, key.length) & mask; ; slot = (slot + 1) & mask) {
            if (slots[slot] == 0 || holds(slots[slot] - 1, key)) return slot;
        }
    }

    private boolean holds(int entry, byte[] key) {
        long bytes = bytesOf(entry);
        int from = (int) (bytes >>> 32);
        int length = (int) bytes;
        return length == key.length && Arrays.equals(arena, from, from + length, key, 0, length);
    }

    /** Where the key of the entry at {@code entry} lies in the arena: its offset in the high half, its length in the low. */
    private long bytesOf(int entry) {
        int length = 0;
        int at = entry;
        for (int shift = 0; ; shift += 7) {
            byte b = arena[at++];
            length |= (b & 0x7F) << shift;
            if (b >= 0) return (long) at << 32 | length;
        }
    }

    /** Appends {@code key} to the arena; returns its entry's offset. */
    private int store(byte[] key) {
        int needed = 5 + key.length;
        if ((long) arenaUsed + needed > MAX_ARENA) {
            throw new TidemarkException(ErrorCode.UNSUPPORTED, owner + " has more keys than the 2 GiB of key text a files "
                    + "destination indexes in memory; write a table this large to a database connection");
        }
        if (arenaUsed + needed > arena.length) {
            arena = Arrays.copyOf(arena, (int) Math.min(MAX_ARENA, Math.max(2L * arena.length, arenaUsed + needed)));
        }
        int entry = arenaUsed;
        for (int length = key.length; ; length >>>= 7) {
            if (length < 0x80) {
                arena[arenaUsed++] = (byte) length;
                break;
            }
            arena[arenaUsed++] = (byte) (length & 0x7F | 0x80);
        }
        System.arraycopy(key, 0, arena, arenaUsed, key.length);
        arenaUsed += key.length;
        return entry;
    }

    private void grow() {
        int[] oldSlots = slots;
        int[] oldValues = values;
        slots = new int[oldSlots.length * 2];
        values = new int[oldSlots.length * 2];
        int mask = slots.length - 1;
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] == 0) continue;
            int slot = hashOfEntry(oldSlots[i] - 1) & mask;
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = oldSlots[i];
            values[slot] = oldValues[i];
        }
    }

    private int hashOfEntry(int entry) {
        long bytes = bytesOf(entry);
        int from = (int) (bytes >>> 32);
        return hash(arena, from, from + (int) bytes);
    }

    /** FNV-1a over the bytes, then mixed (murmur3's finalizer) so that keys differing in their last digit spread. */
    private static int hash(byte[] bytes, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) h = (h ^ bytes[i]) * 0x01000193;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }
}
