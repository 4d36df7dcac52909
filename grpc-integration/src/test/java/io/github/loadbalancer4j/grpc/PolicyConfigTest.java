package io.github.loadbalancer4j.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.SelectionStrategy;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code loadbalancer4j} object of a service config: what it accepts, and what a bad value says. */
class PolicyConfigTest {

    private final BalancingPolicyProvider policy = BalancingPolicyProvider.builder()
            .loadBalancerRegistry(LoadBalancerRegistry.custom()
                    .addLoadBalancerConfig("sticky", LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.consistentHash()).build())
                    .build())
            .build();

    @Test
    void everyKeyIsReadAndNoneIsRequired() {
        ConfigOrError full = policy.parseLoadBalancingPolicyConfig(Map.of("strategy", "least-requests", "config", "sticky",
                "name", "orders-eu", "failureStatusCodes", List.of("unavailable", "INTERNAL")));
        ConfigOrError empty = policy.parseLoadBalancingPolicyConfig(Map.of());

        assertThat(full.getError()).isNull();
        assertThat(full.getConfig()).hasToString("PolicyConfig{strategy=leastRequests, config=sticky, name=orders-eu, "
                + "failureStatusCodes=[INTERNAL, UNAVAILABLE]}");
        assertThat(empty.getError()).isNull();
    }

    @Test
    void unknownStrategyIsAnUnavailableErrorListingTheKnownNames() {
        ConfigOrError parsed = policy.parseLoadBalancingPolicyConfig(Map.of("strategy", "fastest"));

        assertThat(parsed.getError().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(parsed.getError().getDescription())
                .startsWith("loadbalancer4j policy config {strategy=fastest}: "
                        + "strategy: 'fastest' (expected: one of round-robin, weighted-round-robin,");
    }

    @Test
    void unknownKeyIsAnErrorNamingTheKnownKeys() {
        ConfigOrError parsed = policy.parseLoadBalancingPolicyConfig(Map.of("stratgey", "round-robin"));

        assertThat(parsed.getError().getDescription()).isEqualTo("loadbalancer4j policy config {stratgey=round-robin}: "
                + "unknown key 'stratgey' (expected: one of [strategy, config, name, failureStatusCodes])");
    }

    @Test
    void valuesOfTheWrongTypeOrRangeAreErrorsNamingTheKey() {
        assertThat(policy.parseLoadBalancingPolicyConfig(Map.of("strategy", 3.0)).getError().getDescription())
                .endsWith("strategy: 3.0 (expected: a string)");
        assertThat(policy.parseLoadBalancingPolicyConfig(Map.of("config", "eu")).getError().getDescription())
                .endsWith("config: 'eu' (expected: the name of a config of the provider's LoadBalancerRegistry)");
        assertThat(policy.parseLoadBalancingPolicyConfig(Map.of("name", " ")).getError().getDescription())
                .endsWith("name: ' ' (expected: a non-blank name)");
        assertThat(policy.parseLoadBalancingPolicyConfig(Map.of("failureStatusCodes", "UNAVAILABLE")).getError().getDescription())
                .endsWith("failureStatusCodes: UNAVAILABLE (expected: a list of status code names)");
        assertThat(policy.parseLoadBalancingPolicyConfig(Map.of("failureStatusCodes", List.of("BROKEN"))).getError().getDescription())
                .endsWith("failureStatusCodes: 'BROKEN' (expected: a status code name, one of [CANCELLED, UNKNOWN, INVALID_ARGUMENT, "
                        + "DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, "
                        + "ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED])");
        assertThat(policy.parseLoadBalancingPolicyConfig(Map.of("failureStatusCodes", List.of("OK"))).getError().getDescription())
                .endsWith("failureStatusCodes: [OK] (expected: codes other than OK)");
    }

    @Test
    void badPolicyConfigInAChannelsDefaultServiceConfigFailsItsBuildWithTheMessage() {
        assertThatThrownBy(() -> Grpc.newChannelBuilder("dns:///orders.example.com:443", InsecureChannelCredentials.create())
                .defaultServiceConfig(TestChannels.serviceConfig(BalancingPolicyProvider.POLICY_NAME, Map.of("strategy", "fastest")))
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Default config is invalid")
                .hasMessageContaining("loadbalancer4j policy config {strategy=fastest}: strategy: 'fastest' (expected: one of round-robin,");
    }

    @Test
    void providerBuilderChecksItsArguments() {
        assertThatThrownBy(() -> BalancingPolicyProvider.builder().priority(11))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("priority: 11 (expected: 0-10)");
        assertThatThrownBy(() -> BalancingPolicyProvider.builder().policyName(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("policyName: '' (expected: a non-blank name)");
        assertThatThrownBy(() -> InstanceSourceNameResolverProvider.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessage("no source (expected: at least one source(name, source))");
        assertThatThrownBy(() -> InstanceSourceNameResolverProvider.builder().scheme("1lb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scheme: '1lb' (expected: a letter, then letters, digits, '+', '-' or '.')");
        assertThatThrownBy(() -> InstanceSourceNameResolverProvider.builder().source("orders/v2", io.github.loadbalancer4j.InstanceSource.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: 'orders/v2' (expected: a non-blank name without '/', '?', '#', '%' or spaces)");
    }

    @Test
    void theProviderFoundOnTheClassPathIsTheLoadbalancer4jPolicy() {
        io.grpc.LoadBalancerProvider found = io.grpc.LoadBalancerRegistry.getDefaultRegistry().getProvider("loadbalancer4j");

        assertThat(found).isInstanceOf(BalancingPolicyProvider.class);
        assertThat(found.getPriority()).isEqualTo(5);
    }
}
