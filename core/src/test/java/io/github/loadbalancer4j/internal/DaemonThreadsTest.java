package io.github.loadbalancer4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

    @Test
    void noThreadIsAliveOnceShutdownAndJoinReturns() throws Exception {
        for (int round = 0; round < 200; round++) { // the race it closes lasts microseconds: try it often
            String prefix = "test-pool-" + round + "-";
            DaemonThreads threads = DaemonThreads.numbered("test-pool-" + round);
            ExecutorService pool = Executors.newFixedThreadPool(2, threads);
            List<Thread> seen = new ArrayList<>();
            CountDownLatch running = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                pool.execute(() -> {
                    synchronized (seen) {
                        seen.add(Thread.currentThread());
                    }
                    running.countDown();
                });
            }
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

            boolean ended = threads.shutdownAndJoin(pool, false, Duration.ofSeconds(10));

            assertThat(ended).isTrue();
            assertThat(seen).hasSize(2).noneMatch(Thread::isAlive).allMatch(Thread::isDaemon);
            assertThat(seen).extracting(Thread::getName).allMatch(n -> n.startsWith(prefix));
        }
    }

    @Test
    void calledFromItsOwnThreadItShutsDownWithoutWaitingForItself() throws Exception {
        DaemonThreads threads = DaemonThreads.named("test-single");
        ExecutorService single = Executors.newSingleThreadExecutor(threads);
        CompletableFuture<Boolean> fromInside = new CompletableFuture<>();
        single.execute(() -> fromInside.complete(threads.shutdownAndJoin(single, false, Duration.ofSeconds(30))));

        assertThat(fromInside.get(10, TimeUnit.SECONDS)).isFalse(); // returned at once: it cannot outlive itself
        assertThat(single.isShutdown()).isTrue();
        assertThat(threads.shutdownAndJoin(single, false, Duration.ofSeconds(10))).isTrue();
    }
}
