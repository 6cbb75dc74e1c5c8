package io.tidemark.connector.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;

/** The mapper for the small JSON files the connector keeps beside the data (schema sidecars, committed state). */
final class JsonDocuments {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            // Newer versions may add fields; an older reader ignores them rather than refusing the file.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private JsonDocuments() {}

    /** Writes {@code document} indented, ending with a line feed like any text file. */
    static void write(OutputStream out, Object document) throws IOException {
        MAPPER.writeValue(out, document);
        out.write('\n');
    }
}
