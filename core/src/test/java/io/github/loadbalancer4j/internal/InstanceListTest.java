package io.github.loadbalancer4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.ServiceInstance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The reconciliation of whole lists: states kept by id, positions right after every kind of change,
 * duplicates (which a source that does not extend {@code AbstractInstanceSource} may deliver) skipped
 * with the first one winning.
 */
class InstanceListTest {

    private static ServiceInstance instance(int i) {
        return ServiceInstance.of("10.0." + (i >> 8 & 255) + "." + (i & 255), 8080);
    }

    private static InstanceList newList() {
        return new InstanceList(new InstanceCircuitBreakers("list", LoadBalancerConfig.ofDefaults()), new CoarseTicker(0), 0);
    }

    private static List<String> ids(InstanceState[] states) {
        return Arrays.stream(states).map(s -> s.instance().id()).collect(Collectors.toList());
    }

    private static void assertPositions(InstanceList list) {
        InstanceState[] known = list.known();
        for (int i = 0; i < known.length; i++) {
            assertThat(known[i].position).as("position of %s", known[i].instance().id()).isEqualTo(i);
        }
    }

    @Test
    void unchangedInstancesKeepTheirStateThroughReplacementsInsertionsRemovalsAndMoves() {
        InstanceList list = newList();
        List<ServiceInstance> current = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            current.add(instance(i));
        }
        list.apply(current, 0);
        Random random = new Random(7);
        int next = 1_000;
        for (int round = 0; round < 2_000; round++) {
            Map<String, InstanceState> before = new HashMap<>();
            for (InstanceState s : list.known()) {
                before.put(s.instance().id(), s);
            }
            List<ServiceInstance> changed = new ArrayList<>(current);
            switch (random.nextInt(5)) {
                case 0: // a rolling-deploy step
                    changed.set(random.nextInt(changed.size()), instance(next++));
                    break;
                case 1:
                    changed.add(random.nextInt(changed.size() + 1), instance(next++));
                    break;
                case 2:
                    if (changed.size() > 1) {
                        changed.remove(random.nextInt(changed.size()));
                    }
                    break;
                case 3:
                    Collections.swap(changed, random.nextInt(changed.size()), random.nextInt(changed.size()));
                    break;
                default:
                    Collections.shuffle(changed, random);
            }
            // Equal copies, not the same objects: a discovery source builds its instances anew.
            List<ServiceInstance> delivered = changed.stream().map(s -> s.toBuilder().build()).collect(Collectors.toList());
            InstanceList.Change change = list.apply(delivered, round);

            assertThat(ids(list.known())).containsExactlyElementsOf(delivered.stream().map(ServiceInstance::id).collect(Collectors.toList()));
            assertPositions(list);
            for (InstanceState s : list.known()) {
                InstanceState was = before.get(s.instance().id());
                if (was != null) {
                    assertThat(s).as("state of %s", s.instance().id()).isSameAs(was);
                } else {
                    assertThat(change.added).contains(s);
                }
            }
            assertThat(change.removed).allSatisfy(r -> assertThat(delivered).noneMatch(d -> d.id().equals(r.instance().id())));
            assertThat(change.removed.size()).isEqualTo(before.size() + change.added.size() - delivered.size());
            current = changed;
        }
    }

    @Test
    void aDuplicateIdInOneListIsSkippedTheFirstWinning() {
        InstanceList list = newList();
        ServiceInstance a = instance(1);
        ServiceInstance b = instance(2);
        ServiceInstance c = instance(3);
        list.apply(List.of(a, b), 0);
        InstanceState stateOfA = list.known()[0];

        // A known id twice, a new id twice, and the known one once more at the end.
        ServiceInstance heavierB = b.toBuilder().weight(5).build();
        InstanceList.Change change = list.apply(List.of(heavierB, a, b, c, c.toBuilder().weight(9).build(), a), 1);

        assertThat(ids(list.known())).containsExactly(b.id(), a.id(), c.id());
        assertPositions(list);
        assertThat(list.known()[1]).isSameAs(stateOfA);
        assertThat(list.known()[0].instance().weight()).isEqualTo(5);
        assertThat(list.known()[2].instance().weight()).isEqualTo(c.weight());
        assertThat(change.added).extracting(s -> s.instance().id()).containsExactly(c.id());
        assertThat(change.removed).isEmpty();

        // The next update sees the compacted list: nothing is lost or found twice.
        change = list.apply(List.of(c, b), 2);
        assertThat(ids(list.known())).containsExactly(c.id(), b.id());
        assertPositions(list);
        assertThat(change.removed).extracting(s -> s.instance().id()).containsExactly(a.id());
    }

    @Test
    void aChangedWeightUnderTheSameIdUpdatesTheInstanceInPlace() {
        InstanceList list = newList();
        list.apply(List.of(instance(1), instance(2)), 0);
        InstanceState second = list.known()[1];

        list.apply(List.of(instance(1), instance(2).toBuilder().weight(3).build()), 1);

        assertThat(list.known()[1]).isSameAs(second);
        assertThat(second.instance().weight()).isEqualTo(3);
    }
}
