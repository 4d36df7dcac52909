/**
 * Discovery from etcd: {@link io.github.loadbalancer4j.etcd.EtcdInstanceSource} follows the keys under
 * a prefix (go-kit's {@code sd/etcdv3} layout, one key per instance) with a range read and a watch.
 */
@NullMarked
package io.github.loadbalancer4j.etcd;

import org.jspecify.annotations.NullMarked;
