/**
 * Implementation of the Consul instance source: the blocking-query loop, its index rules, rate
 * limit and backoff, the request and response handling, and the standard mapper. Not API: may change
 * in any release.
 */
@NullMarked
package io.github.loadbalancer4j.consul.internal;

import org.jspecify.annotations.NullMarked;
