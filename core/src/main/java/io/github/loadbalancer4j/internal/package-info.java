/**
 * Implementation of the core module. Classes here are public only where another loadbalancer4j
 * module needs them; they are not API and may change in any release.
 */
@NullMarked
package io.github.loadbalancer4j.internal;

import org.jspecify.annotations.NullMarked;
