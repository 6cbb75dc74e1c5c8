package io.tidemark.engine;

import java.util.OptionalLong;

/**
 * A running run's counters. {@code bytesMoved} counts raw passthrough bytes, where rows are not decoded and so
 * only counted at the end.
 */
public record Progress(long rowsRead, long rowsWritten, long bytesMoved, OptionalLong estimatedRows) {}
