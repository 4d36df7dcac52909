package io.github.loadbalancer4j.kubernetes.internal;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.github.loadbalancer4j.internal.DaemonThreads;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fabric8 client that the source builds, and so owns: its threads carry the source's name and
 * {@link #close()} returns once they are gone.
 *
 * <p>fabric8 runs informer callbacks on a task executor and the JDK's HttpClient on another; both are
 * the source's own here (named {@code <prefix>-client-N} and {@code <prefix>-http-N}), so that close
 * can end them and wait. The JDK's HttpClient also has a selector thread of its own, which close ends
 * and waits for too: on Java 21 and later with {@code HttpClient.shutdownNow()} (called by reflection,
 * since this module is built for Java 17), before that by interrupting it.
 */
public final class OwnedClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OwnedClient.class);
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);
    /** The JDK's HttpClient {@code toString()} ends with its id, "for tests", in parentheses. */
    private static final Pattern CLIENT_ID = Pattern.compile("\\((\\d+)\\)$");

    private final DaemonThreads taskThreads;
    private final ExecutorService taskExecutor;
    private final DaemonThreads httpThreads;
    private final ExecutorService httpExecutor;
    private final List<HttpClient> jdkClients = new CopyOnWriteArrayList<>();
    private final KubernetesClient client;

    /**
     * Builds the client.
     *
     * @param config the configuration, or null for fabric8's auto-configuration (kubeconfig, the
     *     in-cluster service account, system properties and environment variables)
     * @param threadPrefix the prefix of the names of the client's threads
     */
    public OwnedClient(@Nullable Config config, String threadPrefix) {
        this.taskThreads = DaemonThreads.numbered(threadPrefix + "-client");
        this.taskExecutor = Executors.newCachedThreadPool(taskThreads);
        this.httpThreads = DaemonThreads.numbered(threadPrefix + "-http");
        this.httpExecutor = Executors.newCachedThreadPool(httpThreads);
        KubernetesClientBuilder builder = new KubernetesClientBuilder()
                .withHttpClientFactory(new OwnHttpClientFactory())
                // One executor for the client and every client derived from it; close() ends it.
                .withTaskExecutorSupplier(() -> taskExecutor);
        if (config != null) {
            builder.withConfig(config);
        }
        try {
            this.client = builder.build();
        } catch (RuntimeException e) {
            taskExecutor.shutdownNow();
            httpExecutor.shutdownNow();
            throw e;
        }
    }

    /** @return the client */
    public KubernetesClient client() {
        return client;
    }

    /** Closes the client (and so its informers and connections), then ends its threads and waits for them. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            for (HttpClient jdkClient : jdkClients) {
                shutDown(jdkClient);
            }
            jdkClients.clear();
            taskThreads.shutdownAndJoin(taskExecutor, true, CLOSE_BOUND);
            httpThreads.shutdownAndJoin(httpExecutor, true, CLOSE_BOUND);
        }
    }

    /**
     * Ends the HttpClient's selector thread. Java 21 added {@code shutdownNow()} and
     * {@code awaitTermination(Duration)}. Before, nothing public stops it (it ends by itself once the
     * client is collected, which fabric8's scheduled tasks can delay for minutes); an interrupt ends
     * its loop, and the JDK names it after the id its client's {@code toString()} ends with.
     */
    private static void shutDown(HttpClient jdkClient) {
        Method shutdownNow;
        Method awaitTermination;
        try {
            shutdownNow = HttpClient.class.getMethod("shutdownNow");
            awaitTermination = HttpClient.class.getMethod("awaitTermination", Duration.class);
        } catch (NoSuchMethodException e) {
            interruptSelector(jdkClient);
            return;
        }
        try {
            shutdownNow.invoke(jdkClient);
            awaitTermination.invoke(jdkClient, CLOSE_BOUND);
        } catch (IllegalAccessException | InvocationTargetException e) {
            LOG.debug("Shutting down the JDK HttpClient of a Kubernetes client failed", e);
        }
    }

    private static void interruptSelector(HttpClient jdkClient) {
        Matcher id = CLIENT_ID.matcher(jdkClient.toString());
        if (!id.find()) {
            LOG.debug("No id in {}: its selector thread ends when the client is collected", jdkClient);
            return;
        }
        String name = "HttpClient-" + id.group(1) + "-SelectorManager";
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                t.interrupt();
                try {
                    t.join(CLOSE_BOUND.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (t.isAlive()) {
                    LOG.warn("{} did not end within {}", name, CLOSE_BOUND);
                }
                return;
            }
        }
    }

    /** fabric8's JDK client factory, on the source's executor, remembering the clients it built. */
    private final class OwnHttpClientFactory extends JdkHttpClientFactory {
        @Override
        protected HttpClient.Builder createNewHttpClientBuilder() {
            return new RecordingBuilder(HttpClient.newBuilder().executor(httpExecutor));
        }

        @Override
        protected void closeHttpClient(io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientImpl client) {
            // The executor is shared by derived clients: OwnedClient.close() ends it, once, after all.
        }
    }

    /** Delegates everything; remembers the HttpClient it builds. */
    private final class RecordingBuilder implements HttpClient.Builder {
        private final HttpClient.Builder delegate;

        RecordingBuilder(HttpClient.Builder delegate) {
            this.delegate = delegate;
        }

        @Override
        public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
            delegate.cookieHandler(cookieHandler);
            return this;
        }

        @Override
        public HttpClient.Builder connectTimeout(Duration duration) {
            delegate.connectTimeout(duration);
            return this;
        }

        @Override
        public HttpClient.Builder sslContext(SSLContext sslContext) {
            delegate.sslContext(sslContext);
            return this;
        }

        @Override
        public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
            delegate.sslParameters(sslParameters);
            return this;
        }

        @Override
        public HttpClient.Builder executor(Executor executor) {
            delegate.executor(executor);
            return this;
        }

        @Override
        public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
            delegate.followRedirects(policy);
            return this;
        }

        @Override
        public HttpClient.Builder version(HttpClient.Version version) {
            delegate.version(version);
            return this;
        }

        @Override
        public HttpClient.Builder priority(int priority) {
            delegate.priority(priority);
            return this;
        }

        @Override
        public HttpClient.Builder proxy(ProxySelector proxySelector) {
            delegate.proxy(proxySelector);
            return this;
        }

        @Override
        public HttpClient.Builder authenticator(Authenticator authenticator) {
            delegate.authenticator(authenticator);
            return this;
        }

        @Override
        public HttpClient build() {
            HttpClient built = delegate.build();
            jdkClients.add(built);
            return built;
        }
    }
}
