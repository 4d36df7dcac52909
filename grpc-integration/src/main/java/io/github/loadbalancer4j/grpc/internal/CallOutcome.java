package io.github.loadbalancer4j.grpc.internal;

import io.github.loadbalancer4j.Lease;
import io.grpc.CallOptions;
import io.grpc.ClientStreamTracer;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The end of one call on the instance the picker chose: made with the pick's {@link Lease} (the
 * breaker's permission taken, the in-flight count raised), it gives the stream a tracer that ends the
 * lease with the call's final status. A status the failure predicate accepts is a failure of the
 * instance (breaker, latency penalty); {@code CANCELLED} otherwise gives the permission back and
 * records nothing (the caller gave up, the instance did nothing wrong), except after the call's
 * deadline, when it is the server's reset of a late stream and counts as {@code DEADLINE_EXCEEDED};
 * any other status, OK included, is a success: the instance answered. The call's latency is the time from the pick to the status.
 */
final class CallOutcome extends ClientStreamTracer.Factory {

    private final Lease lease;
    private final Predicate<Status> failure;

    CallOutcome(Lease lease, Predicate<Status> failure) {
        this.lease = lease;
        this.failure = failure;
    }

    @Override
    public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
        CallOptions options = info.getCallOptions();
        AttemptRecord record = options.getOption(AttemptRecord.KEY);
        if (record != null) {
            record.instance(lease.instance());
        }
        Deadline deadline = options.getDeadline();
        Deadline inContext = Context.current().getDeadline();
        if (deadline == null || (inContext != null && inContext.isBefore(deadline))) {
            deadline = inContext;
        }
        return new Tracer(lease, failure, deadline);
    }

    @Override
    public String toString() {
        return "CallOutcome{" + lease + '}';
    }

    /** Ends the lease once, with the stream's status. */
    private static final class Tracer extends ClientStreamTracer {
        private final Lease lease;
        private final Predicate<Status> failure;
        private final @Nullable Deadline deadline;

        Tracer(Lease lease, Predicate<Status> failure, @Nullable Deadline deadline) {
            this.lease = lease;
            this.failure = failure;
            this.deadline = deadline;
        }

        @Override
        public void streamClosed(Status closed) {
            Status status = closed;
            if (status.getCode() == Status.Code.CANCELLED && deadline != null && deadline.isExpired()) {
                // The server resets a stream whose deadline passed with a bare CANCEL, often before the
                // client's own timer fires; the caller then gets DEADLINE_EXCEEDED, and so does the instance.
                status = Status.DEADLINE_EXCEEDED.withDescription("the deadline passed (the stream was reset: " + closed + ")");
            }
            if (status.isOk()) {
                lease.onSuccess();
            } else if (failure.test(status)) {
                lease.onError(new InstanceFailure(status));
            } else if (status.getCode() == Status.Code.CANCELLED) {
                lease.release();
            } else {
                lease.onSuccess();
            }
        }
    }

    /**
     * The failure recorded on the instance's breaker: the call's status, without a stack trace (it is
     * made on every failed call and never thrown). A breaker's {@code recordException} predicate reads
     * it as any {@link StatusRuntimeException}.
     */
    static final class InstanceFailure extends StatusRuntimeException {
        private static final long serialVersionUID = 1L;

        InstanceFailure(Status status) {
            super(status);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
