package io.github.loadbalancer4j.vavr;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.vavr.CheckedFunction0;
import io.vavr.control.Either;
import io.vavr.control.Try;
import java.io.IOException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The example of {@code docs/vavr.md}, verbatim, with each of its comments checked. */
class VavrPageTest {

    @Test
    void tryEitherAndCheckedDecoratorsRecordOnTheChosenInstance() throws Throwable {
        LoadBalancer orders = LoadBalancer.of("orders",
                InstanceSource.ofUris("http://127.0.0.11:8080", "http://127.0.0.12:8080"));

        // Try: a Failure the call returns is recorded as a failure of the instance that produced it
        Supplier<Try<String>> getOrder = VavrLoadBalancer.decorateTrySupplier(orders,
                instance -> Try.of(() -> "order 42 from " + instance.uri("/orders/42")));
        Try<String> order = getOrder.get();                                 // Success(order 42 from http://127.0.0.1x:8080/orders/42)
        Try<String> failed = VavrLoadBalancer.executeTrySupplier(orders,
                instance -> Try.failure(new IOException("503 from " + instance.id())));   // one failure on that instance's breaker

        // Either: a Left is recorded the same way
        Either<Exception, String> either = VavrLoadBalancer.executeEitherSupplier(orders,
                instance -> Either.right("order 43 from " + instance.id()));

        // CheckedFunction0: throws what the call threw
        CheckedFunction0<String> checked = VavrLoadBalancer.decorateCheckedSupplier(orders,
                instance -> "order 44 from " + instance.id());
        String third = checked.apply();

        // No instance available: a Failure (or Left) of NoAvailableInstanceException, never a throw
        LoadBalancer empty = LoadBalancer.of("users", InstanceSource.of());
        Try<String> none = VavrLoadBalancer.executeTrySupplier(empty, instance -> Try.success("never runs"));
        boolean noInstance = none.getCause() instanceof NoAvailableInstanceException;   // true

        assertThat(order.get()).matches("order 42 from http://127\\.0\\.0\\.1[12]:8080/orders/42");
        String failedOn = failed.getCause().getMessage().substring("503 from ".length());
        InstanceStatus failedInstance = orders.getInstances().stream().filter(s -> s.instance().id().equals(failedOn))
                .findFirst().orElseThrow();
        assertThat(failedInstance.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(orders.getInstances().stream().mapToInt(s -> s.circuitBreaker().getMetrics().getNumberOfFailedCalls()).sum())
                .isEqualTo(1);
        assertThat(either.get()).startsWith("order 43 from 127.0.0.1");
        assertThat(third).startsWith("order 44 from 127.0.0.1");
        assertThat(noInstance).isTrue();
        orders.close();
        empty.close();
    }
}
