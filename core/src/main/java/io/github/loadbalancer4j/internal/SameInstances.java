package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.ServiceInstance;
import java.util.List;
import java.util.Objects;

/**
 * Whether two lists hold the same instances with the same values, in the same order: what a
 * discovery source asks before it publishes a list again. {@link ServiceInstance#equals} compares ids
 * only, so a changed weight, zone or metadata would look like no change. Public for the loadbalancer4j
 * modules; not API.
 */
public final class SameInstances {

    private SameInstances() {
    }

    /**
     * @param a a list
     * @param b another list
     * @return true when both hold, position by position, instances equal in every value
     */
    public static boolean same(List<ServiceInstance> a, List<ServiceInstance> b) {
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
