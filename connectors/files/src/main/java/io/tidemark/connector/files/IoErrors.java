package io.tidemark.connector.files;

import io.tidemark.api.ErrorCode;
import io.tidemark.api.TidemarkException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/** Classifies file system failures into error codes, with messages that name the file and the fix. */
final class IoErrors {
    private IoErrors() {}

    /**
     * @param where  the message prefix naming the connection
     * @param action what was being done, e.g. {@code "writing"}
     * @param path   the file it was done to (a {@link FileSystemException}'s own file wins)
     */
    static TidemarkException of(String where, String action, Path path, IOException e) {
        Path file = e instanceof FileSystemException f && f.getFile() != null ? Path.of(f.getFile()) : path;
        String detail = detail(e);
        if (isDiskFull(detail)) {
            return new TidemarkException(ErrorCode.DISK_FULL, where + "no space left on the device " + action + " " + file
                    + "; free space on that file system (or set path to a folder on a larger one) and run again", e);
        }
        if (e instanceof AccessDeniedException || detail.contains("Read-only file system")) {
            return new TidemarkException(ErrorCode.PERMISSION_DENIED, where + "permission denied " + action + " " + file
                    + " (" + detail + "); give the user running Tidemark read and write access to its folder", e);
        }
        return new TidemarkException(ErrorCode.IO_ERROR, where + "I/O error " + action + " " + file + ": " + detail
                + "; check the file system and run again", e);
    }

    private static String detail(IOException e) {
        String detail = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        return detail == null ? e.getClass().getSimpleName() : detail;
    }

    /** ENOSPC and EDQUOT, as the JDK spells them on Linux and macOS. */
    private static boolean isDiskFull(String detail) {
        return detail.contains("No space left on device") || detail.contains("Disk quota exceeded");
    }
}
