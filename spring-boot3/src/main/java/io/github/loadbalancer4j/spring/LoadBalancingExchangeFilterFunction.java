package io.github.loadbalancer4j.spring;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.retry.internal.Failover;
import io.github.loadbalancer4j.retry.internal.HttpFailoverRules;
import io.github.loadbalancer4j.spring.internal.HttpOutcomes;
import io.github.loadbalancer4j.spring.internal.InstanceUris;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * An {@link ExchangeFilterFunction} for {@code WebClient} that sends requests for a load-balanced host
 * name ({@code http://orders/...}) to an instance a {@link LoadBalancer} picks, with the rules of
 * {@link LoadBalancingClientHttpRequestInterceptor}:
 * <pre>{@code
 * WebClient orders = WebClient.builder()
 *         .filter(LoadBalancingExchangeFilterFunction.of(routes))
 *         .build();
 * }</pre>
 * With the auto-configuration, Spring Boot's {@code WebClient.Builder} already has it.
 *
 * <p>The instance is picked when the exchange is subscribed to, on the subscribing thread, and the
 * outcome is recorded when the response (its status and headers) arrives; a subscriber that cancels
 * before that gives the instance's permission back without recording anything. With failover, the wait
 * before a retry runs on Reactor's parallel scheduler, never blocking a thread; a retried response's
 * body is released once the next attempt has an instance (or when the exchange is cancelled), and when
 * no instance is left the subscriber gets it. A request body is sent again on a retry: bodies made with
 * {@code bodyValue} or a cold publisher can be; do not combine failover with a hot publisher's body.
 * When no instance is available the exchange fails with {@link NoAvailableInstanceException}.
 */
public final class LoadBalancingExchangeFilterFunction implements ExchangeFilterFunction {

    private final LoadBalancerRoutes routes;
    private final HttpOutcomes outcomes;

    private LoadBalancingExchangeFilterFunction(LoadBalancerRoutes routes, HttpOutcomes outcomes) {
        this.routes = routes;
        this.outcomes = outcomes;
    }

    /**
     * A filter with the defaults: failure statuses 429 and 5xx, {@code Retry-After} holds capped at 60 s.
     *
     * @param routes which hosts are load balanced
     * @return the filter
     */
    public static LoadBalancingExchangeFilterFunction of(LoadBalancerRoutes routes) {
        return builder(routes).build();
    }

    /**
     * Starts a builder.
     *
     * @param routes which hosts are load balanced
     * @return a builder with the defaults
     */
    public static Builder builder(LoadBalancerRoutes routes) {
        return new Builder(routes);
    }

    /**
     * Routes the request if its host is routed, else passes it on untouched.
     *
     * @param request the request, with the service's name as host
     * @param next the rest of the exchange
     * @return the instance's response, as it is
     */
    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        String host = request.url().getHost();
        LoadBalancerRoute route = host == null ? null : routes.find(host);
        if (route == null) {
            return next.exchange(request);
        }
        Retry retry = route.retry();
        RetryBudget budget = route.retryBudget();
        if (retry == null || budget == null) {
            return Mono.defer(() -> send(request, next, route.loadBalancer().acquire()))
                    .map(Attempt::response);
        }
        return Mono.defer(() -> new Call(request, next, route.loadBalancer(), Failover.start(retry, budget,
                SelectionContext.empty())).attempt());
    }

    /** One attempt on the lease's instance; the lease ends with the outcome, or is released on cancel. */
    private Mono<Attempt> send(ClientRequest request, ExchangeFunction next, Lease lease) {
        ServiceInstance instance = lease.instance();
        ClientRequest routed;
        try {
            routed = ClientRequest.from(request).url(InstanceUris.rewrite(request.url(), instance)).build();
        } catch (RuntimeException e) {
            lease.onError(e);
            return Mono.error(e);
        }
        return next.exchange(routed)
                .map(response -> {
                    int status = response.statusCode().value();
                    HttpHeaders headers = response.headers().asHttpHeaders();
                    FailureStatusException failure = outcomes.end(lease, status, headers);
                    if (failure == null) {
                        lease.onResult(response);
                        return new Attempt(instance, response, null, false);
                    }
                    return new Attempt(instance, response, failure, !outcomes.holdFor(status, headers).isZero());
                })
                .doOnError(lease::onError)
                .doOnCancel(lease::release) // ending a lease again does nothing: after an outcome this is a no-op
                .doOnSuccess(attempt -> {
                    if (attempt == null) {
                        lease.release(); // completed without a response: nothing to say about the instance
                    }
                });
    }

    @Override
    public String toString() {
        return "LoadBalancingExchangeFilterFunction{" + routes + '}';
    }

    /** One exchange with failover: its attempts run one after the other, so its fields need no lock. */
    private final class Call {
        private final ClientRequest request;
        private final ExchangeFunction next;
        private final LoadBalancer loadBalancer;
        private final Failover<ClientResponse> failover;
        private final boolean idempotent;
        private @Nullable ClientResponse previous;
        private @Nullable Throwable previousFailure;

        Call(ClientRequest request, ExchangeFunction next, LoadBalancer loadBalancer, Failover<ClientResponse> failover) {
            this.request = request;
            this.next = next;
            this.loadBalancer = loadBalancer;
            this.failover = failover;
            this.idempotent = HttpFailoverRules.isIdempotent(request.method().name());
        }

        Mono<ClientResponse> attempt() {
            return Mono.defer(() -> {
                Lease lease;
                try {
                    lease = loadBalancer.acquire(failover.selection());
                } catch (NoAvailableInstanceException e) {
                    return nowhereLeft(e);
                }
                Mono<Void> releasePrevious = releasePrevious();
                return releasePrevious.then(send(request, next, lease))
                        .map(Outcome::of)
                        .onErrorResume(e -> Mono.just(Outcome.failed(lease.instance(), e)))
                        .flatMap(this::decide);
            }).doOnCancel(() -> releasePrevious().subscribe());
        }

        private Mono<ClientResponse> nowhereLeft(NoAvailableInstanceException e) {
            ClientResponse last = previous;
            if (last != null) {
                previous = null;
                return Mono.just(last); // nowhere left to go: the subscriber gets the last answer
            }
            Throwable failure = previousFailure;
            if (failure != null) {
                failure.addSuppressed(e);
                return Mono.error(failure);
            }
            return Mono.error(e);
        }

        private Mono<ClientResponse> decide(Outcome outcome) {
            ClientResponse response = outcome.response;
            if (response == null) {
                Throwable failure = requireNonNull(outcome.failure, "failure");
                Failover.Action action = HttpFailoverRules.mayMoveOn(failure, request.method().name(), true)
                        ? failover.afterFailure(outcome.instance, failure) : failover.end(failure);
                if (action != Failover.Action.RETRY) {
                    return Mono.error(failover.failure());
                }
                previousFailure = failure;
                return afterBackoff();
            }
            Failover.Action action = !idempotent ? failover.finish()
                    : outcome.failure != null ? failover.afterFailure(outcome.instance, outcome.failure)
                    : failover.afterResult(outcome.instance, response);
            if (action == Failover.Action.RETURN || action == Failover.Action.THROW && !failover.decisionFailed()) {
                return Mono.just(response);
            }
            if (action == Failover.Action.THROW) {
                return response.releaseBody().then(Mono.error(failover.failure()));
            }
            previous = response;
            previousFailure = null;
            // An instance that asked to be left alone is held out: the next one need not wait for it.
            return outcome.held ? attempt() : afterBackoff();
        }

        private Mono<ClientResponse> afterBackoff() {
            long delay = failover.delayMillis();
            return delay <= 0 ? attempt() : Mono.delay(Duration.ofMillis(delay)).then(attempt());
        }

        private Mono<Void> releasePrevious() {
            ClientResponse last = previous;
            previous = null;
            return last == null ? Mono.empty() : last.releaseBody().onErrorResume(e -> Mono.empty());
        }
    }

    /** Builds a {@link LoadBalancingExchangeFilterFunction}; every setter checks its argument at once. */
    public static final class Builder extends HttpClientBuilder<Builder> {

        private Builder(LoadBalancerRoutes routes) {
            super(routes);
        }

        /** @return the filter */
        public LoadBalancingExchangeFilterFunction build() {
            return new LoadBalancingExchangeFilterFunction(routes, outcomes());
        }
    }

    /**
     * One attempt's response, the failure status recorded for it, if any, and whether its instance is
     * held out by a {@code Retry-After}.
     */
    private record Attempt(ServiceInstance instance, ClientResponse response, @Nullable FailureStatusException failure,
            boolean held) {
    }

    /** An attempt's response, or its failure. */
    private record Outcome(ServiceInstance instance, @Nullable ClientResponse response, @Nullable Throwable failure,
            boolean held) {

        static Outcome of(Attempt attempt) {
            return new Outcome(attempt.instance(), attempt.response(), attempt.failure(), attempt.held());
        }

        static Outcome failed(ServiceInstance instance, Throwable failure) {
            return new Outcome(instance, null, failure, false);
        }
    }
}
