package io.github.loadbalancer4j.grpc;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.grpc.internal.FailoverCall;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.retry.internal.Failover;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Failover for the calls of safe methods: a call that fails on one instance before any response (no
 * headers, no message) is sent again, to an instance it has not tried, as a resilience4j {@link Retry}
 * allows and within a {@link RetryBudget}. With the {@code loadbalancer4j} policy each attempt's pick
 * skips the instances the call tried while an untried one is available, and each attempt's outcome is
 * recorded on its own instance's breaker.
 * <pre>{@code
 * FailoverInterceptor failover = FailoverInterceptor.builder()
 *         .safeMethod(OrdersGrpc.getGetOrderMethod())
 *         .build();
 * ManagedChannel channel = Grpc.newChannelBuilder("loadbalancer4j:///orders", InsecureChannelCredentials.create())
 *         .defaultLoadBalancingPolicy("loadbalancer4j")
 *         .intercept(failover)
 *         .build();
 * }</pre>
 *
 * <p>Safe methods are those the builder names, and those whose descriptor says they are idempotent
 * or safe (protobuf's {@code idempotency_level}); only unary and server-streaming methods (the caller
 * sends one message, which is kept for the next attempt). Calls of other methods pass through
 * untouched. The call's deadline holds for all its attempts together; cancelling the call stops them.
 * The Retry sees each failure as a {@link io.grpc.StatusRuntimeException}: by default
 * ({@link #defaultRetry()}) up to 3 attempts, at once, on {@code UNAVAILABLE}. When the Retry or the
 * budget says no more, the caller gets the last attempt's status and trailers.
 */
public final class FailoverInterceptor implements ClientInterceptor {

    private final Retry retry;
    private final RetryBudget budget;
    private final Predicate<MethodDescriptor<?, ?>> safe;
    private final ScheduledExecutorService scheduler;

    private FailoverInterceptor(Builder builder) {
        this.retry = builder.retry;
        this.budget = builder.budget;
        Set<String> names = Set.copyOf(builder.safeNames);
        Predicate<MethodDescriptor<?, ?>> marked = builder.safe;
        this.safe = method -> names.contains(method.getFullMethodName()) || marked.test(method);
        this.scheduler = builder.scheduler != null ? builder.scheduler : SharedScheduler.INSTANCE;
    }

    /** @return a builder: the default Retry, a budget of its own with the defaults, idempotent methods safe */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The Retry used unless one is given: {@code loadbalancer4j-grpc-failover}, 3 attempts, no wait,
     * retrying {@code UNAVAILABLE} only (the status of a server that is down, going away, or refused
     * the call; and of a call that found no available instance).
     *
     * @return a new Retry
     */
    public static Retry defaultRetry() {
        return Retry.of("loadbalancer4j-grpc-failover", RetryConfig.custom()
                .maxAttempts(3)
                .waitDuration(Duration.ZERO)
                .retryOnException(e -> Status.fromThrowable(e).getCode() == Status.Code.UNAVAILABLE)
                .build());
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method, CallOptions callOptions,
            Channel next) {
        MethodDescriptor.MethodType type = method.getType();
        boolean oneRequest = type == MethodDescriptor.MethodType.UNARY || type == MethodDescriptor.MethodType.SERVER_STREAMING;
        if (!oneRequest || !safe.test(method)) {
            return next.newCall(method, callOptions);
        }
        Failover<Object> failover = Failover.start(retry, budget, callOptions.getOption(BalancingPolicyProvider.SELECTION_CONTEXT));
        return new FailoverCall<>(method, callOptions, next, failover, scheduler);
    }

    /** @return the budget the retries draw on */
    public RetryBudget retryBudget() {
        return budget;
    }

    @Override
    public String toString() {
        return "FailoverInterceptor{retry=" + retry.getName() + ", budget=" + budget + '}';
    }

    /** Builds a {@link FailoverInterceptor}; every setter checks its argument at once. */
    public static final class Builder {
        private Retry retry = defaultRetry();
        private RetryBudget budget = RetryBudget.ofDefaults("loadbalancer4j-grpc-failover");
        private Predicate<MethodDescriptor<?, ?>> safe = method -> method.isIdempotent() || method.isSafe();
        private final Set<String> safeNames = new HashSet<>();
        private @Nullable ScheduledExecutorService scheduler;

        private Builder() {
        }

        /**
         * Sets the Retry that decides what is retried, how many attempts and the wait between them.
         *
         * @param retry a Retry, e.g. from your {@code RetryRegistry}; its exception predicate sees
         *     {@link io.grpc.StatusRuntimeException}s ({@code Status.fromThrowable(e).getCode()})
         * @return this builder
         */
        public Builder retry(Retry retry) {
            this.retry = requireNonNull(retry, "retry");
            return this;
        }

        /**
         * Sets the budget the retries draw on (share one per service).
         *
         * @param budget the budget
         * @return this builder
         */
        public Builder retryBudget(RetryBudget budget) {
            this.budget = requireNonNull(budget, "budget");
            return this;
        }

        /**
         * Marks a method safe to send again to another instance.
         *
         * @param method the method, unary or server-streaming
         * @return this builder
         * @throws IllegalArgumentException if the caller sends it more than one message
         */
        public Builder safeMethod(MethodDescriptor<?, ?> method) {
            requireNonNull(method, "method");
            MethodDescriptor.MethodType type = method.getType();
            if (type != MethodDescriptor.MethodType.UNARY && type != MethodDescriptor.MethodType.SERVER_STREAMING) {
                throw new IllegalArgumentException("method: " + method.getFullMethodName() + " is " + type
                        + " (expected: UNARY or SERVER_STREAMING, whose one request can be sent again)");
            }
            safeNames.add(method.getFullMethodName());
            return this;
        }

        /**
         * Marks a method safe by its full name.
         *
         * @param fullMethodName as {@code package.Service/Method}
         * @return this builder
         * @throws IllegalArgumentException if the name has no '/'
         */
        public Builder safeMethod(String fullMethodName) {
            requireNonNull(fullMethodName, "fullMethodName");
            if (MethodDescriptor.extractFullServiceName(fullMethodName) == null) {
                throw new IllegalArgumentException("fullMethodName: '" + fullMethodName + "' (expected: package.Service/Method)");
            }
            safeNames.add(fullMethodName);
            return this;
        }

        /**
         * Sets which methods are safe besides those named: by default those whose descriptor says
         * they are idempotent or safe.
         *
         * @param safe true for a method whose calls may be sent again
         * @return this builder
         */
        public Builder safeMethods(Predicate<MethodDescriptor<?, ?>> safe) {
            this.safe = requireNonNull(safe, "safe");
            return this;
        }

        /**
         * Sets the scheduler that runs attempts after the Retry's wait (attempts without a wait run at
         * once, on the thread that saw the failure).
         *
         * @param scheduler the scheduler; by default one daemon thread shared by every interceptor
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** @return the interceptor */
        public FailoverInterceptor build() {
            return new FailoverInterceptor(this);
        }
    }

    /** One daemon thread for the waits of every interceptor that was given no scheduler. */
    private static final class SharedScheduler {
        static final ScheduledExecutorService INSTANCE = create();

        private static ScheduledExecutorService create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "loadbalancer4j-grpc-failover");
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }
}
