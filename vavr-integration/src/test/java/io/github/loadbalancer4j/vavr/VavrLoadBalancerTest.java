package io.github.loadbalancer4j.vavr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.MutableInstanceSource;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vavr.CheckedConsumer;
import io.vavr.CheckedFunction0;
import io.vavr.CheckedFunction1;
import io.vavr.CheckedRunnable;
import io.vavr.control.Either;
import io.vavr.control.Try;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VavrLoadBalancerTest {

    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);
    private final ServiceInstance c = ServiceInstance.of("127.0.0.13", 8080);
    private final List<LoadBalancer> created = new ArrayList<>();

    @AfterEach
    void closeLoadBalancers() {
        created.forEach(LoadBalancer::close);
    }

    @Test
    void checkedSupplierSpreadsCallsOverTheInstances() throws Throwable {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a, b, c));
        CheckedFunction0<String> call = VavrLoadBalancer.decorateCheckedSupplier(lb, ServiceInstance::host);

        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            hosts.add(call.apply());
        }

        assertThat(hosts).containsOnly("127.0.0.11", "127.0.0.12", "127.0.0.13");
        assertThat(hosts.subList(0, 3)).doesNotHaveDuplicates().isEqualTo(hosts.subList(3, 6));
        assertThat(successfulCallsOn(lb)).containsExactly(2, 2, 2);
    }

    @Test
    void checkedExceptionsThrownUndeclaredEndTheLeaseInEveryShape() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a));
        IOException sneaky = new IOException("thrown undeclared, as Kotlin does");
        java.util.function.Function<ServiceInstance, Try<String>> trying = instance -> sneaky(sneaky);
        java.util.function.Function<ServiceInstance, io.vavr.control.Either<? extends Exception, String>> either =
                instance -> sneaky(sneaky);

        Try<String> tried = VavrLoadBalancer.decorateTrySupplier(lb, trying).get();
        io.vavr.control.Either<Exception, String> eithered = VavrLoadBalancer.decorateEitherSupplier(lb, either).get();
        Throwable checked = org.assertj.core.api.Assertions.catchThrowable(
                () -> VavrLoadBalancer.decorateCheckedRunnable(lb, instance -> sneaky(sneaky)).run());

        assertThat(tried.getCause()).isSameAs(sneaky);
        assertThat(eithered.getLeft()).isSameAs(sneaky);
        assertThat(checked).isSameAs(sneaky);
        assertThat(failedCallsOn(lb)).containsExactly(3);
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsExactly(0);
    }

    @SuppressWarnings("unchecked")
    private static <T, E extends Throwable> T sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @Test
    void checkedSupplierThrowsTheCallsCheckedExceptionAndRecordsIt() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a));
        IOException refused = new IOException("connection refused");
        CheckedFunction0<String> call = VavrLoadBalancer.decorateCheckedSupplier(lb, instance -> {
            throw refused;
        });

        assertThatThrownBy(call::apply).isSameAs(refused);

        assertThat(failedCallsOn(lb)).containsExactly(1);
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsExactly(0);
    }

    @Test
    void checkedSupplierThrowsNoAvailableInstanceWhenTheSourceIsEmpty() {
        LoadBalancer lb = loadBalancer(InstanceSource.of());
        CheckedFunction0<String> call = VavrLoadBalancer.decorateCheckedSupplier(lb, ServiceInstance::host);

        assertThatThrownBy(call::apply)
                .isInstanceOf(NoAvailableInstanceException.class)
                .hasMessage("LoadBalancer 'orders' has no available instance (0 known: discovery returned no instances)");
    }

    @Test
    void checkedRunnableHandsTheInstanceToTheCall() throws Throwable {
        LoadBalancer lb = loadBalancer(InstanceSource.of(b));
        List<ServiceInstance> seen = new ArrayList<>();
        CheckedRunnable call = VavrLoadBalancer.decorateCheckedRunnable(lb, seen::add);

        call.run();
        VavrLoadBalancer.executeCheckedRunnable(lb, seen::add);

        assertThat(seen).containsExactly(b, b);
        assertThat(successfulCallsOn(lb)).containsExactly(2);
    }

    @Test
    void checkedFunctionPassesTheArgumentAlong() throws Throwable {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a));
        CheckedFunction1<Integer, String> call = VavrLoadBalancer.decorateCheckedFunction(lb,
                (instance, id) -> instance.uri("/orders/" + id).toString());

        String uri = call.apply(42);

        assertThat(uri).isEqualTo("http://127.0.0.11:8080/orders/42");
    }

    @Test
    void checkedConsumerRecordsItsFailureOnTheInstance() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a));
        List<String> sent = new ArrayList<>();
        CheckedConsumer<String> call = VavrLoadBalancer.decorateCheckedConsumer(lb, (instance, message) -> {
            sent.add(instance.host() + ":" + message);
            if (message.equals("poison")) {
                throw new IOException("rejected " + message);
            }
        });

        Try<Void> first = Try.run(() -> call.accept("hello"));
        Try<Void> second = Try.run(() -> call.accept("poison"));

        assertThat(first.isSuccess()).isTrue();
        assertThat(second.getCause()).isInstanceOf(IOException.class).hasMessage("rejected poison");
        assertThat(sent).containsExactly("127.0.0.11:hello", "127.0.0.11:poison");
        assertThat(successfulCallsOn(lb)).containsExactly(1);
        assertThat(failedCallsOn(lb)).containsExactly(1);
    }

    @Test
    void trySupplierReturnsTheCallsSuccess() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a));
        Supplier<Try<String>> call = VavrLoadBalancer.decorateTrySupplier(lb, instance -> Try.success(instance.id()));

        Try<String> result = call.get();

        assertThat(result.get()).isEqualTo("127.0.0.11:8080");
        assertThat(successfulCallsOn(lb)).containsExactly(1);
    }

    @Test
    void failedTryIsRecordedOnTheInstancesBreaker() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a, b));
        IllegalStateException boom = new IllegalStateException("boom");
        Supplier<Try<String>> call = VavrLoadBalancer.decorateTrySupplier(lb,
                instance -> instance.equals(a) ? Try.failure(boom) : Try.success("ok"));

        // Round robin starts at a random instance: two calls reach both, in either order.
        List<Try<String>> results = List.of(call.get(), call.get());

        assertThat(results).filteredOn(Try::isFailure).singleElement()
                .satisfies(failure -> assertThat(failure.getCause()).isSameAs(boom));
        assertThat(results).filteredOn(Try::isSuccess).singleElement()
                .satisfies(success -> assertThat(success.get()).isEqualTo("ok"));
        assertThat(failedCallsOn(lb)).containsExactly(1, 0);
        assertThat(successfulCallsOn(lb)).containsExactly(0, 1);
    }

    @Test
    void noAvailableInstanceBecomesAFailure() {
        LoadBalancer lb = loadBalancer(InstanceSource.of());
        List<ServiceInstance> called = new ArrayList<>();

        Try<String> result = VavrLoadBalancer.executeTrySupplier(lb, instance -> {
            called.add(instance);
            return Try.success("never");
        });

        assertThat(result.isFailure()).isTrue();
        assertThat(result.getCause()).isInstanceOf(NoAvailableInstanceException.class)
                .hasMessageContaining("'orders' has no available instance");
        assertThat(called).isEmpty();
    }

    @Test
    void exceptionThrownInsteadOfReturnedBecomesAFailureAndIsRecorded() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a));
        IllegalArgumentException thrown = new IllegalArgumentException("bad request");

        Try<String> result = VavrLoadBalancer.executeTrySupplier(lb, instance -> {
            throw thrown;
        });

        assertThat(result.getCause()).isSameAs(thrown);
        assertThat(failedCallsOn(lb)).containsExactly(1);
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsExactly(0);
    }

    @Test
    void nullTryIsAFailureNamingWhatWasExpected() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a));

        Try<String> result = VavrLoadBalancer.executeTrySupplier(lb, instance -> null);

        assertThat(result.getCause()).isInstanceOf(NullPointerException.class)
                .hasMessage("the call returned null (expected: a Try)");
        assertThat(failedCallsOn(lb)).containsExactly(1);
    }

    @Test
    void failingInstanceIsIsolatedAndTheOthersCarryTheCalls() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a, b, c));
        Supplier<Try<ServiceInstance>> call = VavrLoadBalancer.decorateTrySupplier(lb,
                instance -> instance.equals(c) ? Try.failure(new IOException("reset by " + instance)) : Try.success(instance));
        for (int i = 0; i < 15; i++) {
            call.get();
        }

        List<Try<ServiceInstance>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            results.add(call.get());
        }

        assertThat(breakerOf(lb, c).getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(results).allMatch(Try::isSuccess);
        assertThat(results).extracting(Try::get).containsOnly(a, b);
    }

    @Test
    void keyedTryGoesWhereTheSelectionContextSays() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a, b));
        SelectionContext notA = SelectionContext.empty().excluding(a);

        List<ServiceInstance> picked = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            picked.add(VavrLoadBalancer.executeTrySupplier(lb, notA, Try::success).get());
        }

        assertThat(picked).containsOnly(b);
    }

    @Test
    void eitherSupplierReturnsTheCallsRight() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a));
        Supplier<Either<Exception, Integer>> call = VavrLoadBalancer.decorateEitherSupplier(lb,
                instance -> Either.right(instance.port()));

        Either<Exception, Integer> result = call.get();

        assertThat(result.get()).isEqualTo(8080);
        assertThat(successfulCallsOn(lb)).containsExactly(1);
    }

    @Test
    void leftIsRecordedAsAFailureOnTheInstance() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a));
        IOException timeout = new IOException("read timed out");

        Either<Exception, String> result = VavrLoadBalancer.executeEitherSupplier(lb, instance -> Either.left(timeout));

        assertThat(result.getLeft()).isSameAs(timeout);
        assertThat(failedCallsOn(lb)).containsExactly(1);
    }

    @Test
    void noAvailableInstanceBecomesALeft() {
        MutableInstanceSource source = InstanceSource.mutable(a);
        LoadBalancer lb = loadBalancer(source);
        source.update(List.of());

        Either<Exception, String> result = VavrLoadBalancer.executeEitherSupplier(lb, instance -> Either.right("never"));

        assertThat(result.isLeft()).isTrue();
        assertThat(result.getLeft()).isInstanceOf(NoAvailableInstanceException.class)
                .hasMessage("LoadBalancer 'orders' has no available instance (0 known: discovery returned no instances)");
        assertThat(lb.getMetrics().getNumberOfNoAvailableInstanceCalls()).isEqualTo(1);
    }

    @Test
    void exceptionThrownInsteadOfALeftBecomesALeftAndIsRecorded() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a));
        IllegalStateException thrown = new IllegalStateException("boom");

        Either<Exception, String> result = VavrLoadBalancer.executeEitherSupplier(lb, instance -> {
            throw thrown;
        });

        assertThat(result.getLeft()).isSameAs(thrown);
        assertThat(failedCallsOn(lb)).containsExactly(1);
    }

    @Test
    void errorThrownByAnEitherCallIsRecordedAndRethrown() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a));
        AssertionError error = new AssertionError("broken invariant");

        assertThatThrownBy(() -> VavrLoadBalancer.executeEitherSupplier(lb, instance -> {
            throw error;
        })).isSameAs(error);

        assertThat(failedCallsOn(lb)).containsExactly(1);
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsExactly(0);
    }

    @Test
    void nullArgumentsAreRejectedByName() {
        LoadBalancer lb = loadBalancer(InstanceSource.of(a));

        assertThatThrownBy(() -> VavrLoadBalancer.decorateTrySupplier(null, instance -> Try.success(1)))
                .isInstanceOf(NullPointerException.class).hasMessage("loadBalancer");
        assertThatThrownBy(() -> VavrLoadBalancer.decorateEitherSupplier(lb, null))
                .isInstanceOf(NullPointerException.class).hasMessage("call");
        assertThatThrownBy(() -> VavrLoadBalancer.executeTrySupplier(lb, null, Try::success))
                .isInstanceOf(NullPointerException.class).hasMessage("context");
    }

    private LoadBalancer loadBalancer(InstanceSource source) {
        LoadBalancer lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        created.add(lb);
        return lb;
    }

    private static List<Integer> successfulCallsOn(LoadBalancer lb) {
        return lb.getInstances().stream().map(s -> s.circuitBreaker().getMetrics().getNumberOfSuccessfulCalls()).toList();
    }

    private static List<Integer> failedCallsOn(LoadBalancer lb) {
        return lb.getInstances().stream().map(s -> s.circuitBreaker().getMetrics().getNumberOfFailedCalls()).toList();
    }

    private static CircuitBreaker breakerOf(LoadBalancer lb, ServiceInstance instance) {
        return lb.getInstances().stream().filter(s -> s.instance().equals(instance)).findFirst().orElseThrow().circuitBreaker();
    }
}
