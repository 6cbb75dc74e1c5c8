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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Sends a run's keyed changes to an API ({@link io.tidemark.api.WriteMode#CHANGES}). Each {@link #apply} sends its
 * requests (concurrently when there are several) and returns once every one was answered:
 *
 * <ul>
 *   <li>a 2xx accepts the request's records, except those its per-record results refuse;</li>
 *   <li>another 4xx to a request of one record refuses it with the answer ({@code HTTP <status>: <body>}) as the reason
 *   (a 404 to a removal is nothing to delete; a 409 to an insert-only addition is a record already there);</li>
 *   <li>another 4xx to a request of several records: the writer sends that request's records again in halves, each
 *   half planned as a batch of its own, until every refused record is alone. Only the refused request's records are
 *   sent again: the other requests of the apply were accepted, and resending them would cost requests (an apply of
 *   10,000 records is about a hundred batch requests) and apply them twice;</li>
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
    /** What the apply that finished last sent, rendered only when asked for. */
    private volatile ExchangeLog lastApply;

    ApiWriter(String connection, ApiClient client, RequestPlan plan, StateFile state, Masker masker, int maxConcurrency) {
        this.connection = connection;
        this.client = client;
        this.plan = plan;
        this.state = state;
        this.masker = masker;
        this.maxConcurrency = maxConcurrency;
        this.lastApply = new ExchangeLog(masker);
    }

    @Override
    public WriteResult write(RowBatch batch) {
        throw new TidemarkException(ErrorCode.INTERNAL, "an API writer takes keyed changes through apply(), not write()");
    }

    @Override
    public WriteResult apply(ChangeBatch batch) {
        ExchangeLog log = new ExchangeLog(masker);
        try {
            return send(batch, log);
        } finally {
            lastApply = log;
        }
    }

    @Override
    public int maxConcurrentApplies() { return maxConcurrency; }

    /** The first {@value ExchangeLog#KEPT} exchanges of the apply that finished last, secrets masked. */
    @Override
    public List<WireExchange> lastExchanges() { return lastApply.exchanges(); }

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
     * Sends the requests of {@code batch} and judges their answers. The records of a request of several that was refused
     * as a whole are sent again in two halves (concurrently, each planned as a batch of its own, so each half is one
     * request) until a refused record is alone and gets the answer as its reason.
     */
    private WriteResult send(ChangeBatch batch, ExchangeLog log) {
        RequestPlan.Planned planned = plan.plan(batch);
        List<Answer> answers = concurrently(planned.calls(), call -> client.send(call.request(), call.what(), log));
        Outcomes outcomes = new Outcomes(batch);
        List<ChangeBatch> halves = new ArrayList<>();
        for (RequestPlan.Refusal r : planned.refusals()) outcomes.add(r.row(), Verdict.REFUSED, r.reason());
        for (int i = 0; i < answers.size(); i++) {
            RequestPlan.Call call = planned.calls().get(i);
            Answer answer = answers.get(i);
            if (answer.ok() && call.results().isPresent()) {
                perRecord(call, answer, call.results().get(), outcomes);
            } else if (answer.ok() || call.rows().length == 1) {
                Verdict verdict = Verdict.of(answer.status(), batch.origin(), batch.op());
                String reason = verdict.refuses() ? answer.summary(masker) : "";
                for (int row : call.rows()) outcomes.add(row, verdict, reason);
            } else {
                int half = call.rows().length / 2;
                halves.add(rows(batch, call.rows(), 0, half));
                halves.add(rows(batch, call.rows(), half, call.rows().length));
            }
        }
        for (WriteResult half : concurrently(halves, h -> send(h, log))) outcomes.add(half);
        return outcomes.result();
    }

    /** The records of {@code batch} at {@code positions[from, to)}, as a batch of the same change. */
    private static ChangeBatch rows(ChangeBatch batch, int[] positions, int from, int to) {
        List<Object[]> all = batch.rows().rows();
        List<Object[]> rows = Arrays.stream(positions, from, to).mapToObj(all::get).toList();
        return new ChangeBatch(batch.op(), new RowBatch(batch.rows().schema(), rows), batch.origin());
    }

    /**
     * Runs {@code task} for each item, concurrently when there are several (the client bounds and paces the requests),
     * and returns the results in order. The first failure is thrown once the other tasks were stopped: an interrupt
     * abandons requests waiting for their turn or a retry.
     */
    private static <T, R> List<R> concurrently(List<T> items, Function<T, R> task) {
        if (items.isEmpty()) return List.of();
        if (items.size() == 1) return List.of(task.apply(items.getFirst()));
        AtomicReferenceArray<R> results = new AtomicReferenceArray<>(items.size());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            ExecutorCompletionService<Integer> done = new ExecutorCompletionService<>(threads);
            for (int i = 0; i < items.size(); i++) {
                int index = i;
                done.submit(() -> {
                    results.set(index, task.apply(items.get(index)));
                    return index;
                });
            }
            try {
                for (int i = 0; i < items.size(); i++) done.take().get();
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
        List<R> ordered = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) ordered.add(results.get(i));
        return ordered;
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
            throw new TidemarkException(ErrorCode.CONFIG_INVALID, where(call) + " answered " + answer.summary(masker)
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
                        outcomes.add(call.rows()[k], Verdict.ofRecord(status.asInt(), outcomes.batch.origin(), outcomes.batch.op()),
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

        /** Adds the outcomes of a part of the batch sent on its own. */
        void add(WriteResult part) {
            written += part.written();
            deleted += part.deleted();
            rejected.addAll(part.rejected());
        }

        WriteResult result() { return new WriteResult(written, deleted, rejected); }
    }
}
