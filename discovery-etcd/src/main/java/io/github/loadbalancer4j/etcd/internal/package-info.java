/**
 * Implementation of the etcd instance source: the prefix watcher, the standard value mapper and the
 * client a source builds for itself. Not API: may change in any release.
 */
@NullMarked
package io.github.loadbalancer4j.etcd.internal;

import org.jspecify.annotations.NullMarked;
