package io.github.loadbalancer4j.consul.internal;

import io.github.loadbalancer4j.ServiceInstance;
import java.util.List;
import java.util.Objects;

/**
 * Whether two lists hold the same instances with the same values. {@link ServiceInstance#equals}
 * compares ids only, so a changed weight, zone or metadata would look like no change.
 */
final class SameInstances {

    private SameInstances() {
    }

    static boolean same(List<ServiceInstance> a, List<ServiceInstance> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            ServiceInstance x = a.get(i);
            ServiceInstance y = b.get(i);
            if (!x.id().equals(y.id()) || !x.host().equals(y.host()) || x.port() != y.port() || x.secure() != y.secure()
                    || x.weight() != y.weight() || !Objects.equals(x.zone(), y.zone()) || !x.metadata().equals(y.metadata())) {
                return false;
            }
        }
        return true;
    }
}
