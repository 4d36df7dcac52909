package io.github.loadbalancer4j.dns.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.dns.DnsLookupException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** A and AAAA records of one name: one instance per address, all on the same port. */
public final class AddressLookup implements InstanceLookup {

    private final DnsQuerier querier;
    private final Name name;
    private final int port;
    private final boolean secure;

    /**
     * @param querier asks the server
     * @param name an absolute host name
     * @param port the port every instance gets
     * @param secure whether the instances use https
     */
    public AddressLookup(DnsQuerier querier, Name name, int port, boolean secure) {
        this.querier = requireNonNull(querier, "querier");
        this.name = requireNonNull(name, "name");
        this.port = port;
        this.secure = secure;
    }

    @Override
    public List<ServiceInstance> lookup() throws DnsLookupException {
        List<InetAddress> addresses = addressesOf(querier, name);
        List<ServiceInstance> instances = new ArrayList<>(addresses.size());
        for (InetAddress address : addresses) {
            instances.add(ServiceInstance.builder(address.getHostAddress(), port).secure(secure).build());
        }
        return instances;
    }

    /**
     * Asks for a name's A and AAAA records.
     *
     * @param querier asks the server
     * @param name an absolute name
     * @return the IPv4 addresses in address order, then the IPv6 ones; empty when the name has none
     * @throws DnsLookupException if either query could not be answered
     */
    static List<InetAddress> addressesOf(DnsQuerier querier, Name name) throws DnsLookupException {
        // Both must be answered: a failed AAAA query must not shrink the list to the A records.
        List<Record> v4 = querier.query(name, Type.A);
        List<Record> v6 = querier.query(name, Type.AAAA);
        List<InetAddress> addresses = new ArrayList<>(v4.size() + v6.size());
        for (Record r : v4) {
            addresses.add(((ARecord) r).getAddress());
        }
        List<InetAddress> v6Addresses = new ArrayList<>(v6.size());
        for (Record r : v6) {
            v6Addresses.add(((AAAARecord) r).getAddress());
        }
        Comparator<InetAddress> byBytes = (a, b) -> Arrays.compareUnsigned(a.getAddress(), b.getAddress());
        addresses.sort(byBytes);
        v6Addresses.sort(byBytes);
        addresses.addAll(v6Addresses);
        return addresses;
    }

    @Override
    public String describe() {
        return "A/AAAA " + name + ":" + port;
    }
}
