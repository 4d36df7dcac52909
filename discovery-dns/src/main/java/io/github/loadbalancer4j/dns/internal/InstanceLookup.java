package io.github.loadbalancer4j.dns.internal;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.dns.DnsLookupException;
import java.util.List;

/** One kind of DNS question whose answer is a list of instances. */
public interface InstanceLookup {

    /**
     * Asks the server once.
     *
     * @return the instances, sorted so that equal answers give equal lists; empty when the name has none
     * @throws DnsLookupException if the server could not answer
     */
    List<ServiceInstance> lookup() throws DnsLookupException;

    /** @return what is asked, for names and messages, e.g. {@code A/AAAA orders.svc.test.:8080} */
    String describe();
}
