package io.github.loadbalancer4j.etcd.internal;

import io.etcd.jetcd.KeyValue;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.etcd.EtcdInstanceMapper;
import io.github.loadbalancer4j.etcd.UnreadableEntryException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The keys under a prefix as last read, each mapped once when it changes: an instance, a failure to
 * report, or nothing (left out by the mapper). Not thread-safe: one thread owns it.
 */
final class PrefixEntries {

    private final String prefix;
    private final EtcdInstanceMapper mapper;
    private final Map<String, Entry> entries = new TreeMap<>();
    /** Unreadable keys already reported, with the revision of the value that was reported. */
    private Map<String, Long> reported = Map.of();

    PrefixEntries(String prefix, EtcdInstanceMapper mapper) {
        this.prefix = prefix;
        this.mapper = mapper;
    }

    /** Replaces every key with the ones of a full read. */
    void replaceAll(List<KeyValue> kvs) {
        entries.clear();
        kvs.forEach(this::put);
    }

    /** Sets a key to its new value. */
    void put(KeyValue kv) {
        entries.put(key(kv), read(kv));
    }

    /** @return whether the key was there */
    boolean remove(KeyValue kv) {
        return entries.remove(key(kv)) != null;
    }

    /** @return the instances, in key order */
    List<ServiceInstance> instances() {
        List<ServiceInstance> instances = new ArrayList<>(entries.size());
        for (Entry entry : entries.values()) {
            if (entry.instance != null) {
                instances.add(entry.instance);
            }
        }
        return instances;
    }

    /** @return the failures of the keys unreadable now, in key order */
    List<UnreadableEntryException> unreadable() {
        List<UnreadableEntryException> failures = new ArrayList<>();
        for (Entry entry : entries.values()) {
            if (entry.failure != null) {
                failures.add(entry.failure);
            }
        }
        return failures;
    }

    /**
     * Returns the failures not reported yet (a key that became unreadable, or changed to another
     * unreadable value) and counts them as reported from now on.
     *
     * @return the failures to report, in key order
     */
    List<UnreadableEntryException> takeUnreported() {
        List<UnreadableEntryException> unreported = new ArrayList<>();
        Map<String, Long> now = new HashMap<>();
        for (UnreadableEntryException failure : unreadable()) {
            now.put(failure.key(), failure.modRevision());
            if (!Objects.equals(reported.get(failure.key()), failure.modRevision())) {
                unreported.add(failure);
            }
        }
        reported = now;
        return unreported;
    }

    private Entry read(KeyValue kv) {
        String key = key(kv);
        String value = kv.getValue().toString(StandardCharsets.UTF_8);
        try {
            return new Entry(mapper.map(key, value), null);
        } catch (RuntimeException e) {
            return new Entry(null, new UnreadableEntryException(prefix, key, value, kv.getModRevision(), e));
        }
    }

    private static String key(KeyValue kv) {
        return kv.getKey().toString(StandardCharsets.UTF_8);
    }

    /** A key's value as read: an instance, a failure, or neither (left out by the mapper). */
    private static final class Entry {
        final @Nullable ServiceInstance instance;
        final @Nullable UnreadableEntryException failure;

        Entry(@Nullable ServiceInstance instance, @Nullable UnreadableEntryException failure) {
            this.instance = instance;
            this.failure = failure;
        }
    }
}
