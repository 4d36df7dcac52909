/**
 * Instances from ZooKeeper: {@link io.github.loadbalancer4j.zookeeper.ZookeeperInstanceSource} reads a
 * service registered with Curator's {@code ServiceDiscovery} (the format Spring Cloud Zookeeper and
 * others write) and pushes every change to the load balancers subscribed to it.
 */
@NullMarked
package io.github.loadbalancer4j.zookeeper;

import org.jspecify.annotations.NullMarked;
