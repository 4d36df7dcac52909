/**
 * Implementation of the ZooKeeper instance source: the service cache driver, the registration reader
 * and the standard mapper. Not API: may change in any release.
 */
@NullMarked
package io.github.loadbalancer4j.zookeeper.internal;

import org.jspecify.annotations.NullMarked;
