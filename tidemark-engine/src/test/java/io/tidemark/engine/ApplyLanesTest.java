package io.tidemark.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApplyLanesTest {

    @Test
    void oneLaneRunsEachApplyInlineOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        Thread[] ran = new Thread[1];
        try (ApplyLanes lanes = new ApplyLanes(1)) {
            lanes.submit(() -> ran[0] = Thread.currentThread());
        }
        assertThat(ran[0]).isSameAs(caller);
    }

    @Test
    void manyLanesRunAppliesAtOnceButNeverMoreThanTheLanes() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        CountDownLatch fourRunning = new CountDownLatch(4);
        try (ApplyLanes lanes = new ApplyLanes(4)) {
            for (int i = 0; i < 40; i++) {
                lanes.submit(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    fourRunning.countDown();
                    try {
                        fourRunning.await(); // the first four wait for each other: proof that they overlap
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    done.incrementAndGet();
                });
            }
            lanes.drain();
            assertThat(done).hasValue(40);
        }
        assertThat(most.get()).isEqualTo(4);
    }

    @Test
    void aLaneFailureIsRethrownToTheProducerAfterTheRunningAppliesFinish() {
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch bothSubmitted = new CountDownLatch(1);
        try (ApplyLanes lanes = new ApplyLanes(3)) {
            lanes.submit(() -> {
                try {
                    bothSubmitted.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("destination gone");
            });
            lanes.submit(finished::incrementAndGet);
            bothSubmitted.countDown();
            assertThatThrownBy(lanes::drain).isInstanceOf(IllegalStateException.class).hasMessage("destination gone");
            assertThatThrownBy(() -> lanes.submit(finished::incrementAndGet)).hasMessage("destination gone");
        }
        assertThat(finished).hasValue(1);
    }
}
