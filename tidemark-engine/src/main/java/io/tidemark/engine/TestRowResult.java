package io.tidemark.engine;

import io.tidemark.api.ChangeOp;
import io.tidemark.api.WireExchange;
import io.tidemark.api.ChangeClass;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code test-row} sent and what the destination answered. The checkpoint and the snapshot do not move.
 *
 * @param op       the operation sent; empty when the sync's mode sends nothing for the class (then {@code answer} says why)
 * @param sent     the destination fields and values sent
 * @param accepted whether the destination applied the change
 * @param answer   the destination's answer: what it did, or its reason for refusing
 * @param exchanges the requests sent and the responses, secrets masked, for destinations called over a wire protocol
 *                  (an HTTP API); empty otherwise
 */
public record TestRowResult(String syncName, ChangeClass as, Optional<ChangeOp> op, String target, Map<String, Object> sent,
                           boolean accepted, String answer, List<WireExchange> exchanges) {
    public TestRowResult {
        exchanges = List.copyOf(exchanges);
    }
}
