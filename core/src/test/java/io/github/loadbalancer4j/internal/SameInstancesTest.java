package io.github.loadbalancer4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.ServiceInstance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SameInstancesTest {

    private static final ServiceInstance A = ServiceInstance.builder("10.0.0.1", 8080).zone("z1").metadata(Map.of("k", "v")).build();
    private static final ServiceInstance B = ServiceInstance.of("10.0.0.2", 8080);

    @Test
    void listsEqualInEveryValueAreTheSame() {
        List<ServiceInstance> copy = List.of(A.toBuilder().build(), B.toBuilder().build());

        assertThat(SameInstances.same(List.of(A, B), copy)).isTrue();
    }

    @Test
    void aChangedZoneWeightOrMetadataUnderTheSameIdIsAChange() {
        assertThat(SameInstances.same(List.of(A), List.of(A.toBuilder().zone("z2").build()))).isFalse();
        assertThat(SameInstances.same(List.of(A), List.of(A.toBuilder().weight(2).build()))).isFalse();
        assertThat(SameInstances.same(List.of(A), List.of(A.toBuilder().metadata("k", "w").build()))).isFalse();
        assertThat(SameInstances.same(List.of(A), List.of(A.toBuilder().secure(true).build()))).isFalse();
    }

    @Test
    void anotherOrderOrSizeIsAChange() {
        assertThat(SameInstances.same(List.of(A, B), List.of(B, A))).isFalse();
        assertThat(SameInstances.same(List.of(A, B), List.of(A))).isFalse();
    }
}
