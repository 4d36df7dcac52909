/** Events published by {@link io.github.loadbalancer4j.retry.RetryBudget}. */
@NullMarked
package io.github.loadbalancer4j.retry.event;

import org.jspecify.annotations.NullMarked;
