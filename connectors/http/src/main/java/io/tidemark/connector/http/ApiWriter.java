package io.tidemark.connector.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.api.ChangeBatch;
import io.tidemark.api.ChangeClass;
import io.tidemark.api.ChangeOp;
import io.tidemark.api.CommittedState;
import io.tidemark.api.ErrorCode;
import io.tidemark.api.RejectedRow;
import io.tidemark.api.RowBatch;
import io.tidemark.api.StreamSchema;
import io.tidemark.api.StreamWriter;
import io.tidemark.api.TidemarkException;
import io.tidemark.api.WireExchange;
import io.tidemark.api.WriteResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sends a run's keyed changes to an API ({@link io.tidemark.api.WriteMode#CHANGES}). Each {@link #apply} sends its
 * requests (concurrently when there are several) and returns once every one was answered:
 *
 * <ul>
 *   <li>a 2xx accepts the request's records, except those its per-record results refuse;</li>
 *   <li>another 4xx to a request of one record refuses it with the answer as the reason (a 404 to a removal is nothing
 *   to delete; a 409 to an insert-only addition is a record already there); to a request of several records the call
 *   throws {@link ErrorCode#DESTINATION_REJECTED}, and the engine sends halves of the batch until the refused record
 *   is alone;</li>
 *   <li>what {@link ApiClient} throws (credentials, permissions, exhausted retries) fails the run.</li>
 * </ul>
 *
 * <p>An API has no transaction: what was sent is applied. {@link #commit} records the checkpoint in the connection's
 * {@link StateFile} after every request was answered; a run that fails before commits nothing, so the next run sends
 * its records again, which the idempotent requests absorb (at least once).
 */
final class ApiWriter implements StreamWriter {
    private final String connection;
    private final ApiClient client;
    private final RequestPlan plan;
    private final StateFile state;
    private final Masker masker;
    private final int maxConcurrency;
    private volatile List<WireExchange> lastExchanges = List.of();

    ApiWriter(String connection, ApiClient client, RequestPlan plan, StateFile state, Masker masker, int maxConcurrency) {
        this.connection = connection;
        this.client = client;
        this.plan = plan;
        this.state = state;
        this.masker = masker;
        this.maxConcurrency = maxConcurrency;
    }

    @Override
    public WriteResult write(RowBatch batch) {
        throw new TidemarkException(ErrorCode.INTERNAL, "an API writer takes keyed changes through apply(), not write()");
    }

    @Override
    public WriteResult apply(ChangeBatch batch) {
        ExchangeLog log = new ExchangeLog(masker);
        try {
            RequestPlan.Planned planned = plan.plan(batch);
            List<Answer> answers = sendAll(planned.calls(), log);
            return judge(batch, planned, answers);
        } finally {
            lastExchanges = log.exchanges();
        }
    }

    @Override
    public int maxConcurrentApplies() { return maxConcurrency; }

    /** The first {@value ExchangeLog#KEPT} exchanges of the apply that finished last, secrets masked. */
    @Override
    public List<WireExchange> lastExchanges() { return lastExchanges; }

    /** Nothing to do: every request was sent and answered before its {@code apply} returned. */
    @Override
    public void commitDataOnly() { }

    @Override
    public void commit(CommittedState committed) { state.put(committed); }

    @Override
    public void close() {
        // Requests are answered within apply; the client belongs to the destination.
    }

    /**
     * Sends the calls, concurrently when there are several (the client bounds and paces them). The first failure is
     * thrown once the others were stopped: an interrupt abandons requests waiting for their turn or a retry.
     */
    private List<Answer> sendAll(List<RequestPlan.Call> calls, ExchangeLog log) {
        if (calls.isEmpty()) return List.of();
        if (calls.size() == 1) return List.of(client.send(calls.getFirst().request(), calls.getFirst().what(), log));
        Answer[] answers = new Answer[calls.size()];
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            ExecutorCompletionService<Integer> done = new ExecutorCompletionService<>(threads);
            for (int i = 0; i < calls.size(); i++) {
                int index = i;
                done.submit(() -> {
                    answers[index] = client.send(calls.get(index).request(), calls.get(index).what(), log);
                    return index;
                });
            }
            try {
                for (int i = 0; i < calls.size(); i++) done.take().get();
            } catch (ExecutionException e) {
                threads.shutdownNow();
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new TidemarkException(ErrorCode.INTERNAL, "sending a request failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                threads.shutdownNow();
                Thread.currentThread().interrupt();
                throw new TidemarkException(ErrorCode.CANCELLED, "interrupted while sending requests; the next run sends them again", e);
            }
        }
        return List.of(answers);
    }

    private WriteResult judge(ChangeBatch batch, RequestPlan.Planned planned, List<Answer> answers) {
        Outcomes outcomes = new Outcomes(batch);
        for (RequestPlan.Refusal r : planned.refusals()) outcomes.add(r.row(), Verdict.REFUSED, r.reason());
        for (int i = 0; i < answers.size(); i++) {
            RequestPlan.Call call = planned.calls().get(i);
            Answer answer = answers.get(i);
            if (answer.ok() && call.results().isPresent()) {
                perRecord(call, answer, call.results().get(), outcomes);
            } else if (answer.ok() || call.rows().length == 1) {
                Verdict verdict = Verdict.of(answer.status(), batch.origin(), batch.op());
                String reason = verdict.refuses() ? masker.mask(answer.summary()) : "";
                for (int row : call.rows()) outcomes.add(row, verdict, reason);
            } else {
                throw new TidemarkException(ErrorCode.DESTINATION_REJECTED, where(call) + " (" + call.rows().length
                        + " records) was refused: " + masker.mask(answer.summary()));
            }
        }
        return outcomes.result();
    }

    private String where(RequestPlan.Call call) {
        return "connection \"" + connection + "\": " + call.request().method() + " " + masker.mask(call.request().uri().toString())
                + " (" + call.what() + ")";
    }

    /** Reads the per-record results of a 2xx answer: one item per record sent, in order. */
    private void perRecord(RequestPlan.Call call, Answer answer, ApiObject.Results results, Outcomes outcomes) {
        JsonNode items;
        try {
            items = JsonValues.MAPPER.readTree(answer.body()).at(results.items());
        } catch (JacksonException | IllegalArgumentException e) {
            items = null;
        }
        if (items == null || !items.isArray() || items.size() != call.rows().length) {
            String found = items == null || items.isMissingNode() ? "nothing"
                    : items.isArray() ? items.size() + " items" : "a " + items.getNodeType().toString().toLowerCase(Locale.ROOT);
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, where(call) + " answered " + masker.mask(answer.summary())
                    + ", where results.items " + results.items() + " finds " + found + " for " + call.rows().length
                    + " records sent; fix results (items must point at one result per record, in order)");
        }
        for (int k = 0; k < call.rows().length; k++) {
            JsonNode item = items.get(k);
            switch (results.judge()) {
                case ApiObject.Judge.ByError e -> {
                    JsonNode error = item.at(e.pointer());
                    boolean refused = !error.isMissingNode() && !error.isNull() && !(error.isBoolean() && !error.booleanValue())
                            && !(error.isTextual() ? error.textValue().isEmpty() : error.isContainerNode() && error.isEmpty());
                    outcomes.add(call.rows()[k], refused ? Verdict.REFUSED : Verdict.ACCEPTED,
                            refused ? masker.mask(error.isTextual() ? error.textValue() : error.toString()) : "");
                }
                case ApiObject.Judge.ByStatus s -> {
                    JsonNode status = item.at(s.pointer());
                    boolean numeric = status.isIntegralNumber() || status.isTextual() && status.textValue().matches("\\d{3}");
                    if (!numeric) {
                        outcomes.add(call.rows()[k], Verdict.REFUSED, masker.mask("no status at " + s.pointer() + " in the result " + item));
                    } else {
                        outcomes.add(call.rows()[k], Verdict.of(status.asInt(), outcomes.batch.origin(), outcomes.batch.op()),
                                masker.mask("status " + status.asInt() + ": " + item));
                    }
                }
            }
        }
    }

    /** Counts and rejections of one apply. */
    private static final class Outcomes {
        final ChangeBatch batch;
        private final int[] keyPositions;
        private long written;
        private long deleted;
        private final List<RejectedRow> rejected = new ArrayList<>();

        Outcomes(ChangeBatch batch) {
            this.batch = batch;
            StreamSchema schema = batch.rows().schema();
            this.keyPositions = schema.primaryKey().stream().mapToInt(schema::indexOf).toArray();
        }

        void add(int row, Verdict verdict, String reason) {
            switch (verdict) {
                case ACCEPTED -> {
                    if (batch.origin() == ChangeClass.REMOVED && batch.op() == ChangeOp.DELETE) deleted++;
                    else written++;
                }
                case NOTHING_TO_DO -> { }
                case ALREADY_THERE -> rejected.add(new RejectedRow(key(row), "already exists (" + reason + ")"));
                case REFUSED -> rejected.add(RejectedRow.refused(key(row), reason));
            }
        }

        private List<Object> key(int row) {
            Object[] values = batch.rows().rows().get(row);
            List<Object> key = new ArrayList<>(keyPositions.length);
            for (int p : keyPositions) key.add(values[p]);
            return key;
        }

        WriteResult result() { return new WriteResult(written, deleted, rejected); }
    }
}
