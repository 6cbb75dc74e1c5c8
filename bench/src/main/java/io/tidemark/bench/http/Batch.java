package io.tidemark.bench.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The record ids of one batch request. A body is a JSON array of record objects, or an object whose {@code records}
 * field is that array (an envelope); every record needs an {@code id}, a number or a string. Read with Jackson's
 * streaming parser: the records' other fields are skipped, not materialized.
 */
final class Batch {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private long[] numericIds = new long[128];
    private int numericCount;
    private List<String> textIds = List.of();

    private Batch() {}

    /** The records of the batch, counted. */
    int size() {
        return numericCount + textIds.size();
    }

    /** Adds every id to {@code ids}; returns how many were already there (duplicates, within the batch too). */
    int addTo(ReceivedIds ids) {
        int duplicates = 0;
        for (int i = 0; i < numericCount; i++) {
            duplicates += ids.add(numericIds[i]) ? 0 : 1;
        }
        for (String id : textIds) {
            duplicates += ids.add(id) ? 0 : 1;
        }
        return duplicates;
    }

    /** Reads a request body; a {@link Refused} says what is wrong with it. */
    static Batch read(InputStream body) throws IOException, Refused {
        Batch batch = new Batch();
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT && !enterRecordsField(p) || first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
                throw new Refused("the body is neither a JSON array of records nor an object with a \"records\" array");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    throw new Refused("record " + (batch.size() + 1) + " is not a JSON object");
                }
                batch.readRecord(p);
            }
        } catch (JsonProcessingException e) {
            throw new Refused("the body is not valid JSON: " + e.getOriginalMessage());
        }
        return batch;
    }

    /** Moves {@code p} into the array of the envelope's {@code records} field; false when there is none. */
    private static boolean enterRecordsField(JsonParser p) throws IOException {
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            JsonToken value = p.nextToken();
            if ("records".equals(p.currentName()) && value == JsonToken.START_ARRAY) {
                return true;
            }
            p.skipChildren();
        }
        return false;
    }

    private void readRecord(JsonParser p) throws IOException, Refused {
        boolean found = false;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            JsonToken value = p.nextToken();
            if (!found && "id".equals(p.currentName())) {
                found = true;
                switch (value) {
                    case VALUE_NUMBER_INT -> addNumeric(p.getLongValue());
                    case VALUE_STRING -> addText(p.getText());
                    default -> throw new Refused("record " + (size() + 1) + " has an id that is neither a whole number nor a string");
                }
            } else {
                p.skipChildren();
            }
        }
        if (!found) {
            throw new Refused("record " + (size() + 1) + " has no \"id\"");
        }
    }

    private void addNumeric(long id) {
        if (numericCount == numericIds.length) {
            numericIds = Arrays.copyOf(numericIds, numericCount * 2);
        }
        numericIds[numericCount++] = id;
    }

    private void addText(String id) {
        if (textIds.isEmpty()) {
            textIds = new ArrayList<>();
        }
        textIds.add(id);
    }

    /** A body the server answers with 400: the message is the reason. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
