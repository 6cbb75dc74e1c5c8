package io.tidemark.connector.http;

import io.tidemark.api.ChangeBatch;

import java.util.List;
import java.util.Optional;

/** How the records of a change batch become requests to one API object; one per writer, shared by its threads. */
interface RequestPlan {
    /**
     * The requests that carry {@code batch}, and the records that cannot become one.
     *
     * @throws io.tidemark.api.TidemarkException {@link io.tidemark.api.ErrorCode#UNSUPPORTED} when the object sends
     *         nothing for the batch's change class; {@link io.tidemark.api.ErrorCode#COLUMN_NOT_FOUND} when a template
     *         names a field the batch lacks
     */
    Planned plan(ChangeBatch batch);

    /**
     * @param calls     the requests, each with the positions (in the batch) of the records it carries
     * @param refusals  records refused without being sent
     */
    record Planned(List<Call> calls, List<Refusal> refusals) {
        public Planned {
            calls = List.copyOf(calls);
            refusals = List.copyOf(refusals);
        }
    }

    /**
     * One request and the records it carries.
     *
     * @param results where a 2xx answer says which records it refused; empty when a 2xx accepts them all
     * @param what    names the request in messages
     */
    record Call(ApiRequest request, int[] rows, Optional<ApiObject.Results> results, String what) {}

    record Refusal(int row, String reason) {}
}
