package io.tidemark.connector.http;

import com.fasterxml.jackson.core.JsonPointer;
import io.tidemark.api.ChangeClass;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An API object of an {@code http} connection, which a sync names as its {@code table}: the request each change class
 * sends. Read from {@code objects.<name>} by {@link ObjectsParser}.
 */
record ApiObject(String name, Map<ChangeClass, Request> requests) {
    ApiObject {
        requests = Map.copyOf(new EnumMap<>(requests));
    }

    Optional<Request> request(ChangeClass change) { return Optional.ofNullable(requests.get(change)); }

    /**
     * One change class's request.
     *
     * @param setting where it is configured ({@code objects.contacts.added}), for messages
     * @param headers the object's headers overlaid with the request's own, in order
     * @param body    the body of one record; empty for none (a per-record {@code DELETE} without {@code body})
     * @param batch   several records per request; empty for one request per record
     */
    record Request(String setting, String method, Template url, List<Header> headers, Optional<JsonTemplate> body,
                   Optional<Batch> batch, Optional<Results> results) {
        Request {
            headers = List.copyOf(headers);
        }
    }

    record Header(String name, Template value) {}

    enum Format { JSON_ARRAY, NDJSON }

    /**
     * @param size     most records per request; empty to send each batch the engine applies as one request
     * @param envelope the JSON around the records ({@code {{records}}} is their array); empty to send the bare array
     */
    record Batch(OptionalInt size, Format format, Optional<JsonTemplate> envelope) {}

    /** Where a batch response holds one item per record sent, in order, and how an item says it was refused. */
    record Results(JsonPointer items, Judge judge) {}

    sealed interface Judge {
        /** The item's value at {@code pointer}, when present and not empty, is the refusal's reason. */
        record ByError(JsonPointer pointer) implements Judge {}

        /** The item's value at {@code pointer} is an HTTP-like status; 400 and above is a refusal. */
        record ByStatus(JsonPointer pointer) implements Judge {}
    }
}
