package io.github.loadbalancer4j.testing;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.ServiceInstance;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * An {@link InstanceSource.Listener} that records everything it hears, for assertions and for
 * awaitility conditions from any thread.
 */
public final class RecordingListener implements InstanceSource.Listener {

    private final List<List<ServiceInstance>> lists = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<List<ServiceInstance>> duplicates = new CopyOnWriteArrayList<>();
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @Override
    public void onInstances(List<ServiceInstance> instances) {
        lists.add(instances);
        heard.add("instances [" + instances.stream().map(ServiceInstance::id).collect(Collectors.joining(", ")) + "]");
    }

    @Override
    public void onDiscoveryFailure(Throwable cause) {
        failures.add(cause);
        heard.add("failure " + cause.getMessage());
    }

    @Override
    public void onDuplicateInstances(List<ServiceInstance> dropped) {
        duplicates.add(dropped);
        heard.add("duplicates [" + dropped.stream().map(ServiceInstance::id).collect(Collectors.joining(", ")) + "]");
    }

    /**
     * Everything heard, in order, as text: {@code instances [a:1, b:2]}, {@code failure <message>},
     * {@code duplicates [a:1]}.
     *
     * @return a live, thread-safe view
     */
    public List<String> heard() {
        return heard;
    }

    /** @return every list delivered, oldest first (a live, thread-safe view) */
    public List<List<ServiceInstance>> lists() {
        return lists;
    }

    /** @return the last list delivered, or null before the first */
    public @Nullable List<ServiceInstance> last() {
        int n = lists.size();
        return n == 0 ? null : lists.get(n - 1);
    }

    /** @return the ids of the last list delivered, empty before the first */
    public List<String> lastIds() {
        List<ServiceInstance> last = last();
        return last == null ? List.of() : last.stream().map(ServiceInstance::id).collect(Collectors.toList());
    }

    /** @return every discovery failure reported, oldest first (a live, thread-safe view) */
    public List<Throwable> failures() {
        return failures;
    }

    /** @return every set of dropped duplicates reported, oldest first (a live, thread-safe view) */
    public List<List<ServiceInstance>> duplicates() {
        return duplicates;
    }
}
