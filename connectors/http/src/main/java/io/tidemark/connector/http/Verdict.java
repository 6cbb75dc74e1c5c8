package io.tidemark.connector.http;

import io.tidemark.api.ChangeClass;
import io.tidemark.api.ChangeOp;

/** What an API's status for one record means (ADR 0012's outcome table). */
enum Verdict {
    /** Applied. */
    ACCEPTED,
    /** A 404 to a removal: the record is not there, so nothing was deleted. */
    NOTHING_TO_DO,
    /** A 409 to an insert-only addition: the record is already there, as a database's "already exists". */
    ALREADY_THERE,
    /** Refused: the record is sent again next run. */
    REFUSED;

    /** Whether the record is returned as a rejection, which needs a reason. */
    boolean refuses() { return this == ALREADY_THERE || this == REFUSED; }

    /** The verdict of a request's 2xx or 4xx status; 401, 403, redirects and transient statuses never get here. */
    static Verdict of(int status, ChangeClass origin, ChangeOp op) {
        if (status >= 200 && status < 300) return ACCEPTED;
        if (status == 404 && origin == ChangeClass.REMOVED) return NOTHING_TO_DO;
        if (status == 409 && origin == ChangeClass.ADDED && op == ChangeOp.INSERT) return ALREADY_THERE;
        return REFUSED;
    }

    /**
     * The verdict of a per-record status in a batch's results: below 400 accepted; otherwise as a request's status, so
     * a 401, 403, 408, 429 or 5xx refuses the record like any other 4xx. The record is sent again next run, not within
     * this one, and the run goes on: the request itself was accepted, so there is no failure to retry or back off
     * from, and a refusal keeps the record for the next run.
     */
    static Verdict ofRecord(int status, ChangeClass origin, ChangeOp op) {
        return status < 400 ? ACCEPTED : of(status, origin, op);
    }
}
