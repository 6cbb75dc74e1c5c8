/**
 * The Tidemark connector API: the contract between the engine and every connector.
 *
 * <p>This package depends on nothing but the JDK. Connectors are discovered with
 * {@link java.util.ServiceLoader} through {@link io.tidemark.api.ConnectorFactory}; the engine never names a
 * connector. Values are immutable records; behaviour is a handful of small interfaces whose Javadoc states
 * the call order the engine guarantees.
 *
 * <h2>Value representation</h2>
 * Row values travel as plain Java objects chosen by the column's {@link io.tidemark.api.DataType.Kind}
 * (see {@link io.tidemark.api.DataType.Kind#javaType()}); {@code null} is SQL NULL.
 */
package io.tidemark.api;
