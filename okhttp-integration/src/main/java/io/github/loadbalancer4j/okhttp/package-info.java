/**
 * OkHttp integration: {@link io.github.loadbalancer4j.okhttp.LoadBalancingInterceptor} balances
 * requests to logical host names ({@code http://orders/...}) over a
 * {@link io.github.loadbalancer4j.LoadBalancer}'s instances, and
 * {@link io.github.loadbalancer4j.okhttp.OkHttpHealthChecker} probes instances over HTTP.
 *
 * <p>Nulls: every parameter and return value in this package is non-null unless it is annotated
 * {@code @Nullable} (jspecify {@code @NullMarked}). Passing null where it is not allowed throws a
 * {@link NullPointerException} naming the parameter; not every method repeats this in its
 * {@code @throws}.
 */
@NullMarked
package io.github.loadbalancer4j.okhttp;

import org.jspecify.annotations.NullMarked;
