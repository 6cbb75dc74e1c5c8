package io.tidemark.jdbc;

/**
 * What a {@link JdbcWriter} does with what it is given between open and commit: rows to load
 * ({@link io.tidemark.api.StreamWriter#write}) or keyed changes to apply ({@link io.tidemark.api.StreamWriter#apply}),
 * by its write mode.
 */
sealed interface Intake permits RowLoad, ChangeApplier {

    /** Releases what the intake holds; never throws. */
    void close();
}
