/** JMH benchmarks of loadbalancer4j; not published. Run them with {@code scripts/bench.sh}. */
@NullMarked
package io.github.loadbalancer4j.benchmarks;

import org.jspecify.annotations.NullMarked;
