/**
 * The DNS source's implementation: queries without a cache, the blocking I/O they use, and the
 * mapping of records to instances. Not API: it may change in any release.
 */
@NullMarked
package io.github.loadbalancer4j.dns.internal;

import org.jspecify.annotations.NullMarked;
