package io.github.loadbalancer4j.vavr;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.core.functions.CheckedFunction;
import io.vavr.CheckedConsumer;
import io.vavr.CheckedFunction0;
import io.vavr.CheckedFunction1;
import io.vavr.CheckedFunction2;
import io.vavr.CheckedRunnable;
import io.vavr.control.Either;
import io.vavr.control.Try;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The load balancer's decorators in vavr types, in the shape of resilience4j-vavr's
 * {@code VavrCircuitBreaker}: each invocation goes to an instance the load balancer picks, and how
 * the call went is recorded on that instance's circuit breaker, in-flight count and latency.
 * <pre>{@code
 * Supplier<Try<Order>> getOrder = VavrLoadBalancer.decorateTrySupplier(orders,
 *         instance -> Try.of(() -> http.get(instance.uri("/orders/42"))));
 * Try<Order> order = getOrder.get();   // a Failure(NoAvailableInstanceException) when no instance is available
 * }</pre>
 *
 * <p>The checked decorators ({@code CheckedFunction0}, {@code CheckedRunnable}, ...) throw what the call
 * threw, or {@link NoAvailableInstanceException} when no instance is available; anything the call
 * throws, errors included, is recorded on the instance. The {@code Try} and {@code Either} decorators
 * never throw for a failed call: {@code NoAvailableInstanceException} becomes a {@code Failure} or a
 * {@code Left} (and the call does not run), a {@code Failure} or {@code Left} the call returns is
 * recorded on the instance with the breaker's exception predicates, and an exception the call throws
 * instead of returning it is recorded and returned the same way (vavr's fatal errors, such as
 * {@code OutOfMemoryError}, are recorded and rethrown). A value ({@code Success}, {@code Right}) is
 * recorded as a result, so the breaker's {@code recordResult} predicate applies to it.
 */
public interface VavrLoadBalancer {

    /**
     * Decorates a call that may throw, as a vavr {@link CheckedFunction0}.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier; it throws what the call threw, or {@link NoAvailableInstanceException}
     * @throws NullPointerException if an argument is null
     */
    static <T> CheckedFunction0<T> decorateCheckedSupplier(LoadBalancer loadBalancer, CheckedFunction1<ServiceInstance, T> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(call, "call");
        CheckedFunction<ServiceInstance, T> adapted = call::apply;
        return () -> loadBalancer.executeCheckedSupplier(adapted);
    }

    /**
     * Decorates a call without a result that may throw, as a vavr {@link CheckedRunnable}.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @return the decorated runnable; it throws what the call threw, or {@link NoAvailableInstanceException}
     * @throws NullPointerException if an argument is null
     */
    static CheckedRunnable decorateCheckedRunnable(LoadBalancer loadBalancer, CheckedConsumer<ServiceInstance> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(call, "call");
        CheckedFunction<ServiceInstance, Void> adapted = instance -> {
            call.accept(instance);
            return null;
        };
        return () -> loadBalancer.executeCheckedSupplier(adapted);
    }

    /**
     * Decorates a call with an argument that may throw, as a vavr {@link CheckedFunction1}.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to and the argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return the decorated function; it throws what the call threw, or {@link NoAvailableInstanceException}
     * @throws NullPointerException if an argument is null
     */
    static <T, R> CheckedFunction1<T, R> decorateCheckedFunction(LoadBalancer loadBalancer,
            CheckedFunction2<ServiceInstance, T, R> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(call, "call");
        return argument -> loadBalancer.executeCheckedSupplier(instance -> call.apply(instance, argument));
    }

    /**
     * Decorates a call with an argument and no result that may throw, as a vavr {@link CheckedConsumer}.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to and the argument
     * @param <T> the argument type
     * @return the decorated consumer; it throws what the call threw, or {@link NoAvailableInstanceException}
     * @throws NullPointerException if an argument is null
     */
    static <T> CheckedConsumer<T> decorateCheckedConsumer(LoadBalancer loadBalancer, CheckedInstanceConsumer<T> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(call, "call");
        return argument -> loadBalancer.executeCheckedSupplier(instance -> {
            call.accept(instance, argument);
            return null;
        });
    }

    /**
     * Decorates a call that returns a {@link Try}.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier: the call's {@code Try}, or a {@code Failure} of
     *     {@link NoAvailableInstanceException} (or of what the call threw)
     * @throws NullPointerException if an argument is null
     */
    static <T> Supplier<Try<T>> decorateTrySupplier(LoadBalancer loadBalancer, Function<ServiceInstance, Try<T>> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(call, "call");
        return () -> executeTrySupplier(loadBalancer, SelectionContext.empty(), call);
    }

