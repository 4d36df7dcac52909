package io.github.loadbalancer4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.MutableInstanceSource;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.event.LoadBalancerEvent;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Availability changes stay off the callers' path: a call never takes the writers' lock and never
 * rebuilds the snapshot; the load balancer's own thread does, once for any number of changes, and
 * loses none of them.
 */
class CallerPathTest {

    /** A breaker that opens on its first failure: every failed call is an availability change. */
    private static final CircuitBreakerConfig OPENS_AT_ONCE = CircuitBreakerConfig.custom()
            .slidingWindow(1, 1, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .failureRateThreshold(100)
            .waitDurationInOpenState(Duration.ofHours(1))
            .build();

    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final List<DefaultLoadBalancer> created = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        created.forEach(DefaultLoadBalancer::close);
    }

    private DefaultLoadBalancer loadBalancer(int instances, LoadBalancerConfig config) {
        DefaultLoadBalancer lb = new DefaultLoadBalancer("orders", InstanceSource.of(instances(instances)), config);
        created.add(lb);
        return lb;
    }

    private static List<ServiceInstance> instances(int n) {
        List<ServiceInstance> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(ServiceInstance.of("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 8080));
        }
        return list;
    }

    @Test
    void callsCompleteWhileAnotherThreadHoldsTheWritersLockEvenWhenTheirEndsOpenBreakers() throws Exception {
        DefaultLoadBalancer lb = loadBalancer(100, LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerConfig(OPENS_AT_ONCE).build());
        List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
        lb.getEventPublisher().onEvent(events::add);
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = pool.submit(() -> {
            synchronized (lb.writersLock()) {
                locked.countDown();
                release.await();
            }
            return null;
        });
        locked.await();
        AtomicInteger failedCalls = new AtomicInteger();

        List<CompletableFuture<Void>> callers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            callers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 2_000; i++) {
                    try {
                        lb.executeSupplier(instance -> {
                            if (instance.host().endsWith(".7") || instance.host().endsWith(".8")) {
                                throw new IllegalStateException("down: " + instance); // opens its breaker
                            }
                            return "ok";
                        });
                    } catch (IllegalStateException e) {
                        failedCalls.incrementAndGet();
                    }
                }
            }, pool));
        }
        CompletableFuture.allOf(callers.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        boolean lockStillHeld = holder.isDone() == false;
        int eventsWhileLocked = events.size();
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);

        assertThat(lockStillHeld).isTrue(); // 6,000 calls ran to their end while the lock was held
        // Each breaker opened at its first failure; only calls already past their pick (one per thread) could follow.
        assertThat(failedCalls.get()).isBetween(2, 6);
        assertThat(eventsWhileLocked).isZero(); // no caller ran an event consumer (they need the lock's rebuild)
        await().atMost(Duration.ofSeconds(10)).until(lb::settled);
        assertThat(events).extracting(LoadBalancerEvent::getEventType)
                .containsExactly(LoadBalancerEvent.Type.INSTANCE_EJECTED, LoadBalancerEvent.Type.INSTANCE_EJECTED);
        assertThat(lb.getMetrics().getNumberOfAvailableInstances()).isEqualTo(98);
    }

    @Test
    void tenThousandBreakersOpeningInABurstCostFarFewerRebuildsAndEndInTheSnapshotBuiltFromScratch() throws Exception {
        DefaultLoadBalancer lb = loadBalancer(20_000, LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerConfig(OPENS_AT_ONCE).build());
        List<InstanceState> states = lb.candidates();
        long rebuildsBefore = lb.rebuilds();

        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                // Every other instance fails one call, through the low-level API: 10,000 breakers open.
                for (int i = thread * 2; i < states.size(); i += 8) {
                    DefaultLease lease = new DefaultLease(lb, pickThat(lb, states.get(i)), System.nanoTime());
                    lease.onError(new IllegalStateException("down"));
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get(60, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30)).until(lb::settled);

        long rebuilds = lb.rebuilds() - rebuildsBefore;
        Set<String> selectable = ids(lb.snapshotForTests().selectable);
        Set<String> fromScratch = lb.getInstances().stream().filter(s -> s.circuitBreakerState() == CircuitBreaker.State.CLOSED)
                .map(s -> s.instance().id()).collect(Collectors.toSet());

        assertThat(states.stream().filter(s -> s.circuitBreaker().getState() == CircuitBreaker.State.OPEN)).hasSize(10_000);
        assertThat(rebuilds).isBetween(1L, 1_000L);
        assertThat(selectable).hasSize(10_000).isEqualTo(fromScratch);
    }

    /** Takes the permission of one given instance's breaker and raises its in-flight count, as a pick does. */
    private static InstanceState pickThat(DefaultLoadBalancer lb, InstanceState state) {
        assertThat(state.circuitBreaker().tryAcquirePermission()).isTrue();
        state.started();
        return state;
    }

    @Test
    void noBreakerChangeIsLostUnderFourThreadsAndTenThousandChanges() throws Exception {
        DefaultLoadBalancer lb = loadBalancer(20, LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerConfig(CircuitBreakerConfig.custom()
                        .waitDurationInOpenState(Duration.ofHours(1)).build()).build());
        List<InstanceState> states = lb.candidates();

        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(pool.submit(() -> {
                toggleBreakersAndCall(lb, states, 2_500);
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get(60, TimeUnit.SECONDS);
        }

        // Opened breakers are excluded as soon as a pick meets them; closed ones come back at the next
        // recheck (once a second while any breaker is open), which a call triggers.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            try {
                lb.executeSupplier(ServiceInstance::id);
            } catch (RuntimeException none) {
                // all open
            }
            Set<String> closed = states.stream().filter(s -> s.circuitBreaker().getState() == CircuitBreaker.State.CLOSED)
                    .map(s -> s.instance().id()).collect(Collectors.toSet());
            assertThat(ids(lb.snapshotForTests().selectable)).isEqualTo(closed);
            assertThat(lb.getInstances().stream().filter(InstanceStatus::available).map(s -> s.instance().id()))
                    .containsExactlyInAnyOrderElementsOf(closed);
        });
    }

    @Test
    void breakerChangesRacingListUpdatesAreNotLostWhenUpdatesCarryAvailabilityOver() throws Exception {
        List<ServiceInstance> stable = instances(200);
        MutableInstanceSource source = InstanceSource.mutable(stable.toArray(new ServiceInstance[0]));
        DefaultLoadBalancer lb = new DefaultLoadBalancer("orders", source, LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerConfig(CircuitBreakerConfig.custom()
                        .waitDurationInOpenState(Duration.ofHours(1)).build()).build());
        created.add(lb);
        List<InstanceState> states = lb.candidates();
        CountDownLatch done = new CountDownLatch(3);

        // One thread replaces a changing tail of extra instances as fast as it can (every update
        // carries the stable instances' availability over), while three open and close their breakers.
        Future<?> updates = pool.submit(() -> {
            int generation = 0;
            while (done.getCount() > 0) {
                List<ServiceInstance> next = new ArrayList<>(stable);
                for (int i = 0; i < 5; i++) {
                    next.add(ServiceInstance.of("10.9." + (generation & 255) + "." + i, 9000));
                }
                source.update(next);
                generation++;
            }
            return generation;
        });
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            workers.add(pool.submit(() -> {
                try {
                    toggleBreakersAndCall(lb, states, 3_000);
                    return null;
                } finally {
                    done.countDown();
                }
            }));
        }
        for (Future<?> w : workers) {
            w.get(60, TimeUnit.SECONDS);
        }
        assertThat((Integer) updates.get(60, TimeUnit.SECONDS)).isPositive();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            try {
                lb.executeSupplier(ServiceInstance::id);
            } catch (RuntimeException none) {
                // all open
            }
            Set<String> selectableNow = ids(lb.snapshotForTests().selectable);
            Set<String> closed = states.stream().filter(st -> st.circuitBreaker().getState() == CircuitBreaker.State.CLOSED)
                    .map(st -> st.instance().id()).collect(Collectors.toSet());
            assertThat(selectableNow.stream().filter(id -> !id.startsWith("10.9."))).containsExactlyInAnyOrderElementsOf(closed);
        });
    }

    @Test
    void aListUpdateKeepsWhatTheLastRebuildDecidedForEveryInstanceItKnewAndLooksAtNewOnes() throws Exception {
        List<ServiceInstance> five = instances(5);
        MutableInstanceSource source = InstanceSource.mutable(five.toArray(new ServiceInstance[0]));
        DefaultLoadBalancer lb = new DefaultLoadBalancer("orders", source, LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerConfig(OPENS_AT_ONCE).build());
        created.add(lb);
        InstanceState second = lb.candidates().get(1);
        new DefaultLease(lb, pickThat(lb, second), System.nanoTime()).onError(new IllegalStateException("down"));
        await().atMost(Duration.ofSeconds(10)).until(() -> lb.settled() && lb.snapshotForTests().availableCount == 4);

        ServiceInstance sixth = ServiceInstance.of("10.9.9.9", 8080);
        List<ServiceInstance> next = new ArrayList<>(five);
        next.add(2, sixth); // the ones after it move
        source.update(next);

        Set<String> expected = new HashSet<>(ids(next.stream().map(ServiceInstance::id).collect(Collectors.toList())));
        expected.remove(five.get(1).id());
        assertThat(ids(lb.snapshotForTests().selectable)).isEqualTo(expected);

        source.update(five.subList(1, 5)); // the first leaves; the second is still out
        assertThat(ids(lb.snapshotForTests().selectable))
                .containsExactlyInAnyOrder(five.get(2).id(), five.get(3).id(), five.get(4).id());
    }

    private static Set<String> ids(List<String> ids) {
        return new HashSet<>(ids);
    }

    /** Opens or closes the breaker of a random instance, then makes a call (calls are how the load balancer notices), n times. */
    private static void toggleBreakersAndCall(DefaultLoadBalancer lb, List<InstanceState> states, int n) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            CircuitBreaker breaker = states.get(random.nextInt(states.size())).circuitBreaker();
            try {
                if (breaker.getState() == CircuitBreaker.State.OPEN) {
                    breaker.transitionToClosedState();
                } else {
                    breaker.transitionToOpenState();
                }
            } catch (IllegalStateTransitionException raced) {
                // another thread moved it first
            }
            try {
                lb.executeSupplier(ServiceInstance::id);
            } catch (RuntimeException none) {
                // every breaker may be open for a moment
            }
        }
    }

    private static Set<String> ids(InstanceState[] states) {
        Set<String> ids = new HashSet<>();
        for (InstanceState s : states) {
            ids.add(s.instance().id());
        }
        return ids;
    }
}
