/**
 * Instances from ZooKeeper: {@link io.github.loadbalancer4j.zookeeper.ZookeeperInstanceSource} reads a
 * service registered with Curator's {@code ServiceDiscovery} (the format Spring Cloud Zookeeper and
 * others write) and pushes every change to the load balancers subscribed to it.
 *
 * <p>Nulls: every parameter and return value in this package is non-null unless it is annotated
 * {@code @Nullable} (jspecify {@code @NullMarked}). Passing null where it is not allowed throws a
 * {@link NullPointerException} naming the parameter; not every method repeats this in its
 * {@code @throws}.
 */
@NullMarked
package io.github.loadbalancer4j.zookeeper;

import org.jspecify.annotations.NullMarked;
