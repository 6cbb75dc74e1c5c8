package io.tidemark.api;

import java.util.ArrayList;
import java.util.List;

/** Every problem found at once; empty means all checks passed. {@code passed} lists what was verified. */
public record CheckReport(List<String> passed, List<Problem> problems) {
    public CheckReport {
        passed = List.copyOf(passed);
        problems = List.copyOf(problems);
    }

    public boolean ok() { return problems.isEmpty(); }

    public CheckReport and(CheckReport other) {
        List<String> p = new ArrayList<>(passed);
        p.addAll(other.passed);
        List<Problem> q = new ArrayList<>(problems);
        q.addAll(other.problems);
        return new CheckReport(p, q);
    }

    public static CheckReport empty() { return new CheckReport(List.of(), List.of()); }
}
