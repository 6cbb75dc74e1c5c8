/**
 * What Tidemark's SQL connectors share, so that nothing is written twice: a small {@link io.tidemark.jdbc.Dialect}
 * (type names both ways, how values cross JDBC, upsert and swap syntax, error classification), a generic
 * {@link io.tidemark.jdbc.JdbcSource} (describe via metadata, stream a result set into batches, cursor windows bounded
 * by {@code max(cursor)} in the same transaction) and a generic {@link io.tidemark.jdbc.JdbcDestination} (create and
 * evolve tables, the {@value io.tidemark.api.SystemColumns#STATE_TABLE} table, replace/upsert/append and keyed changes
 * in one transaction with the state row). A connector supplies a {@link io.tidemark.jdbc.JdbcDatabase} and its bulk path,
 * a {@link io.tidemark.jdbc.BulkLoader}.
 *
 * <p>Depends on {@code tidemark-api} and {@code java.sql} only.
 */
package io.tidemark.jdbc;
