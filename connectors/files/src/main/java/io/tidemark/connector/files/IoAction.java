package io.tidemark.connector.files;

import java.io.IOException;

/** A step that may fail with an {@link IOException}, for helpers that classify it. */
@FunctionalInterface
interface IoAction {
    void run() throws IOException;
}
