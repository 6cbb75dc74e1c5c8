package io.tidemark.engine;

/** The live counters of a run, which a transfer reports to as it goes. */
interface RunTally {
    void read(long rows);

    /** The diff's classification: what the run plans to send. */
    void planned(long added, long changed, long removed);

    void applied(long written, long deleted, long rejected);

    /** Lets the run report progress (throttled). */
    void progress();
}
