package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Invariant 1: selection is atomic and never throws because the list changed under it; every pick
 * is an instance of the list before or after a concurrent update.
 */
class ConcurrentSelectionTest {

    private static final int PICKERS = 4;
    private static final int PICKS_PER_THREAD = 250_000; // 1M in all
    private static final int UPDATES = 10_000;

    @Test
    void picksDuringListReplacementNeverFailAndAlwaysComeFromACurrentList() throws Exception {
        // Every list has a generation; an instance's id names the generations it belongs to, so a
        // pick can be checked against the lists current around it without any lock.
        MutableInstanceSource source = InstanceSource.mutable(listOf(0).toArray(new ServiceInstance[0]));
        LoadBalancer lb = LoadBalancer.of("stress", source);
        AtomicLong generation = new AtomicLong();
        AtomicBoolean updating = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicLong noInstance = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(PICKERS + 1);
        CountDownLatch start = new CountDownLatch(1);

        List<Future<Long>> pickers = new ArrayList<>();
        for (int t = 0; t < PICKERS; t++) {
            pickers.add(pool.submit(() -> {
                start.await();
                long picks = 0;
                for (int i = 0; i < PICKS_PER_THREAD; i++) {
                    long before = generation.get();
                    try {
                        Lease lease = lb.acquire();
                        long after = generation.get();
                        int g = generationOf(lease.instance());
                        // `before` was applied before it was read; at most generation after+1 can be
                        // applied (not yet announced) when `after` is read.
                        if (g < before || g > after + 1) {
                            violations.add(lease.instance().id() + " picked between generations " + before + " and " + after);
                        }
                        lease.onSuccess();
                        picks++;
                    } catch (NoAvailableInstanceException e) {
                        noInstance.incrementAndGet(); // an empty list was current: allowed
                    }
                }
                return picks;
            }));
        }
        Future<?> updater = pool.submit(() -> {
            start.await();
            for (int g = 1; g <= UPDATES; g++) {
                List<ServiceInstance> next = listOf(g);
                source.update(next);       // generation g is applied...
                generation.set(g);         // ...then announced
            }
            updating.set(false);
            return null;
        });
        start.countDown();
        updater.get(2, TimeUnit.MINUTES);
        long picks = 0;
        for (Future<Long> f : pickers) {
            picks += f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertThat(violations).isEmpty();
        assertThat(picks + noInstance.get()).isEqualTo((long) PICKERS * PICKS_PER_THREAD);
        assertThat(picks).isGreaterThan(noInstance.get());
        assertThat(updating).isFalse();
        assertThat(lb.getInstances()).hasSize(listOf(UPDATES).size());
        assertThat(lb.getInstances()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
    }

    /** Generation g: sizes cycle through growing, shrinking and empty lists; ids carry g. */
    private static List<ServiceInstance> listOf(int g) {
        int size = g % 10 == 9 ? 0 : 1 + (g * 7) % 12;
        List<ServiceInstance> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(ServiceInstance.builder("10.0." + (i / 250) + "." + (i % 250 + 1), 8080).id("g" + g + "-" + i).build());
        }
        return list;
    }

    private static int generationOf(ServiceInstance instance) {
        String id = instance.id();
        return Integer.parseInt(id.substring(1, id.indexOf('-')));
    }

}
