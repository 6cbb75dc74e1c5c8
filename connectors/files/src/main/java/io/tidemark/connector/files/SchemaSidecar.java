package io.tidemark.connector.files;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JacksonException;
import io.tidemark.api.Column;
import io.tidemark.api.DataType;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.StreamId;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.TidemarkException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code <stream>.schema.json}: the exact column types of a data file written by the connector, so that they survive
 * a round trip through text. Version 1:
 * <pre>{@code
 * { "formatVersion": 1,
 *   "columns": [ { "name": "total", "kind": "decimal", "precision": 12, "scale": 2, "nullable": true } ],
 *   "primaryKey": [ "id" ] }
 * }</pre>
 * {@code nativeType} per column and {@code nativeDialect} are present when the source schema had them.
 */
final class SchemaSidecar {
    static final int FORMAT_VERSION = 1;

    @JsonPropertyOrder({"formatVersion", "columns", "primaryKey", "nativeDialect"})
    record Document(int formatVersion, List<ColumnEntry> columns, List<String> primaryKey, String nativeDialect) {}

    @JsonPropertyOrder({"name", "kind", "precision", "scale", "nullable", "nativeType"})
    record ColumnEntry(String name, String kind, int precision, int scale, boolean nullable, String nativeType) {}

    private SchemaSidecar() {}

    static void write(OutputStream out, StreamSchema schema) throws IOException {
        List<ColumnEntry> columns = schema.columns().stream().map(c -> new ColumnEntry(c.name(),
                c.type().kind().name().toLowerCase(Locale.ROOT), c.type().precision(), c.type().scale(), c.nullable(),
                c.nativeType())).toList();
        JsonDocuments.write(out, new Document(FORMAT_VERSION, columns, schema.primaryKey(), schema.nativeDialect()));
    }

    /** @throws TidemarkException {@link ErrorCode#SOURCE_DATA_INVALID} when the file is not a valid sidecar */
    static StreamSchema read(Path file, StreamId id) throws IOException {
        Document doc;
        try (InputStream in = Files.newInputStream(file)) {
            doc = JsonDocuments.MAPPER.readValue(in, Document.class);
        } catch (JacksonException e) {
            throw invalid(file, e.getOriginalMessage());
        }
        if (doc == null || doc.columns() == null) throw invalid(file, "it has no \"columns\"");
        if (doc.formatVersion() > FORMAT_VERSION) {
            throw new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "schema sidecar " + file + " has format version "
                    + doc.formatVersion() + ", newer than this Tidemark reads (" + FORMAT_VERSION + "); upgrade Tidemark");
        }
        List<Column> columns = doc.columns().stream().map(c -> column(file, c)).toList();
        StreamSchema schema = new StreamSchema(id, columns, doc.primaryKey() == null ? List.of() : doc.primaryKey(), doc.nativeDialect());
        for (String key : schema.primaryKey()) {
            if (schema.column(key).isEmpty()) throw invalid(file, "primary key column \"" + key + "\" is not one of its columns");
        }
        return schema;
    }

    private static Column column(Path file, ColumnEntry entry) {
        if (entry.name() == null || entry.name().isEmpty()) throw invalid(file, "a column has no \"name\"");
        DataType.Kind kind = Arrays.stream(DataType.Kind.values())
                .filter(k -> k.name().equalsIgnoreCase(String.valueOf(entry.kind()))).findFirst()
                .orElseThrow(() -> invalid(file, "column \"" + entry.name() + "\" has kind \"" + entry.kind() + "\" (kinds: "
                        + Arrays.stream(DataType.Kind.values()).map(k -> k.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", ")) + ")"));
        try {
            return new Column(entry.name(), new DataType(kind, entry.precision(), entry.scale()), entry.nullable(), entry.nativeType());
        } catch (IllegalArgumentException e) {
            throw invalid(file, "column \"" + entry.name() + "\": " + e.getMessage());
        }
    }

    private static TidemarkException invalid(Path file, String problem) {
        return new TidemarkException(ErrorCode.SOURCE_DATA_INVALID, "schema sidecar " + file + " is not valid: " + problem
                + "; correct it, or delete it to infer the column types from the data");
    }
}
