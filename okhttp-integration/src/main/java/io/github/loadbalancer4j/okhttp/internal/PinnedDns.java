package io.github.loadbalancer4j.okhttp.internal;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import okhttp3.Dns;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Dns} that answers the logical host name of an https request with one instance's address,
 * so TLS (SNI, certificate verification) and the Host header keep naming the service while the
 * connection goes to the chosen instance. Every other name goes to the delegate.
 *
 * <p>Equal for the same logical host, instance host and delegate: OkHttp keys its connection pool
 * by an address that includes the Dns, so equal values share pooled connections (one instance's
 * calls reuse that instance's connections) and different instances never share one.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class PinnedDns implements Dns {

    private final String logicalHost;
    private final String instanceHost;
    private final Dns delegate;

    /**
     * @param logicalHost the host name of the request's URL, as OkHttp canonicalized it
     * @param instanceHost the instance's host name or IP address
     * @param delegate resolves other names, and the instance host when it is a name
     */
    public PinnedDns(String logicalHost, String instanceHost, Dns delegate) {
        this.logicalHost = requireNonNull(logicalHost, "logicalHost");
        this.instanceHost = requireNonNull(instanceHost, "instanceHost");
        this.delegate = requireNonNull(delegate, "delegate");
    }

    /**
     * @param hostname the name OkHttp resolves
     * @return the instance's address for the logical host, the delegate's answer for any other name
     * @throws UnknownHostException if the delegate cannot resolve the name
     */
    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
        if (!logicalHost.equalsIgnoreCase(hostname)) {
            return delegate.lookup(hostname); // a proxy, or a redirect to another host
        }
        if (isIpLiteral(instanceHost)) {
            return List.of(InetAddress.getByName(instanceHost)); // parses the literal, no lookup
        }
        return delegate.lookup(instanceHost);
    }

    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // IPv6
        }
        int dots = 0;
        int digits = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                if (digits == 0) {
                    return false;
                }
                dots++;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                digits++;
            } else {
                return false;
            }
        }
        return dots == 3 && digits > 0;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PinnedDns)) {
            return false;
        }
        PinnedDns that = (PinnedDns) o;
        return logicalHost.equals(that.logicalHost) && instanceHost.equals(that.instanceHost)
                && delegate.equals(that.delegate);
    }

    @Override
    public int hashCode() {
        return (logicalHost.hashCode() * 31 + instanceHost.hashCode()) * 31 + delegate.hashCode();
    }

    @Override
    public String toString() {
        return "PinnedDns{" + logicalHost + " -> " + instanceHost + '}';
    }
}
