/** The meters of one load balancer in one meter registry. Not API. */
@NullMarked
package io.github.loadbalancer4j.micrometer.internal;

import org.jspecify.annotations.NullMarked;
