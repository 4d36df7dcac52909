package io.github.loadbalancer4j.dns.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.dns.DnsLookupException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * SRV records of one name: one instance per record of the lowest priority group, with the record's
 * target as host and its port and weight. Records whose target is {@code .} ("no service here",
 * RFC 2782) or whose port is 0 are left out. When every record of the group has weight 0, each gets
 * weight 1, as RFC 2782 then asks for an even spread. With {@code resolveTargets}, each target is
 * resolved (A and AAAA, from the same server, uncached) into one instance per address, each with the
 * record's port and weight; a target without addresses gives no instance.
 */
public final class SrvLookup implements InstanceLookup {

    private final DnsQuerier querier;
    private final Name name;
    private final boolean secure;
    private final boolean resolveTargets;

    /**
     * @param querier asks the server
     * @param name an absolute SRV name, e.g. {@code _http._tcp.orders.svc.test.}
     * @param secure whether the instances use https
     * @param resolveTargets whether instances get the targets' addresses instead of their names
     */
    public SrvLookup(DnsQuerier querier, Name name, boolean secure, boolean resolveTargets) {
        this.querier = requireNonNull(querier, "querier");
        this.name = requireNonNull(name, "name");
        this.secure = secure;
        this.resolveTargets = resolveTargets;
    }

    @Override
    public List<ServiceInstance> lookup() throws DnsLookupException {
        List<SRVRecord> usable = new ArrayList<>();
        int lowest = Integer.MAX_VALUE;
        for (Record r : querier.query(name, Type.SRV)) {
            SRVRecord srv = (SRVRecord) r;
            if (srv.getTarget().equals(Name.root) || srv.getPort() == 0) {
                continue;
            }
            usable.add(srv);
            lowest = Math.min(lowest, srv.getPriority());
        }
        List<SRVRecord> group = new ArrayList<>(usable.size());
        boolean anyWeight = false;
        for (SRVRecord srv : usable) {
            if (srv.getPriority() == lowest) {
                group.add(srv);
                anyWeight |= srv.getWeight() > 0;
            }
        }
        group.sort(Comparator.comparing((SRVRecord srv) -> srv.getTarget().toString(true))
                .thenComparingInt(SRVRecord::getPort));
        List<ServiceInstance> instances = new ArrayList<>(group.size());
        for (SRVRecord srv : group) {
            int weight = anyWeight ? srv.getWeight() : 1;
            if (!resolveTargets) {
                instances.add(instance(srv.getTarget().toString(true), srv.getPort(), weight));
                continue;
            }
            for (InetAddress address : AddressLookup.addressesOf(querier, srv.getTarget())) {
                instances.add(instance(address.getHostAddress(), srv.getPort(), weight));
            }
        }
        return instances;
    }

    @Override
    public String describe() {
        return "SRV " + name + (resolveTargets ? " (targets resolved)" : "");
    }

    private ServiceInstance instance(String host, int port, int weight) {
        return ServiceInstance.builder(host, port).weight(weight).secure(secure).build();
    }
}
