package io.tidemark.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;

/**
 * Who runs a run: {@code host:pid:start}, the process start time telling a live process from a later one that
 * reused the pid (containers run every engine as pid 1). A run left {@code running} by an owner that no longer
 * exists (killed) is taken over by the next run of its sync. Owners on other hosts are assumed alive: only they can
 * tell (the server's cluster scheduler owns that case).
 */
public final class Owner {
    private static final String HOST = host();

    private Owner() {}

    public static String current() {
        ProcessHandle self = ProcessHandle.current();
        return HOST + ":" + self.pid() + ":" + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    public static boolean isAlive(String owner) {
        String[] parts = owner.split(":");
        if (parts.length != 3 || !parts[0].equals(HOST)) return true;
        try {
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(parts[1])).filter(ProcessHandle::isAlive);
            long started = Long.parseLong(parts[2]);
            return process.map(p -> started == 0 || p.info().startInstant().map(Instant::toEpochMilli).orElse(started) == started)
                    .orElse(false);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
