package io.github.loadbalancer4j.benchmarks;

import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.client.endpoint.EndpointSelectionStrategy;
import com.linecorp.armeria.client.endpoint.EndpointSelector;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.loadbalancer.SimpleLoadBalancer;
import com.netflix.loadbalancer.BaseLoadBalancer;
import com.netflix.loadbalancer.RoundRobinRule;
import com.netflix.loadbalancer.Server;
import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import io.github.loadbalancer4j.ServiceInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.cluster.loadbalance.AbstractLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.LeastActiveLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.RoundRobinLoadBalance;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;

/**
 * One pick of each library compared in P4, over {@code n} equal instances, each built the way that
 * library's users build it: our selectors, a bare array round robin (the baseline), Armeria's
 * {@code EndpointSelectionStrategy.roundRobin()/weightedRoundRobin()} and {@code LoadBalancer.ofRoundRobin},
 * Spring Cloud LoadBalancer's {@code RoundRobinLoadBalancer.choose()}, Dubbo's
 * {@code RoundRobinLoadBalance.select} and Ribbon's {@code RoundRobinRule.choose}; and, for least
 * loaded, our {@code leastRequests()} against Dubbo's {@code LeastActiveLoadBalance} (nothing in flight:
 * both then choose at random among equals); and gRPC-java's {@code round_robin} picker
 * ({@link GrpcRoundRobin}).
 */
final class PeerPickers {

    /** Picks one instance; what it returns is the library's own instance type. */
    interface Picker {
        Object pick();
    }

    static final String[] NAMES = {"bare", "lb4j-roundRobin", "lb4j-weightedRoundRobin", "armeria-roundRobin",
        "armeria-weightedRoundRobin", "armeria-LoadBalancer.ofRoundRobin", "spring-RoundRobinLoadBalancer",
        "dubbo-RoundRobinLoadBalance", "ribbon-RoundRobinRule", "lb4j-leastRequests", "dubbo-LeastActiveLoadBalance",
        "grpc-round_robin"};

    private PeerPickers() {
    }

    static Picker create(String name, int n) {
        switch (name) {
            case "bare":
                return bare(n);
            case "lb4j-roundRobin":
                return ours(SelectionStrategy.roundRobin(), n);
            case "lb4j-weightedRoundRobin":
                return ours(SelectionStrategy.weightedRoundRobin(), n);
            case "armeria-roundRobin":
                return armeria(EndpointSelectionStrategy.roundRobin(), n);
            case "armeria-weightedRoundRobin":
                return armeria(EndpointSelectionStrategy.weightedRoundRobin(), n);
            case "armeria-LoadBalancer.ofRoundRobin":
                SimpleLoadBalancer<Endpoint> armeriaLb = com.linecorp.armeria.common.loadbalancer.LoadBalancer.ofRoundRobin(endpoints(n));
                return armeriaLb::pick;
            case "spring-RoundRobinLoadBalancer":
                return spring(n);
            case "dubbo-RoundRobinLoadBalance":
                return dubbo(new RoundRobinLoadBalance(), n);
            case "ribbon-RoundRobinRule":
                return ribbon(n);
            case "lb4j-leastRequests":
                return ours(SelectionStrategy.leastRequests(), n);
            case "dubbo-LeastActiveLoadBalance":
                return dubbo(new LeastActiveLoadBalance(), n);
            case "grpc-round_robin":
                return GrpcRoundRobin.picker(n);
            default:
                throw new IllegalArgumentException("peer: '" + name + "' (expected: one of " + String.join(", ", NAMES) + ")");
        }
    }

    private static String host(int i) {
        return "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
    }

    private static Picker bare(int n) {
        Object[] array = new Object[n];
        for (int i = 0; i < n; i++) {
            array[i] = host(i);
        }
        AtomicInteger counter = new AtomicInteger();
        return () -> array[(counter.getAndIncrement() & Integer.MAX_VALUE) % array.length];
    }

    private static Picker ours(SelectionStrategy strategy, int n) {
        List<Candidate> candidates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            candidates.add(new FixedCandidate(ServiceInstance.of(host(i), 8080)));
        }
        Selector selector = strategy.newSelector(Candidates.of(candidates));
        SelectionContext ctx = SelectionContext.empty();
        return () -> selector.select(ctx);
    }

    private static List<Endpoint> endpoints(int n) {
        List<Endpoint> endpoints = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            endpoints.add(Endpoint.of(host(i), 8080));
        }
        return endpoints;
    }

    private static Picker armeria(EndpointSelectionStrategy strategy, int n) {
        EndpointSelector selector = strategy.newSelector(EndpointGroup.of(endpoints(n)));
        ClientRequestContext ctx = ClientRequestContext.of(HttpRequest.of(HttpMethod.GET, "/"));
        return () -> selector.selectNow(ctx);
    }

    private static Picker spring(int n) {
        org.springframework.cloud.client.ServiceInstance[] instances = new org.springframework.cloud.client.ServiceInstance[n];
        for (int i = 0; i < n; i++) {
            instances[i] = new DefaultServiceInstance("orders-" + i, "orders", host(i), 8080, false);
        }
        RoundRobinLoadBalancer lb = new RoundRobinLoadBalancer(ServiceInstanceListSuppliers.toProvider("orders", instances), "orders", 0);
        return () -> lb.choose().block().getServer();
    }

    private static Picker dubbo(AbstractLoadBalance balance, int n) {
        List<Invoker<Object>> invokers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            invokers.add(new FixedInvoker(URL.valueOf("dubbo://" + host(i) + ":20880/com.example.Orders")));
        }
        URL url = invokers.get(0).getUrl();
        Invocation invocation = new RpcInvocation("get", "com.example.Orders", "", new Class<?>[0], new Object[0]);
        return () -> balance.select(invokers, url, invocation);
    }

    private static Picker ribbon(int n) {
        List<Server> servers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            servers.add(new Server(host(i), 8080));
        }
        BaseLoadBalancer lb = new BaseLoadBalancer();
        lb.addServers(servers);
        RoundRobinRule rule = new RoundRobinRule(lb);
        return () -> rule.choose(lb, null);
    }

    /** Our candidate with fixed statistics: selection only, no load balancer around it. */
    private static final class FixedCandidate implements Candidate {
        private final ServiceInstance instance;

        FixedCandidate(ServiceInstance instance) {
            this.instance = instance;
        }

        @Override
        public ServiceInstance instance() {
            return instance;
        }

        @Override
        public double weight() {
            return 1;
        }

        @Override
        public int inFlight() {
            return 0;
        }

        @Override
        public double latencyCost() {
            return 0;
        }
    }

    /** A Dubbo invoker that is only ever selected, never invoked. */
    private static final class FixedInvoker implements Invoker<Object> {
        private final URL url;

        FixedInvoker(URL url) {
            this.url = url;
        }

        @Override
        public Class<Object> getInterface() {
            return Object.class;
        }

        @Override
        public Result invoke(Invocation invocation) {
            throw new UnsupportedOperationException("selection only");
        }

        @Override
        public URL getUrl() {
            return url;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public void destroy() {
        }
    }
}
