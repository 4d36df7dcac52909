/** Implementation of failover and retry budgets. Not API: may change in any release. */
@NullMarked
package io.github.loadbalancer4j.retry.internal;

import org.jspecify.annotations.NullMarked;
