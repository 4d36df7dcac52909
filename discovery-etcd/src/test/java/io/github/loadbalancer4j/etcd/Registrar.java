package io.github.loadbalancer4j.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the instances of a service do in etcd, as go-kit's {@code sd/etcdv3} registrar does: one key
 * per instance under the service's prefix, optionally with a lease. Talks to etcd directly (never
 * through a test's proxy), with a jetcd client of its own.
 */
final class Registrar implements AutoCloseable {

    private final Client client;
    private final KV kv;
    private final String prefix;

    Registrar(String endpoint, String prefix) {
        this.client = Client.builder().endpoints(endpoint).build();
        this.kv = client.getKVClient();
        this.prefix = prefix;
    }

    /** @return the key of instance {@code id}: the prefix, then the id */
    String key(String id) {
        return prefix + id;
    }

    /** Puts one instance's key; returns the revision of the change. */
    long register(String id, String value) {
        return get(kv.put(bytes(key(id)), bytes(value))).getHeader().getRevision();
    }

    /** Puts one instance's key under a new lease of {@code ttlSeconds} that nobody renews; returns the lease. */
    long registerWithLease(String id, String value, long ttlSeconds) {
        long lease = get(client.getLeaseClient().grant(ttlSeconds)).getID();
        get(kv.put(bytes(key(id)), bytes(value), PutOption.builder().withLeaseId(lease).build()));
        return lease;
    }

    /** Revokes a lease: etcd deletes every key attached to it at once. */
    void revoke(long lease) {
        get(client.getLeaseClient().revoke(lease));
    }

    /** Puts several instances' keys in one transaction, so in one revision; returns it. */
    long registerAtOnce(Map<String, String> valuesById) {
        Op[] puts = valuesById.entrySet().stream()
                .map(e -> Op.put(bytes(key(e.getKey())), bytes(e.getValue()), PutOption.DEFAULT))
                .toArray(Op[]::new);
        return get(kv.txn().Then(puts).commit()).getHeader().getRevision();
    }

    /** Deletes one instance's key; returns the revision of the change. */
    long deregister(String id) {
        return get(kv.delete(bytes(key(id)))).getHeader().getRevision();
    }

    /** Deletes every key under the prefix. */
    void deregisterAll() {
        get(kv.delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build()));
    }

    /** Puts a key of its own, whatever it is (another prefix, say). */
    void putRaw(String key, String value) {
        get(kv.put(bytes(key), bytes(value)));
    }

    /** Deletes a key of its own. */
    void deleteRaw(String key) {
        get(kv.delete(bytes(key)));
    }

    /** @return etcd's current revision */
    long revision() {
        return get(kv.get(bytes(prefix), GetOption.builder().isPrefix(true).withCountOnly(true).build())).getHeader().getRevision();
    }

    /** Compacts etcd's history up to its current revision: every older revision is gone. */
    long compactAll() {
        long revision = revision();
        get(kv.compact(revision, CompactOption.builder().withCompactPhysical(true).build()));
        return revision;
    }

    /** @return the client, for tests that give it to a source */
    Client client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static <T> T get(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("etcd request failed: " + e, e);
        }
    }
}
