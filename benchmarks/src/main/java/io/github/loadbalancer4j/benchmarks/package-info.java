/** Benchmarks of loadbalancer4j (not published): JMH benchmarks, peer comparisons and the simulator. */
@NullMarked
package io.github.loadbalancer4j.benchmarks;

import org.jspecify.annotations.NullMarked;