    /**
     * Decorates a call that returns an {@link Either} with an exception on the left.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier: the call's {@code Either}, or a {@code Left} of
     *     {@link NoAvailableInstanceException} (or of what the call threw)
     * @throws NullPointerException if an argument is null
     */
    static <T> Supplier<Either<Exception, T>> decorateEitherSupplier(LoadBalancer loadBalancer,
            Function<ServiceInstance, Either<? extends Exception, T>> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(call, "call");
        return () -> executeEitherSupplier(loadBalancer, SelectionContext.empty(), call);
    }

    /**
     * Runs a call that may throw once, on an instance the load balancer picks.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return what the call returned
     * @throws Throwable what the call threw, or {@link NoAvailableInstanceException}
     */
    static <T> T executeCheckedSupplier(LoadBalancer loadBalancer, CheckedFunction1<ServiceInstance, T> call) throws Throwable {
        return decorateCheckedSupplier(loadBalancer, call).apply();
    }

    /**
     * Runs a call without a result that may throw once, on an instance the load balancer picks.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @throws Throwable what the call threw, or {@link NoAvailableInstanceException}
     */
    static void executeCheckedRunnable(LoadBalancer loadBalancer, CheckedConsumer<ServiceInstance> call) throws Throwable {
        decorateCheckedRunnable(loadBalancer, call).run();
    }

    /**
     * Runs a call that returns a {@link Try} once, on an instance the load balancer picks.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the call's {@code Try}, or a {@code Failure} of {@link NoAvailableInstanceException}
     *     (or of what the call threw)
     * @throws NullPointerException if an argument is null
     */
    static <T> Try<T> executeTrySupplier(LoadBalancer loadBalancer, Function<ServiceInstance, Try<T>> call) {
        return executeTrySupplier(loadBalancer, SelectionContext.empty(), call);
    }

    /**
     * Runs a call that returns a {@link Try} once, on an instance picked with a selection context
     * (a hash key for {@code consistentHash()}, instances to avoid).
     *
     * @param loadBalancer the load balancer
     * @param context the selection context
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the call's {@code Try}, or a {@code Failure} of {@link NoAvailableInstanceException}
     *     (or of what the call threw)
     * @throws NullPointerException if an argument is null
     */
    static <T> Try<T> executeTrySupplier(LoadBalancer loadBalancer, SelectionContext context,
            Function<ServiceInstance, Try<T>> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(context, "context");
        requireNonNull(call, "call");
        Lease lease;
        try {
            lease = loadBalancer.acquire(context);
        } catch (RuntimeException e) {
            return Try.failure(e);
        }
        Try<T> result;
        try {
            result = call.apply(lease.instance());
            if (result == null) {
                throw new NullPointerException("the call returned null (expected: a Try)");
            }
        } catch (Throwable e) {
            lease.onError(e);
            return Try.failure(e);
        }
        if (result.isSuccess()) {
            lease.onResult(result.get());
        } else {
            lease.onError(result.getCause());
        }
        return result;
    }

    /**
     * Runs a call that returns an {@link Either} once, on an instance the load balancer picks.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the call's {@code Either}, or a {@code Left} of {@link NoAvailableInstanceException}
     *     (or of what the call threw)
     * @throws NullPointerException if an argument is null
     */
    static <T> Either<Exception, T> executeEitherSupplier(LoadBalancer loadBalancer,
            Function<ServiceInstance, Either<? extends Exception, T>> call) {
        return executeEitherSupplier(loadBalancer, SelectionContext.empty(), call);
    }

    /**
     * Runs a call that returns an {@link Either} once, on an instance picked with a selection context
     * (a hash key for {@code consistentHash()}, instances to avoid).
     *
     * @param loadBalancer the load balancer
     * @param context the selection context
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the call's {@code Either}, or a {@code Left} of {@link NoAvailableInstanceException}
     *     (or of what the call threw)
     * @throws NullPointerException if an argument is null
     */
    static <T> Either<Exception, T> executeEitherSupplier(LoadBalancer loadBalancer, SelectionContext context,
            Function<ServiceInstance, Either<? extends Exception, T>> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(context, "context");
        requireNonNull(call, "call");
        Lease lease;
        try {
            lease = loadBalancer.acquire(context);
        } catch (RuntimeException e) {
            return Either.left(e);
        }
        Either<? extends Exception, T> result;
        try {
            result = call.apply(lease.instance());
            if (result == null) {
                throw new NullPointerException("the call returned null (expected: an Either)");
            }
            if (result.isLeft() && result.getLeft() == null) {
                throw new NullPointerException("the call returned Left(null) (expected: a Left of the exception)");
            }
        } catch (Exception e) {
            lease.onError(e);
            return Either.left(e);
        } catch (Throwable e) {
            lease.onError(e);
            throw e;
        }
        if (result.isRight()) {
            lease.onResult(result.get());
        } else {
            lease.onError(result.getLeft());
        }
        return Either.narrow(result);
    }
}
