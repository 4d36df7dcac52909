package io.github.loadbalancer4j.retry;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.event.HedgeSentEvent;
import io.github.loadbalancer4j.retry.event.HedgeWonEvent;
import io.github.loadbalancer4j.retry.event.HedgingEvent;
import io.github.loadbalancer4j.retry.internal.DefaultHedging;
import io.github.resilience4j.core.EventConsumer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Hedged calls ("The Tail at Scale", Dean and Barroso, 2013): when a call's first attempt has not
 * answered after a delay, the same call is sent to an instance it has not tried; the first success
 * wins and the other attempts are cancelled.
 *
 * <pre>{@code
 * Hedging hedging = Hedging.of(orders, HedgingPolicy.ofDefaults());      // 1 hedge after the observed p95
 * Supplier<CompletionStage<Order>> getOrder = hedging.decorateCompletionStage(scheduler,
 *         instance -> http.sendAsync(instance.uri("/orders/42")));
 * }</pre>
 *
 * <p>What a hedged call does:
 * <ul>
 *   <li>its first attempt goes where the load balancer picks; after the {@link HedgingPolicy policy}'s
 *       delay (fixed, or a percentile of the first attempts' latency with a floor) a hedge goes to an
 *       instance the call has not tried (none is sent when every available instance was tried), then
 *       the next one after another delay, at most {@link HedgingPolicy#getMaxHedges() maxHedges};
 *   <li>the first attempt to succeed wins: the call returns its result, and every other attempt is
 *       cancelled (its stage cancelled, its thread interrupted) and its lease
 *       {@link io.github.loadbalancer4j.Lease#release() released}: a cancelled loser is neither a
 *       success nor a failure of its instance, its in-flight count goes back down, its breaker is
 *       untouched;
 *   <li>a failed attempt does not end the call while another one runs; it sends the next hedge at once
 *       (as gRPC's hedging does) when hedges and budget are left; the call fails with the last failure
 *       once no attempt runs and none may start;
 *   <li>every call deposits in the policy's {@link RetryBudget} and every hedge withdraws from it, so
 *       hedges cannot multiply the load of a slow service; a refusal ends the call's hedging;
 *   <li>only requests the policy says are idempotent are hedged: the others run once.
 * </ul>
 *
 * <p>With a deadline ({@link #withDeadline(Duration)}) no hedge starts with less than its floor left,
 * the asynchronous decorators end the attempts still running at the deadline, and the call fails with
 * a {@link DeadlineExceededException}.
 *
 * <p>A {@code Hedging} holds what its calls share: the latency histogram a percentile delay is read
 * from, the {@link #getMetrics() counters} and the {@link #getEventPublisher() events}
 * ({@link HedgingEvent.Type#HEDGE_SENT}, {@link HedgingEvent.Type#HEDGE_WON}). Make one per load
 * balancer and kind of call, and decorate with it. Thread-safe.
 */
public interface Hedging {

    /**
     * Hedging for one load balancer's calls.
     *
     * @param loadBalancer picks the instance of every attempt
     * @param policy when and how often to hedge
     * @return a new hedging, with its own latency histogram, counters and events
     * @throws NullPointerException if an argument is null
     */
    static Hedging of(LoadBalancer loadBalancer, HedgingPolicy policy) {
        return DefaultHedging.of(loadBalancer, policy);
    }

    /**
     * Decorates an asynchronous call with hedging; see {@link #decorateCompletionStage(ScheduledExecutorService, Function)}.
     *
     * @param loadBalancer picks the instance of every attempt
     * @param policy when and how often to hedge
     * @param scheduler runs the hedges' timers (and the deadline's)
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier of stages
     * @throws NullPointerException if an argument is null
     */
    static <T> Supplier<CompletionStage<T>> decorateCompletionStage(LoadBalancer loadBalancer, HedgingPolicy policy,
            ScheduledExecutorService scheduler, Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        return of(loadBalancer, policy).decorateCompletionStage(scheduler, call);
    }

    /**
     * Decorates a blocking call with hedging; see {@link #decorateSupplier(ExecutorService, Function)}.
     *
     * @param loadBalancer picks the instance of every attempt
     * @param policy when and how often to hedge
     * @param executor runs the attempts
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier
     * @throws NullPointerException if an argument is null
     */
    static <T> Supplier<T> decorateSupplier(LoadBalancer loadBalancer, HedgingPolicy policy, ExecutorService executor,
            Function<ServiceInstance, T> call) {
        return of(loadBalancer, policy).decorateSupplier(executor, call);
    }

    /**
     * Decorates an asynchronous call with hedging. The first attempt starts on the caller's thread;
     * hedges start on {@code scheduler}'s thread when their delay is over. The returned stage always
     * completes: with the first success, the last failure when no attempt succeeded, a
     * {@link DeadlineExceededException}, or {@link io.github.loadbalancer4j.NoAvailableInstanceException}
     * when the first attempt found no instance. A call that throws instead of returning a stage, or
     * returns null, is a failed attempt. Cancelling the returned future cancels every attempt.
     *
     * @param scheduler runs the hedges' timers (and the deadline's)
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier of stages
     * @throws NullPointerException if an argument is null
     */
    <T> Supplier<CompletionStage<T>> decorateCompletionStage(ScheduledExecutorService scheduler,
            Function<ServiceInstance, ? extends CompletionStage<T>> call);

    /**
     * Decorates an asynchronous call with an argument with hedging: an argument the policy does not
     * call {@link HedgingPolicy#isIdempotent(Object) idempotent} is sent once, never hedged.
     *
     * @param scheduler runs the hedges' timers (and the deadline's)
     * @param call the call, given the instance and the argument
     * @param <A> the argument type
     * @param <R> the result type
     * @return the decorated function
     * @throws NullPointerException if an argument is null
     */
    <A, R> Function<A, CompletionStage<R>> decorateCompletionStageFunction(ScheduledExecutorService scheduler,
            BiFunction<ServiceInstance, A, ? extends CompletionStage<R>> call);

    /**
     * Decorates a blocking call with hedging. Every attempt runs on {@code executor} while the caller's
     * thread waits for the first success and sends the hedges when their delay is over; a loser is
     * cancelled with {@code Future.cancel(true)} (its thread interrupted). The call returns the first
     * success, or throws the last failure (as it was thrown), a {@link DeadlineExceededException} or
     * {@link io.github.loadbalancer4j.NoAvailableInstanceException}. An interrupt of the waiting thread
     * cancels every attempt and throws a {@link java.util.concurrent.CancellationException}, the
     * interrupt flag kept. Size the executor for (1 + maxHedges) attempts per concurrent call.
     *
     * @param executor runs the attempts
     * @param call the call, given the instance to go to
     * @param <T> the result type
     * @return the decorated supplier
     * @throws NullPointerException if an argument is null
     */
    <T> Supplier<T> decorateSupplier(ExecutorService executor, Function<ServiceInstance, T> call);

    /**
     * Decorates a blocking call with an argument with hedging; an argument the policy does not call
     * {@link HedgingPolicy#isIdempotent(Object) idempotent} is sent once. See
     * {@link #decorateSupplier(ExecutorService, Function)}.
     *
     * @param executor runs the attempts
     * @param call the call, given the instance and the argument
     * @param <A> the argument type
     * @param <R> the result type
     * @return the decorated function
     * @throws NullPointerException if an argument is null
     */
    <A, R> Function<A, R> decorateFunction(ExecutorService executor, BiFunction<ServiceInstance, A, R> call);

    /**
     * Runs an asynchronous call with hedging.
     *
     * @param scheduler runs the hedges' timers
     * @param call the call
     * @param <T> the result type
     * @return a stage that always completes
     */
    default <T> CompletionStage<T> executeCompletionStage(ScheduledExecutorService scheduler,
            Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        return decorateCompletionStage(scheduler, call).get();
    }

    /**
     * Runs a blocking call with hedging.
     *
     * @param executor runs the attempts
     * @param call the call
     * @param <T> the result type
     * @return the first success
     */
    default <T> T executeSupplier(ExecutorService executor, Function<ServiceInstance, T> call) {
        return decorateSupplier(executor, call).get();
    }

    /**
     * The same hedging (sharing its histogram, counters and events), each call bounded by a deadline of
     * {@code timeout} from its start with the {@link Deadline#defaultMinAttemptTime(Duration) default floor}.
     *
     * @param timeout how long a call may take, {@code > 0}
     * @return a new hedging; this one is unchanged
     * @throws IllegalArgumentException if the timeout is not positive
     */
    Hedging withDeadline(Duration timeout);

    /**
     * The same hedging (sharing its histogram, counters and events), each call bounded by a deadline of
     * {@code timeout} from its start, measured on the load balancer's ticker: no hedge starts with less
     * than {@code minAttemptTime} left; see {@link Deadline}.
     *
     * @param timeout how long a call may take, {@code > 0}
     * @param minAttemptTime the floor, {@code >= 0} and shorter than the timeout
     * @return a new hedging; this one is unchanged
     * @throws IllegalArgumentException if the timeout is not positive, or the floor negative or not
     *     shorter than the timeout
     */
    Hedging withDeadline(Duration timeout, Duration minAttemptTime);

    /** @return the load balancer that picks every attempt's instance */
    LoadBalancer getLoadBalancer();

    /** @return when and how often to hedge */
    HedgingPolicy getPolicy();

    /** @return the budget every hedge withdraws from: the policy's, or the load balancer's default budget */
    RetryBudget getBudget();

    /**
     * The delay a call started now would wait before its first hedge.
     *
     * @return the fixed delay, or the percentile of the observed latency (at least the floor); null while
     *     a percentile has fewer than {@value HedgingPolicy#MIN_SAMPLES} first attempts to go on (no hedge
     *     is sent for latency then)
     */
    @org.jspecify.annotations.Nullable Duration getCurrentDelay();

    /** @return the counters of calls, hedges and cancelled attempts */
    Metrics getMetrics();

    /** @return where to register consumers of {@link HedgingEvent}s */
    EventPublisher getEventPublisher();

    /** Counters of a {@link Hedging}, read live. */
    interface Metrics {
        /** @return calls made through this hedging */
        long getNumberOfCalls();

        /** @return hedges sent: attempts beyond each call's first */
        long getNumberOfHedgesSent();

        /** @return hedges that answered first and gave the call its result */
        long getNumberOfHedgesWon();

        /** @return attempts cancelled because another attempt of their call won (or the caller cancelled) */
        long getNumberOfCancelledAttempts();
    }

    /** Where consumers of a hedging's events register. Consumers' exceptions are logged, never thrown. */
    interface EventPublisher extends io.github.resilience4j.core.EventPublisher<HedgingEvent> {
        /**
         * @param consumer called for each hedge sent
         * @return this publisher
         */
        EventPublisher onHedgeSent(EventConsumer<HedgeSentEvent> consumer);

        /**
         * @param consumer called for each hedge that won
         * @return this publisher
         */
        EventPublisher onHedgeWon(EventConsumer<HedgeWonEvent> consumer);
    }
}
