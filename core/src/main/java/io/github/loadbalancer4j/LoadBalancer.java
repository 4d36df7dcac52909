package io.github.loadbalancer4j;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.event.DiscoveryFailedEvent;
import io.github.loadbalancer4j.event.DuplicateInstancesEvent;
import io.github.loadbalancer4j.event.InstanceAddedEvent;
import io.github.loadbalancer4j.event.InstanceEjectedEvent;
import io.github.loadbalancer4j.event.InstanceRemovedEvent;
import io.github.loadbalancer4j.event.InstanceRestoredEvent;
import io.github.loadbalancer4j.event.LoadBalancerEvent;
import io.github.loadbalancer4j.event.NoAvailableInstanceEvent;
import io.github.loadbalancer4j.event.OutlierEjectedEvent;
import io.github.loadbalancer4j.event.PanicEnteredEvent;
import io.github.loadbalancer4j.event.PanicLeftEvent;
import io.github.loadbalancer4j.event.StrategyChangedEvent;
import io.github.loadbalancer4j.internal.DefaultLoadBalancer;
import io.github.resilience4j.core.EventConsumer;
import io.github.resilience4j.core.functions.CheckedFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Spreads calls over the instances of one service, keeping sick ones out.
 *
 * <p>Decorate a call once; at every invocation the load balancer picks an available instance with
 * its {@link SelectionStrategy}, takes that instance's circuit breaker permission, hands the instance
 * to the call, and records how the call went (breaker outcome, in-flight count, latency):
 * <pre>{@code
 * LoadBalancer orders = LoadBalancer.of("orders", InstanceSource.ofUris("http://10.0.1.10:8080", "http://10.0.1.11:8080"));
 * Supplier<Order> getOrder = LoadBalancer.decorateSupplier(orders, instance -> http.get(instance.uri("/orders/42")));
 * }</pre>
 * The decorated functions are plain {@code java.util.function} types and compose with resilience4j
 * {@code Decorators}, Bulkhead, TimeLimiter and Retry (see {@code FailoverRetry} for a retry that
 * moves to an instance not yet tried).
 *
 * <p>When no instance is available a call fails with {@link NoAvailableInstanceException} without
 * running. Otherwise it returns what the call returned or throws what the call threw.
 */
public interface LoadBalancer extends AutoCloseable {

    /**
     * Creates a load balancer with the default config.
     *
     * @param name the service's name, used in breaker names, events and messages
     * @param source where the instances come from
     * @return the load balancer, subscribed to the source
     */
    static LoadBalancer of(String name, InstanceSource source) {
        return of(name, source, LoadBalancerConfig.ofDefaults());
    }

    /**
     * Creates a load balancer.
     *
     * @param name the service's name
     * @param source where the instances come from; an empty source is allowed (calls fail with
     *     {@link NoAvailableInstanceException} until instances arrive)
     * @param config the config
     * @return the load balancer, subscribed to the source
     * @throws IllegalArgumentException if the name is blank
     */
    static LoadBalancer of(String name, InstanceSource source, LoadBalancerConfig config) {
        return new DefaultLoadBalancer(name, source, config);
    }

    /**
     * Decorates a call so that each invocation goes to an instance the load balancer picks.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier
     */
    static <T> Supplier<T> decorateSupplier(LoadBalancer loadBalancer, Function<ServiceInstance, T> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(call, "call");
        return () -> loadBalancer.executeSupplier(call);
    }

    /**
     * Decorates a call that may throw a checked exception.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier
     */
    static <T> CheckedSupplier<T> decorateCheckedSupplier(LoadBalancer loadBalancer, CheckedFunction<ServiceInstance, T> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(call, "call");
        return () -> loadBalancer.executeCheckedSupplier(call);
    }

    /**
     * Decorates a call as a {@link Callable}.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated callable
     */
    static <T> Callable<T> decorateCallable(LoadBalancer loadBalancer, InstanceCallable<T> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(call, "call");
        return () -> loadBalancer.executeCallable(call);
    }

    /**
     * Decorates a call without a result.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @return the decorated runnable
     */
    static Runnable decorateRunnable(LoadBalancer loadBalancer, Consumer<ServiceInstance> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(call, "call");
        return () -> loadBalancer.executeRunnable(call);
    }

    /**
     * Decorates a call with an argument.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to and the argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return the decorated function
     */
    static <T, R> Function<T, R> decorateFunction(LoadBalancer loadBalancer, BiFunction<ServiceInstance, T, R> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(call, "call");
        return argument -> loadBalancer.executeSupplier(instance -> call.apply(instance, argument));
    }

    /**
     * Decorates a call with an argument, routed by a key taken from the argument: with
     * {@link SelectionStrategy#consistentHash()} equal keys go to the same instance.
     *
     * @param loadBalancer the load balancer
     * @param keyExtractor takes the routing key from the argument (must not return null)
     * @param call the call, given the instance to go to and the argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return the decorated function
     */
    static <T, R> Function<T, R> decorateFunction(LoadBalancer loadBalancer, Function<? super T, ?> keyExtractor,
            BiFunction<ServiceInstance, T, R> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(keyExtractor, "keyExtractor");
        requireNonNull(call, "call");
        return argument -> loadBalancer.executeSupplier(
                SelectionContext.ofHashKey(requireNonNull(keyExtractor.apply(argument), "the key extracted from " + argument)),
                instance -> call.apply(instance, argument));
    }

