package io.github.loadbalancer4j.grpc.internal;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.grpc.CallOptions;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.LoadBalancer.SubchannelPicker;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The {@code loadbalancer4j} policy's picker: the channel's core {@link LoadBalancer}, whose instances
 * are the READY subchannels, picks with its strategy and takes the instance breaker's permission; the
 * pick goes to that instance's subchannel with a {@link CallOutcome} that ends the lease with the
 * call's status. It never blocks and never takes a lock: the load balancer's pick reads one volatile
 * snapshot; per pick it allocates the lease, the outcome and gRPC's {@link PickResult}.
 *
 * <p>When no instance is available (every READY instance's breaker is open) the pick fails the call
 * with {@code UNAVAILABLE} and the load balancer's message, as gRPC's pickers fail calls in
 * TRANSIENT_FAILURE (calls that wait for ready wait for the next picker instead).
 */
final class BalancingPicker extends SubchannelPicker {

    private final LoadBalancer loadBalancer;
    private final Map<String, Subchannel> subchannels;
    private final Predicate<Status> failure;
    private final AtomicInteger readyChanges;
    private final int readyChangesSeen;

    /**
     * @param loadBalancer the channel's load balancer
     * @param subchannels every subchannel of the channel by instance id, READY or not
     * @param failure which statuses are failures of the instance
     * @param readyChanges counts the changes of the READY set; each is followed by a new picker
     */
    BalancingPicker(LoadBalancer loadBalancer, Map<String, Subchannel> subchannels, Predicate<Status> failure,
            AtomicInteger readyChanges) {
        this.loadBalancer = loadBalancer;
        this.subchannels = subchannels;
        this.failure = failure;
        this.readyChanges = readyChanges;
        this.readyChangesSeen = readyChanges.get();
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
        CallOptions options = args.getCallOptions();
        SelectionContext context = options.getOption(SelectionContexts.KEY);
        Lease lease;
        try {
            lease = loadBalancer.acquire(context);
        } catch (NoAvailableInstanceException e) {
            if (readyChanges.get() != readyChangesSeen) {
                // The READY subchannels changed since this picker was made (the last one went away,
                // say) and the picker for the new set is being published: wait for it, as gRPC's
                // pickers wait while connecting, rather than fail the call.
                return PickResult.withNoResult();
            }
            return PickResult.withError(Status.UNAVAILABLE.withDescription(e.getMessage()));
        }
        Subchannel subchannel = subchannels.get(lease.instance().id());
        if (subchannel == null) {
            // The load balancer already has an instance this picker does not know: the picker that
            // knows it is being published on the channel's thread right now.
            lease.release();
            return PickResult.withNoResult();
        }
        return PickResult.withSubchannel(subchannel, new CallOutcome(lease, failure));
    }

    @Override
    public String toString() {
        return "BalancingPicker{" + loadBalancer + '}';
    }
}
