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
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A resilience4j {@link Retry} whose every attempt goes to an instance the call has not tried yet.
 *
 * <pre>{@code
 * Retry retry = retryRegistry.retry("orders");          // your RetryConfig: what is retried, how often, the backoff
 * Supplier<Order> getOrder = FailoverRetry.decorateSupplier(retry, orders,
 *         instance -> http.get(instance.uri("/orders/42")));
 *
 * FailoverRetry failover = FailoverRetry.of(retry, orders).withBudget(ordersBudget);
 * Order order = failover.executeSupplier(instance -> http.get(instance.uri("/orders/42")));
 * }</pre>
 *
 * <p>In resilience4j's shape: static {@code decorateX(retry, loadBalancer, call)} for every call
 * shape, and a {@code FailoverRetry} value ({@link #of(Retry, LoadBalancer)}, then
 * {@link #withBudget(RetryBudget)}) whose instance methods decorate and execute.
 *
 * <p>Each attempt picks with {@link LoadBalancer#acquire(SelectionContext)}, the context excluding the
 * instances this call already tried (and carrying the attempt number); only once every available
 * instance was tried may one be reused. Each attempt's outcome is recorded on the instance it went to.
 * The user's Retry decides what is retried, how often and how long to wait in between; its events and
 * metrics keep working. A {@link RetryBudget} is asked before every retry: when it refuses, the call
 * ends with its last failure (or last result) and the budget publishes a
 * {@link io.github.loadbalancer4j.retry.event.RetryBudgetExhaustedEvent}. Without
 * {@link #withBudget(RetryBudget)} the retries draw on {@link #defaultBudget(LoadBalancer)}, one per
 * load balancer.
 *
 * <p>An attempt that finds no available instance fails with
 * {@link io.github.loadbalancer4j.NoAvailableInstanceException}, which the Retry may retry like any other
 * failure. {@code Error}s are never retried. A retried call may run more than once on the service:
 * retry only what is safe to repeat (see {@link FailoverPredicates}).
 *
 * <p>A deadline ({@link #withDeadline(Duration)}) bounds each call across its attempts and backoffs:
 * no retry starts with less than its floor left (nor waits a backoff that would leave less), the
 * asynchronous decorators end an attempt still running at the deadline, a blocking call reads the
 * time left from {@link Deadline#current()}, and a call whose time ran out fails with a
 * {@link DeadlineExceededException} naming the deadline and the attempts made.
 *
 * <p>Composition with resilience4j {@code Decorators}: put {@code FailoverRetry} innermost, around the
 * call, so that every retry picks again; a per-attempt {@code TimeLimiter} goes inside it (in the call),
 * a {@code Bulkhead}, an overall {@code TimeLimiter} and the fallback outside it.
 *
 * <p>Immutable and thread-safe.
 */
public final class FailoverRetry {

    private final Retry retry;
    private final LoadBalancer loadBalancer;
    private final RetryBudget budget;
    private final @Nullable Duration deadline;
    private final Duration minAttemptTime;

    private FailoverRetry(Retry retry, LoadBalancer loadBalancer, RetryBudget budget, @Nullable Duration deadline,
            Duration minAttemptTime) {
        this.retry = retry;
        this.loadBalancer = loadBalancer;
        this.budget = budget;
        this.deadline = deadline;
        this.minAttemptTime = minAttemptTime;
    }

    /**
     * Failover for one load balancer's calls, drawing on its {@link #defaultBudget(LoadBalancer) default budget}.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @return the failover
     * @throws NullPointerException if an argument is null
     */
    public static FailoverRetry of(Retry retry, LoadBalancer loadBalancer) {
        requireNonNull(retry, "retry");
        requireNonNull(loadBalancer, "loadBalancer");
        return new FailoverRetry(retry, loadBalancer, defaultBudget(loadBalancer), null, Duration.ZERO);
    }

    /**
     * The same failover, its retries capped by {@code budget} (for example one shared by every call
     * of a service, or one per client).
     *
     * @param budget asked before every retry
     * @return a new failover; this one is unchanged
     * @throws NullPointerException if the budget is null
     */
    public FailoverRetry withBudget(RetryBudget budget) {
        return new FailoverRetry(retry, loadBalancer, requireNonNull(budget, "budget"), deadline, minAttemptTime);
    }

    /**
     * The same failover, each call bounded by a deadline of {@code timeout} from its start, with the
     * {@link Deadline#defaultMinAttemptTime(Duration) default floor} (10 ms, or a tenth of the timeout
     * when that is shorter).
     *
     * @param timeout how long a call may take, attempts and backoffs included, {@code > 0}
     * @return a new failover; this one is unchanged
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public FailoverRetry withDeadline(Duration timeout) {
        Deadline.requirePositive("timeout", timeout);
        return withDeadline(timeout, Deadline.defaultMinAttemptTime(timeout));
    }

    /**
     * The same failover, each call bounded by a deadline of {@code timeout} from its start (measured on
     * the load balancer's ticker): no retry starts with less than {@code minAttemptTime} left, each
     * attempt gets at most the time left (see {@link Deadline}), and a call whose time ran out fails
     * with a {@link DeadlineExceededException}.
     *
     * @param timeout how long a call may take, attempts and backoffs included, {@code > 0}
     * @param minAttemptTime the floor: no retry starts with less time left, {@code >= 0} and shorter
     *     than the timeout
     * @return a new failover; this one is unchanged
     * @throws IllegalArgumentException if the timeout is not positive, or the floor negative or not
     *     shorter than the timeout
     */
    public FailoverRetry withDeadline(Duration timeout, Duration minAttemptTime) {
        Deadline.checkFloor(timeout, minAttemptTime);
        return new FailoverRetry(retry, loadBalancer, budget, timeout, minAttemptTime);
    }

    /**
     * Returns the budget {@link #of(Retry, LoadBalancer)} draws on when none is given:
     * {@link RetryBudget#ofDefaults()} named after the load balancer and measured with its config's
     * ticker, made on first use and shared by every failover of that load balancer (the OkHttp
     * interceptor's included).
     *
     * @param loadBalancer the load balancer
     * @return its default budget
     */
    public static RetryBudget defaultBudget(LoadBalancer loadBalancer) {
        return DefaultBudgets.of(requireNonNull(loadBalancer, "loadBalancer"));
    }

    /** @return the Retry that decides what is retried */
    public Retry getRetry() {
        return retry;
    }

    /** @return the load balancer that picks every attempt's instance */
    public LoadBalancer getLoadBalancer() {
        return loadBalancer;
    }

    /** @return the budget asked before every retry */
    public RetryBudget getBudget() {
        return budget;
    }

    /** @return the deadline each call gets from its start, or null for none */
    public @Nullable Duration getDeadline() {
        return deadline;
    }

    /** @return the floor: no retry starts with less time left before the deadline (zero without a deadline) */
    public Duration getMinAttemptTime() {
        return minAttemptTime;
    }

    /** @return a deadline started now for one call, or null */
    private @Nullable Deadline startDeadline() {
        Duration timeout = deadline;
        return timeout == null ? null : Deadline.after(timeout, minAttemptTime, loadBalancer.getConfig().getTicker());
    }

    // ------------------------------------------------------------------------------------ static decorators

    /**
     * Decorates a call with failover.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier: returns the first result the Retry accepts, or throws the last failure
     * @throws NullPointerException if an argument is null
     */
    public static <T> Supplier<T> decorateSupplier(Retry retry, LoadBalancer loadBalancer, Function<ServiceInstance, T> call) {
        return of(retry, loadBalancer).decorateSupplier(call);
    }

    /**
     * Decorates a call that may throw a checked exception with failover.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call
     * @param <T> the result type
     * @return the decorated supplier: throws the last failure as the call threw it
     * @throws NullPointerException if an argument is null
     */
    public static <T> CheckedSupplier<T> decorateCheckedSupplier(Retry retry, LoadBalancer loadBalancer,
            CheckedFunction<ServiceInstance, T> call) {
        return of(retry, loadBalancer).decorateCheckedSupplier(call);
    }

    /**
     * Decorates a call as a {@link Callable} with failover.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call
     * @param <T> the result type
     * @return the decorated callable: throws the last failure as the call threw it
     * @throws NullPointerException if an argument is null
     */
    public static <T> Callable<T> decorateCallable(Retry retry, LoadBalancer loadBalancer, InstanceCallable<T> call) {
        return of(retry, loadBalancer).decorateCallable(call);
    }

    /**
     * Decorates a call without a result with failover.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call
     * @return the decorated runnable
     * @throws NullPointerException if an argument is null
     */
    public static Runnable decorateRunnable(Retry retry, LoadBalancer loadBalancer, Consumer<ServiceInstance> call) {
        return of(retry, loadBalancer).decorateRunnable(call);
    }

    /**
     * Decorates a call with an argument with failover.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param call the call, given the instance and the argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return the decorated function
     * @throws NullPointerException if an argument is null
     */
    public static <T, R> Function<T, R> decorateFunction(Retry retry, LoadBalancer loadBalancer,
            BiFunction<ServiceInstance, T, R> call) {
        return of(retry, loadBalancer).decorateFunction(call);
    }

    /**
     * Decorates a call with an argument routed by a key taken from it (for
     * {@code SelectionStrategy.consistentHash()}). Retries keep the key and still move to instances
     * not yet tried.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param keyExtractor takes the routing key from the argument (must not return null)
     * @param call the call, given the instance and the argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return the decorated function
     * @throws NullPointerException if an argument is null
     */
    public static <T, R> Function<T, R> decorateFunction(Retry retry, LoadBalancer loadBalancer,
            Function<? super T, ?> keyExtractor, BiFunction<ServiceInstance, T, R> call) {
        return of(retry, loadBalancer).decorateFunction(keyExtractor, call);
    }

    /**
     * Decorates an asynchronous call with failover; see {@link #decorateCompletionStage(ScheduledExecutorService, Function)}.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks the instance of every attempt
     * @param scheduler runs each retry after its backoff
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier of stages
     * @throws NullPointerException if an argument is null
     */
    public static <T> Supplier<CompletionStage<T>> decorateCompletionStage(Retry retry, LoadBalancer loadBalancer,
            ScheduledExecutorService scheduler, Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        return of(retry, loadBalancer).decorateCompletionStage(scheduler, call);
    }

    // ------------------------------------------------------------------------------------ instance decorators

    /**
     * Decorates a call with failover.
     *
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier: returns the first result the Retry accepts, or throws the last failure
     * @throws NullPointerException if the call is null
     */
    public <T> Supplier<T> decorateSupplier(Function<ServiceInstance, T> call) {
        requireNonNull(call, "call");
        return () -> run(SelectionContext.empty(), call::apply);
    }

    /**
     * Decorates a call that may throw a checked exception with failover.
     *
     * @param call the call
     * @param <T> the result type
     * @return the decorated supplier: throws the last failure as the call threw it
     * @throws NullPointerException if the call is null
     */
    public <T> CheckedSupplier<T> decorateCheckedSupplier(CheckedFunction<ServiceInstance, T> call) {
        requireNonNull(call, "call");
        return () -> SyncFailover.execute(retry, loadBalancer, budget, SelectionContext.empty(), startDeadline(), call::apply);
    }

    /**
     * Decorates a call as a {@link Callable} with failover.
     *
     * @param call the call
     * @param <T> the result type
     * @return the decorated callable: throws the last failure as the call threw it
     * @throws NullPointerException if the call is null
     */
    public <T> Callable<T> decorateCallable(InstanceCallable<T> call) {
        requireNonNull(call, "call");
        return () -> run(SelectionContext.empty(), call::call);
    }

    /**
     * Decorates a call without a result with failover.
     *
     * @param call the call
     * @return the decorated runnable
     * @throws NullPointerException if the call is null
     */
    public Runnable decorateRunnable(Consumer<ServiceInstance> call) {
        requireNonNull(call, "call");
        return () -> run(SelectionContext.empty(), instance -> {
            call.accept(instance);
            return null;
        });
    }

    /**
     * Decorates a call with an argument with failover.
     *
     * @param call the call, given the instance and the argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return the decorated function
     * @throws NullPointerException if the call is null
     */
    public <T, R> Function<T, R> decorateFunction(BiFunction<ServiceInstance, T, R> call) {
        requireNonNull(call, "call");
        return argument -> run(SelectionContext.empty(), instance -> call.apply(instance, argument));
    }

    /**
     * Decorates a call with an argument routed by a key taken from it; see
     * {@link #decorateFunction(Retry, LoadBalancer, Function, BiFunction)}.
     *
     * @param keyExtractor takes the routing key from the argument (must not return null)
     * @param call the call, given the instance and the argument
     * @param <T> the argument type
     * @param <R> the result type
     * @return the decorated function
     * @throws NullPointerException if an argument is null
     */
    public <T, R> Function<T, R> decorateFunction(Function<? super T, ?> keyExtractor, BiFunction<ServiceInstance, T, R> call) {
        requireNonNull(keyExtractor, "keyExtractor");
        requireNonNull(call, "call");
        return argument -> run(
                SelectionContext.ofHashKey(requireNonNull(keyExtractor.apply(argument), "the key extracted from " + argument)),
                instance -> call.apply(instance, argument));
    }

    /**
     * Decorates an asynchronous call with failover. The first attempt starts on the caller's thread;
     * every retry runs on {@code scheduler} after the Retry's backoff, so no thread is blocked waiting.
     * The returned stage always completes: with the first result the Retry accepts, the last failure,
     * what the Retry's own predicates threw, or {@link io.github.loadbalancer4j.NoAvailableInstanceException}.
     * A call that throws instead of returning a stage, or returns null, counts as a failed attempt.
     * Cancelling the returned future stops further attempts.
     *
     * @param scheduler runs each retry after its backoff
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier of stages
     * @throws NullPointerException if an argument is null
     */
    public <T> Supplier<CompletionStage<T>> decorateCompletionStage(ScheduledExecutorService scheduler,
            Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        requireNonNull(scheduler, "scheduler");
        requireNonNull(call, "call");
        return () -> AsyncFailover.execute(retry, loadBalancer, budget, scheduler, SelectionContext.empty(), startDeadline(), call);
    }

    // ------------------------------------------------------------------------------------ execute

    /**
     * Runs a call with failover.
     *
     * @param call the call
     * @param <T> the result type
     * @return the first result the Retry accepts (or the last one when retries ran out)
     */
    public <T> T executeSupplier(Function<ServiceInstance, T> call) {
        return decorateSupplier(call).get();
    }

    /**
     * Runs a call that may throw a checked exception with failover.
     *
     * @param call the call
     * @param <T> the result type
     * @return the first result the Retry accepts (or the last one when retries ran out)
     * @throws Throwable the last failure, as the call threw it
     */
    public <T> T executeCheckedSupplier(CheckedFunction<ServiceInstance, T> call) throws Throwable {
        return decorateCheckedSupplier(call).get();
    }

    /**
     * Runs a call as a {@link Callable} would, with failover.
     *
     * @param call the call
     * @param <T> the result type
     * @return the first result the Retry accepts (or the last one when retries ran out)
     * @throws Exception the last failure, as the call threw it
     */
    public <T> T executeCallable(InstanceCallable<T> call) throws Exception {
        return decorateCallable(call).call();
    }

    /**
     * Runs a call without a result with failover.
     *
     * @param call the call
     */
    public void executeRunnable(Consumer<ServiceInstance> call) {
        decorateRunnable(call).run();
    }

    /**
     * Runs an asynchronous call with failover.
     *
     * @param scheduler runs each retry after its backoff
     * @param call the call
     * @param <T> the result type
     * @return a stage that always completes
     */
    public <T> CompletionStage<T> executeCompletionStage(ScheduledExecutorService scheduler,
            Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        return decorateCompletionStage(scheduler, call).get();
    }

    /** Runs the loop; what the call threw, checked or not, is rethrown as it is. */
    private <T> T run(SelectionContext first, SyncFailover.Attempt<T> call) {
        try {
            return SyncFailover.execute(retry, loadBalancer, budget, first, startDeadline(), call);
        } catch (Throwable e) {
            throw FailoverRetry.<RuntimeException>sneakyThrow(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneakyThrow(Throwable e) throws E {
        throw (E) e;
    }

    @Override
    public String toString() {
        return "FailoverRetry{retry=" + retry.getName() + ", loadBalancer=" + loadBalancer.getName() + ", budget="
                + budget.getName() + (deadline != null ? ", deadline=" + deadline + ", minAttemptTime=" + minAttemptTime : "") + '}';
    }
}
