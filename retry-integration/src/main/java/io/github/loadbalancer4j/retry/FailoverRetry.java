package io.github.loadbalancer4j.retry;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.InstanceCallable;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.internal.AsyncFailover;
import io.github.loadbalancer4j.retry.internal.DefaultBudgets;
import io.github.loadbalancer4j.retry.internal.SyncFailover;
import io.github.resilience4j.core.functions.CheckedFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A resilience4j {@link Retry} whose every attempt goes to an instance the call has not tried yet.
 *
 * <pre>{@code
 * Retry retry = retryRegistry.retry("orders");          // your RetryConfig: what is retried, how often, the backoff
 * Supplier<Order> getOrder = FailoverRetry.decorateSupplier(retry, orders,
 *         instance -> http.get(instance.uri("/orders/42")));
 * }</pre>
 *
 * <p>Each attempt picks with {@link LoadBalancer#acquire(SelectionContext)}, the context excluding the
 * instances this call already tried (and carrying the attempt number); only once every available
 * instance was tried may one be reused. Each attempt's outcome is recorded on the instance it went to.
 * The user's Retry decides what is retried, how often and how long to wait in between; its events and
 * metrics keep working. A {@link RetryBudget} is asked before every retry: when it refuses, the call
 * ends with its last failure (or last result) and the budget publishes a
 * {@link io.github.loadbalancer4j.retry.event.RetryBudgetExhaustedEvent}. The overloads without a budget
 * share {@link #defaultBudget(LoadBalancer)}, one per load balancer.
 *
 * <p>An attempt that finds no available instance fails with
 * {@link io.github.loadbalancer4j.NoAvailableInstanceException}, which the Retry may retry like any other
 * failure. {@code Error}s are never retried. A retried call may run more than once on the service:
 * retry only what is safe to repeat (see {@link FailoverPredicates}).
 *
 * <p>Composition with resilience4j {@code Decorators}: put {@code FailoverRetry} innermost, around the
 * call, so that every retry picks again; a per-attempt {@code TimeLimiter} goes inside it (in the call),
 * a {@code Bulkhead}, an overall {@code TimeLimiter} and the fallback outside it.
 */
public final class FailoverRetry {

    private FailoverRetry() {
    }

    /**
     * Returns the budget shared by the overloads that take none: {@link RetryBudget#ofDefaults()} named
     * after the load balancer and measured with its config's ticker, made on first use.
     *
     * @param loadBalancer the load balancer
     * @return its default budget
     */
    public static RetryBudget defaultBudget(LoadBalancer loadBalancer) {
        return DefaultBudgets.of(requireNonNull(loadBalancer, "loadBalancer"));
    }

    // ------------------------------------------------------------------------------------ Supplier

    /**
     * Decorates a call with failover, sharing the load balancer's {@link #defaultBudget(LoadBalancer) default budget}.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier: returns the first result the Retry accepts, or throws the last failure
     * @throws NullPointerException if an argument is null
     */
    public static <T> Supplier<T> decorateSupplier(Retry retry, LoadBalancer loadBalancer, Function<ServiceInstance, T> call) {
        return decorateSupplier(retry, loadBalancer, defaultBudget(loadBalancer), call);
    }

    /**
     * Decorates a call with failover under a budget shared with other calls of the service.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param budget asked before every retry
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier
     * @throws NullPointerException if an argument is null
     */
    public static <T> Supplier<T> decorateSupplier(Retry retry, LoadBalancer loadBalancer, RetryBudget budget,
            Function<ServiceInstance, T> call) {
        check(retry, loadBalancer, budget, call);
        return () -> run(retry, loadBalancer, budget, SelectionContext.empty(), call::apply);
    }

    /**
     * Runs a call with failover, sharing the load balancer's default budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call
     * @param <T> the result type
     * @return the first result the Retry accepts (or the last one when retries ran out)
     */
    public static <T> T executeSupplier(Retry retry, LoadBalancer loadBalancer, Function<ServiceInstance, T> call) {
        return decorateSupplier(retry, loadBalancer, call).get();
    }

    /**
     * Runs a call with failover under a budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param budget asked before every retry
     * @param call the call
     * @param <T> the result type
     * @return the first result the Retry accepts (or the last one when retries ran out)
     */
    public static <T> T executeSupplier(Retry retry, LoadBalancer loadBalancer, RetryBudget budget,
            Function<ServiceInstance, T> call) {
        return decorateSupplier(retry, loadBalancer, budget, call).get();
    }

    // ------------------------------------------------------------------------------------ CheckedSupplier

    /**
     * Decorates a call that may throw a checked exception, sharing the default budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call
     * @param <T> the result type
     * @return the decorated supplier
     */
    public static <T> CheckedSupplier<T> decorateCheckedSupplier(Retry retry, LoadBalancer loadBalancer,
            CheckedFunction<ServiceInstance, T> call) {
        return decorateCheckedSupplier(retry, loadBalancer, defaultBudget(loadBalancer), call);
    }

    /**
     * Decorates a call that may throw a checked exception, under a budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param budget asked before every retry
     * @param call the call
     * @param <T> the result type
     * @return the decorated supplier
     */
    public static <T> CheckedSupplier<T> decorateCheckedSupplier(Retry retry, LoadBalancer loadBalancer, RetryBudget budget,
            CheckedFunction<ServiceInstance, T> call) {
        check(retry, loadBalancer, budget, call);
        return () -> SyncFailover.execute(retry, loadBalancer, budget, SelectionContext.empty(), call::apply);
    }

    /**
     * Runs a call that may throw a checked exception, sharing the default budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call
     * @param <T> the result type
     * @return the first result the Retry accepts
     * @throws Throwable the last failure
     */
    public static <T> T executeCheckedSupplier(Retry retry, LoadBalancer loadBalancer, CheckedFunction<ServiceInstance, T> call)
            throws Throwable {
        return decorateCheckedSupplier(retry, loadBalancer, call).get();
    }

    /**
     * Runs a call that may throw a checked exception, under a budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param budget asked before every retry
     * @param call the call
     * @param <T> the result type
     * @return the first result the Retry accepts
     * @throws Throwable the last failure
     */
    public static <T> T executeCheckedSupplier(Retry retry, LoadBalancer loadBalancer, RetryBudget budget,
            CheckedFunction<ServiceInstance, T> call) throws Throwable {
        return decorateCheckedSupplier(retry, loadBalancer, budget, call).get();
    }

    // ------------------------------------------------------------------------------------ Callable

    /**
     * Decorates a call as a {@link Callable}, sharing the default budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call
     * @param <T> the result type
     * @return the decorated callable
     */
    public static <T> Callable<T> decorateCallable(Retry retry, LoadBalancer loadBalancer, InstanceCallable<T> call) {
        return decorateCallable(retry, loadBalancer, defaultBudget(loadBalancer), call);
    }

    /**
     * Decorates a call as a {@link Callable}, under a budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param budget asked before every retry
     * @param call the call
     * @param <T> the result type
     * @return the decorated callable: throws the last failure as the call threw it
     */
    public static <T> Callable<T> decorateCallable(Retry retry, LoadBalancer loadBalancer, RetryBudget budget,
            InstanceCallable<T> call) {
        check(retry, loadBalancer, budget, call);
        return () -> {
            try {
                return SyncFailover.execute(retry, loadBalancer, budget, SelectionContext.empty(), call::call);
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable e) {
                throw FailoverRetry.<RuntimeException>sneakyThrow(e); // a Throwable of its own, sneaked past the signature
            }
        };
    }

    /**
     * Runs a call as a {@link Callable} would, sharing the default budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call
     * @param <T> the result type
     * @return the first result the Retry accepts
     * @throws Exception the last failure
     */
    public static <T> T executeCallable(Retry retry, LoadBalancer loadBalancer, InstanceCallable<T> call) throws Exception {
        return decorateCallable(retry, loadBalancer, call).call();
    }

    /**
     * Runs a call as a {@link Callable} would, under a budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param budget asked before every retry
     * @param call the call
     * @param <T> the result type
     * @return the first result the Retry accepts
     * @throws Exception the last failure
     */
    public static <T> T executeCallable(Retry retry, LoadBalancer loadBalancer, RetryBudget budget, InstanceCallable<T> call)
            throws Exception {
        return decorateCallable(retry, loadBalancer, budget, call).call();
    }

    // ------------------------------------------------------------------------------------ Runnable

    /**
     * Decorates a call without a result, sharing the default budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call
     * @return the decorated runnable
     */
    public static Runnable decorateRunnable(Retry retry, LoadBalancer loadBalancer, Consumer<ServiceInstance> call) {
        return decorateRunnable(retry, loadBalancer, defaultBudget(loadBalancer), call);
    }

    /**
     * Decorates a call without a result, under a budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param budget asked before every retry
     * @param call the call
     * @return the decorated runnable
     */
    public static Runnable decorateRunnable(Retry retry, LoadBalancer loadBalancer, RetryBudget budget,
            Consumer<ServiceInstance> call) {
        check(retry, loadBalancer, budget, call);
        return () -> run(retry, loadBalancer, budget, SelectionContext.empty(), instance -> {
            call.accept(instance);
            return null;
        });
    }

    /**
     * Runs a call without a result, sharing the default budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call
     */
    public static void executeRunnable(Retry retry, LoadBalancer loadBalancer, Consumer<ServiceInstance> call) {
        decorateRunnable(retry, loadBalancer, call).run();
    }

    /**
     * Runs a call without a result, under a budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param budget asked before every retry
     * @param call the call
     */
    public static void executeRunnable(Retry retry, LoadBalancer loadBalancer, RetryBudget budget, Consumer<ServiceInstance> call) {
        decorateRunnable(retry, loadBalancer, budget, call).run();
    }

    // ------------------------------------------------------------------------------------ Function

    /**
     * Decorates a call with an argument, sharing the default budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call, given the instance and the argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return the decorated function
     */
    public static <T, R> Function<T, R> decorateFunction(Retry retry, LoadBalancer loadBalancer,
            BiFunction<ServiceInstance, T, R> call) {
        return decorateFunction(retry, loadBalancer, defaultBudget(loadBalancer), call);
    }

    /**
     * Decorates a call with an argument, under a budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param budget asked before every retry
     * @param call the call, given the instance and the argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return the decorated function
     */
    public static <T, R> Function<T, R> decorateFunction(Retry retry, LoadBalancer loadBalancer, RetryBudget budget,
            BiFunction<ServiceInstance, T, R> call) {
        check(retry, loadBalancer, budget, call);
        return argument -> run(retry, loadBalancer, budget, SelectionContext.empty(), instance -> call.apply(instance, argument));
    }

    /**
     * Decorates a call with an argument routed by a key taken from it (for
     * {@code SelectionStrategy.consistentHash()}), sharing the default budget. Retries keep the key and
     * still move to instances not yet tried.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param keyExtractor takes the routing key from the argument (must not return null)
     * @param call the call, given the instance and the argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return the decorated function
     */
    public static <T, R> Function<T, R> decorateFunction(Retry retry, LoadBalancer loadBalancer,
            Function<? super T, ?> keyExtractor, BiFunction<ServiceInstance, T, R> call) {
        return decorateFunction(retry, loadBalancer, defaultBudget(loadBalancer), keyExtractor, call);
    }

    /**
     * Decorates a call with an argument routed by a key taken from it, under a budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param budget asked before every retry
     * @param keyExtractor takes the routing key from the argument (must not return null)
     * @param call the call, given the instance and the argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return the decorated function
     */
    public static <T, R> Function<T, R> decorateFunction(Retry retry, LoadBalancer loadBalancer, RetryBudget budget,
            Function<? super T, ?> keyExtractor, BiFunction<ServiceInstance, T, R> call) {
        check(retry, loadBalancer, budget, call);
        requireNonNull(keyExtractor, "keyExtractor");
        return argument -> run(retry, loadBalancer, budget,
                SelectionContext.ofHashKey(requireNonNull(keyExtractor.apply(argument), "the key extracted from " + argument)),
                instance -> call.apply(instance, argument));
    }

    // ------------------------------------------------------------------------------------ CompletionStage

    /**
     * Decorates an asynchronous call with failover, sharing the default budget. See
     * {@link #decorateCompletionStage(Retry, LoadBalancer, RetryBudget, ScheduledExecutorService, Function)}.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param scheduler runs each retry after its backoff
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier of stages
     */
    public static <T> Supplier<CompletionStage<T>> decorateCompletionStage(Retry retry, LoadBalancer loadBalancer,
            ScheduledExecutorService scheduler, Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        return decorateCompletionStage(retry, loadBalancer, defaultBudget(loadBalancer), scheduler, call);
    }

    /**
     * Decorates an asynchronous call with failover, under a budget. The first attempt starts on the
     * caller's thread; every retry runs on {@code scheduler} after the Retry's backoff, so no thread
     * is blocked waiting. The returned stage always completes: with the first result the Retry accepts,
     * the last failure, what the Retry's own predicates threw, or
     * {@link io.github.loadbalancer4j.NoAvailableInstanceException}. A call that throws instead of
     * returning a stage, or returns null, counts as a failed attempt. Cancelling the returned future
     * stops further attempts.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param budget asked before every retry
     * @param scheduler runs each retry after its backoff
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier of stages
     */
    public static <T> Supplier<CompletionStage<T>> decorateCompletionStage(Retry retry, LoadBalancer loadBalancer,
            RetryBudget budget, ScheduledExecutorService scheduler, Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        check(retry, loadBalancer, budget, call);
        requireNonNull(scheduler, "scheduler");
        return () -> AsyncFailover.execute(retry, loadBalancer, budget, scheduler, SelectionContext.empty(), call);
    }

    /**
     * Runs an asynchronous call with failover, sharing the default budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param scheduler runs each retry after its backoff
     * @param call the call
     * @param <T> the result type
     * @return a stage that always completes
     */
    public static <T> CompletionStage<T> executeCompletionStage(Retry retry, LoadBalancer loadBalancer,
            ScheduledExecutorService scheduler, Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        return decorateCompletionStage(retry, loadBalancer, scheduler, call).get();
    }

    /**
     * Runs an asynchronous call with failover, under a budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param budget asked before every retry
     * @param scheduler runs each retry after its backoff
     * @param call the call
     * @param <T> the result type
     * @return a stage that always completes
     */
    public static <T> CompletionStage<T> executeCompletionStage(Retry retry, LoadBalancer loadBalancer, RetryBudget budget,
            ScheduledExecutorService scheduler, Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        return decorateCompletionStage(retry, loadBalancer, budget, scheduler, call).get();
    }

    // ------------------------------------------------------------------------------------ helpers

    private static void check(Retry retry, LoadBalancer loadBalancer, RetryBudget budget, Object call) {
        requireNonNull(retry, "retry");
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(budget, "budget");
        requireNonNull(call, "call");
    }

    /** Runs the loop for a decorator whose call throws only unchecked exceptions, rethrowing them as they are. */
    private static <T> T run(Retry retry, LoadBalancer loadBalancer, RetryBudget budget, SelectionContext first,
            SyncFailover.Attempt<T> call) {
        try {
            return SyncFailover.execute(retry, loadBalancer, budget, first, call);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw FailoverRetry.<RuntimeException>sneakyThrow(e); // only a call that sneaked a checked exception gets here
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneakyThrow(Throwable e) throws E {
        throw (E) e;
    }
}
