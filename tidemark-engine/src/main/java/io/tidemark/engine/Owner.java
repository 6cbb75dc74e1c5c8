package io.tidemark.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who runs a run: {@code host:pid}. A run left {@code running} by an owner that no longer exists (killed) is
 * taken over by the next run of its sync. Owners on other hosts are assumed alive: only they can tell.
 */
public final class Owner {
    private Owner() {}

    public static String current() { return host() + ":" + ProcessHandle.current().pid(); }

    public static boolean isAlive(String owner) {
        int colon = owner.lastIndexOf(':');
        if (colon < 0 || !owner.substring(0, colon).equals(host())) return true;
        try {
            return ProcessHandle.of(Long.parseLong(owner.substring(colon + 1))).map(ProcessHandle::isAlive).orElse(false);
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
