/**
 * OkHttp integration: {@link io.github.loadbalancer4j.okhttp.LoadBalancingInterceptor} balances
 * requests to logical host names ({@code http://orders/...}) over a
 * {@link io.github.loadbalancer4j.LoadBalancer}'s instances, and
 * {@link io.github.loadbalancer4j.okhttp.OkHttpHealthChecker} probes instances over HTTP.
 */
@NullMarked
package io.github.loadbalancer4j.okhttp;

import org.jspecify.annotations.NullMarked;
