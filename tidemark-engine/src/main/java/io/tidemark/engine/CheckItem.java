package io.tidemark.engine;

import io.tidemark.api.CheckReport;

/** What {@code check} found for one subject: {@code connection app} or {@code sync orders_to_wh}. */
public record CheckItem(String subject, CheckReport report) {}