    /**
     * Decorates an asynchronous call. The returned stage always completes: with the call's result,
     * the call's failure (also when the call throws instead of returning a stage), or
     * {@link NoAvailableInstanceException}. The outcome is recorded on the instance when the stage
     * completes.
     *
     * @param loadBalancer the load balancer
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier of stages
     */
    static <T> Supplier<CompletionStage<T>> decorateCompletionStage(LoadBalancer loadBalancer,
            Function<ServiceInstance, CompletionStage<T>> call) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(call, "call");
        return () -> loadBalancer.executeCompletionStage(call);
    }

    /**
     * Instance twin of {@link #decorateSupplier(LoadBalancer, Function)}.
     *
     * @param call the call
     * @param <T> the result type
     * @return the decorated supplier
     */
    default <T> Supplier<T> decorateSupplier(Function<ServiceInstance, T> call) {
        return decorateSupplier(this, call);
    }

    /**
     * Instance twin of {@link #decorateCheckedSupplier(LoadBalancer, CheckedFunction)}.
     *
     * @param call the call
     * @param <T> the result type
     * @return the decorated supplier
     */
    default <T> CheckedSupplier<T> decorateCheckedSupplier(CheckedFunction<ServiceInstance, T> call) {
        return decorateCheckedSupplier(this, call);
    }

    /**
     * Instance twin of {@link #decorateCallable(LoadBalancer, InstanceCallable)}.
     *
     * @param call the call
     * @param <T> the result type
     * @return the decorated callable
     */
    default <T> Callable<T> decorateCallable(InstanceCallable<T> call) {
        return decorateCallable(this, call);
    }

    /**
     * Instance twin of {@link #decorateRunnable(LoadBalancer, Consumer)}.
     *
     * @param call the call
     * @return the decorated runnable
     */
    default Runnable decorateRunnable(Consumer<ServiceInstance> call) {
        return decorateRunnable(this, call);
    }

    /**
     * Instance twin of {@link #decorateFunction(LoadBalancer, BiFunction)}.
     *
     * @param call the call
     * @param <T> the argument type
     * @param <R> the result type
     * @return the decorated function
     */
    default <T, R> Function<T, R> decorateFunction(BiFunction<ServiceInstance, T, R> call) {
        return decorateFunction(this, call);
    }

    /**
     * Instance twin of {@link #decorateCompletionStage(LoadBalancer, Function)}.
     *
     * @param call the call
     * @param <T> the result type
     * @return the decorated supplier of stages
     */
    default <T> Supplier<CompletionStage<T>> decorateCompletionStage(Function<ServiceInstance, CompletionStage<T>> call) {
        return decorateCompletionStage(this, call);
    }

    /**
     * Runs a call once on an instance the load balancer picks.
     *
     * @param call the call
     * @param <T> the result type
     * @return what the call returned
     * @throws NoAvailableInstanceException if no instance is available (the call did not run)
     */
    default <T> T executeSupplier(Function<ServiceInstance, T> call) {
        return executeSupplier(SelectionContext.empty(), call);
    }

    /**
     * Runs a call once on an instance picked with a selection context (a hash key, instances to avoid).
     *
     * @param context the selection context
     * @param call the call
     * @param <T> the result type
     * @return what the call returned
     * @throws NoAvailableInstanceException if no instance is available
     */
    <T> T executeSupplier(SelectionContext context, Function<ServiceInstance, T> call);

    /**
     * Runs a call that may throw a checked exception.
     *
     * @param call the call
     * @param <T> the result type
     * @return what the call returned
     * @throws Throwable what the call threw, or {@link NoAvailableInstanceException}
     */
    <T> T executeCheckedSupplier(CheckedFunction<ServiceInstance, T> call) throws Throwable;

    /**
     * Runs a call as a {@link Callable} would.
     *
     * @param call the call
     * @param <T> the result type
     * @return what the call returned
     * @throws Exception what the call threw, or {@link NoAvailableInstanceException}
     */
    <T> T executeCallable(InstanceCallable<T> call) throws Exception;

    /**
     * Runs a call without a result.
     *
     * @param call the call
     * @throws NoAvailableInstanceException if no instance is available
     */
    default void executeRunnable(Consumer<ServiceInstance> call) {
        requireNonNull(call, "call");
        executeSupplier(instance -> {
            call.accept(instance);
            return null;
        });
    }

    /**
     * Runs an asynchronous call; see {@link #decorateCompletionStage(LoadBalancer, Function)}.
     *
     * @param call the call
     * @param <T> the result type
     * @return a stage that always completes
     */
    default <T> CompletionStage<T> executeCompletionStage(Function<ServiceInstance, CompletionStage<T>> call) {
        return executeCompletionStage(SelectionContext.empty(), call);
    }

    /**
     * Runs an asynchronous call picked with a selection context.
     *
     * @param context the selection context
     * @param call the call
     * @param <T> the result type
     * @return a stage that always completes
     */
    <T> CompletionStage<T> executeCompletionStage(SelectionContext context, Function<ServiceInstance, CompletionStage<T>> call);

    /**
     * Picks an instance and takes its breaker's permission; the caller must end the returned lease.
     *
     * @return the lease
     * @throws NoAvailableInstanceException if no instance is available
     */
    default Lease acquire() {
        return acquire(SelectionContext.empty());
    }

    /**
     * Picks an instance with a selection context (a hash key, instances this call already tried)
     * and takes its breaker's permission; the caller must end the returned lease.
     *
     * @param context the selection context
     * @return the lease
     * @throws NoAvailableInstanceException if no instance is available
     */
    Lease acquire(SelectionContext context);

    /** @return the name */
    String getName();

    /** @return the config it was created with */
    LoadBalancerConfig getConfig();

    /** @return the strategy now in use */
    SelectionStrategy getSelectionStrategy();

    /**
     * Swaps the selection strategy at run time. Calls in flight finish; per-instance state (breakers,
     * in-flight counts, latency) is kept, as it belongs to the load balancer.
     *
     * @param strategy the new strategy
     * @throws IllegalArgumentException if the config has a slow-start window and the strategy selects
     *     with a hash ring ({@code consistentHash()}), which cannot ramp an instance up
     */
    void changeStrategy(SelectionStrategy strategy);

    /** @return a snapshot of every known instance's state, in the source's order */
    List<InstanceStatus> getInstances();

    /** @return counts over the instances, read live */
    Metrics getMetrics();

    /** @return where to register event consumers */
    EventPublisher getEventPublisher();

    /**
     * Unsubscribes from the source, stops health checks and removes the per-instance breakers
     * from their registry. Calls made afterwards fail with {@link NoAvailableInstanceException}.
     * Closing again does nothing. The source itself is not closed: it may feed other load balancers.
     */
    @Override
    void close();

    /** Counts over a load balancer's instances. */
    interface Metrics {
        /** @return instances in the source's current list */
        int getNumberOfKnownInstances();

        /** @return instances the selector may pick */
        int getNumberOfAvailableInstances();

        /** @return instances whose breaker does not permit calls */
        int getNumberOfCircuitOpenInstances();

        /** @return instances active health checking marked unhealthy */
        int getNumberOfUnhealthyInstances();

        /** @return calls that failed with {@link NoAvailableInstanceException} since creation */
        long getNumberOfNoAvailableInstanceCalls();

        /** @return whether panic mode is on (too few available: selecting among all) */
        boolean isPanicking();

        /**
         * @return instances outlier ejection has ejected since creation (each ejection counted; 0 when
         *     outlier ejection is off)
         */
        default long getNumberOfOutlierEjections() {
            return 0;
        }
    }

    /** Where consumers of a load balancer's events register, in the style of resilience4j. */
    interface EventPublisher extends io.github.resilience4j.core.EventPublisher<LoadBalancerEvent> {
        /**
         * @param consumer called for each instance added
         * @return this publisher
         */
        EventPublisher onInstanceAdded(EventConsumer<InstanceAddedEvent> consumer);

        /**
         * @param consumer called for each instance removed
         * @return this publisher
         */
        EventPublisher onInstanceRemoved(EventConsumer<InstanceRemovedEvent> consumer);

        /**
         * @param consumer called when an instance stops being selectable
         * @return this publisher
         */
        EventPublisher onInstanceEjected(EventConsumer<InstanceEjectedEvent> consumer);

        /**
         * @param consumer called when an ejected instance is selectable again
         * @return this publisher
         */
        EventPublisher onInstanceRestored(EventConsumer<InstanceRestoredEvent> consumer);

        /**
         * @param consumer called when the strategy is swapped
         * @return this publisher
         */
        EventPublisher onStrategyChanged(EventConsumer<StrategyChangedEvent> consumer);

        /**
         * @param consumer called when panic mode begins
         * @return this publisher
         */
        EventPublisher onPanicEntered(EventConsumer<PanicEnteredEvent> consumer);

        /**
         * @param consumer called when panic mode ends
         * @return this publisher
         */
        EventPublisher onPanicLeft(EventConsumer<PanicLeftEvent> consumer);

        /**
         * @param consumer called when a call finds no available instance
         * @return this publisher
         */
        EventPublisher onNoAvailableInstance(EventConsumer<NoAvailableInstanceEvent> consumer);

        /**
         * @param consumer called when the source fails to reach discovery
         * @return this publisher
         */
        EventPublisher onDiscoveryFailed(EventConsumer<DiscoveryFailedEvent> consumer);

        /**
         * @param consumer called when the source gave duplicate ids
         * @return this publisher
         */
        EventPublisher onDuplicateInstances(EventConsumer<DuplicateInstancesEvent> consumer);

        /**
         * @param consumer called when outlier ejection opens an instance's breaker
         * @return this publisher
         */
        EventPublisher onOutlierEjected(EventConsumer<OutlierEjectedEvent> consumer);
    }
}
