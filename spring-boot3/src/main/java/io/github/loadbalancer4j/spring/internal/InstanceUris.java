package io.github.loadbalancer4j.spring.internal;

import io.github.loadbalancer4j.ServiceInstance;
import java.net.URI;

/**
 * Rewrites a request URL for the instance it goes to: the host and port become the instance's, the
 * scheme is https when the request's is or the instance is secure, and user info, path, query and
 * fragment stay as they were (still encoded).
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class InstanceUris {

    private InstanceUris() {
    }

    /**
     * @param original the request's URL, with the service's name as host
     * @param instance the instance to send it to
     * @return the URL to send
     * @throws IllegalArgumentException if the result is not a valid URI
     */
    public static URI rewrite(URI original, ServiceInstance instance) {
        boolean https = "https".equalsIgnoreCase(original.getScheme()) || instance.secure();
        StringBuilder sb = new StringBuilder(64).append(https ? "https://" : "http://");
        if (original.getRawUserInfo() != null) {
            sb.append(original.getRawUserInfo()).append('@');
        }
        sb.append(instance.uri().getRawAuthority()); // host:port, an IPv6 host in brackets
        if (original.getRawPath() != null) {
            sb.append(original.getRawPath());
        }
        if (original.getRawQuery() != null) {
            sb.append('?').append(original.getRawQuery());
        }
        if (original.getRawFragment() != null) {
            sb.append('#').append(original.getRawFragment());
        }
        return URI.create(sb.toString());
    }
}
