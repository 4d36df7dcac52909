package io.github.loadbalancer4j.testing;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The live threads at one moment, to tell which threads a test started since then: a close test
 * takes a watch before building the thing under test and asserts that none of the threads started
 * since are left once it is closed. awaitility's own poller threads are never counted.
 */
public final class ThreadWatch {

    private final Set<Thread> before;

    private ThreadWatch(Set<Thread> before) {
        this.before = before;
    }

    /** @return a watch holding the threads alive now */
    public static ThreadWatch start() {
        return new ThreadWatch(live());
    }

    /** @return the names, sorted, of the threads alive now that were not alive when the watch started */
    public List<String> startedSince() {
        return live().stream()
                .filter(t -> !before.contains(t))
                .map(Thread::getName)
                .filter(name -> !name.startsWith("awaitility"))
                .sorted()
                .collect(Collectors.toList());
    }

    /**
     * @param prefix a thread name prefix, e.g. {@code loadbalancer4j-etcd-}
     * @return the names, sorted, of the threads started since the watch started whose name starts with it
     */
    public List<String> startedSince(String prefix) {
        return startedSince().stream().filter(name -> name.startsWith(prefix)).collect(Collectors.toList());
    }

    private static Set<Thread> live() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }
}
