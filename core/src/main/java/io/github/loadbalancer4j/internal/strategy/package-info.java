/** The built-in {@link io.github.loadbalancer4j.SelectionStrategy} implementations; not API. */
@NullMarked
package io.github.loadbalancer4j.internal.strategy;

import org.jspecify.annotations.NullMarked;
