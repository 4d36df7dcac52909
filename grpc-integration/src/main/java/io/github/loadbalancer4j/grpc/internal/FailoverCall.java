package io.github.loadbalancer4j.grpc.internal;

import io.github.loadbalancer4j.retry.internal.Failover;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One call of a safe method with failover: each attempt is a call of its own on the channel, told
 * through its call options which instances this call tried (so the {@code loadbalancer4j} picker
 * moves on) and given a record of where it went. What the caller sends (headers, its one request,
 * the half-close, flow control) is kept and replayed on every attempt. An attempt that closes with a
 * failure before any response (no headers, no message) goes to the {@link Failover} engine, which asks
 * the user's {@code Retry} and the budget: attempt again (at once, or on the scheduler after the
 * Retry's wait), or give the caller that attempt's status. Once an attempt has received anything, it
 * is the call. Cancelling the call cancels the attempt under way or the wait for the next.
 *
 * <p>The caller's listener gets its callbacks from the attempts' own (on the call's executor), and
 * {@code onClose} exactly once. The lock guards what the caller's methods and the attempts' ends
 * share; gRPC calls no listener under a lock of its own, so calling into an attempt under it is safe.
 *
 * @param <ReqT> the request type
 * @param <RespT> the response type
 */
public final class FailoverCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {

    private final MethodDescriptor<ReqT, RespT> method;
    private final CallOptions callOptions;
    private final Channel next;
    private final Failover<Object> failover;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object lock = new Object();

    private volatile @Nullable Listener<RespT> listener;
    private volatile @Nullable ClientCall<ReqT, RespT> current;
    // Guarded by lock.
    private @Nullable Metadata headers;
    private int requested;
    private @Nullable ReqT message;
    private boolean halfClosed;
    private @Nullable Boolean compression;
    private boolean cancelled;
    private @Nullable String cancelMessage;
    private @Nullable Throwable cancelCause;
    private @Nullable ScheduledFuture<?> retryTimer;

    /**
     * @param method the method, UNARY or SERVER_STREAMING (the caller sends one message)
     * @param callOptions the caller's call options (its deadline holds for every attempt)
     * @param next the channel
     * @param failover this call's failover, started
     * @param scheduler runs the attempts that wait
     */
    public FailoverCall(MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next, Failover<Object> failover,
            ScheduledExecutorService scheduler) {
        this.method = method;
        this.callOptions = callOptions;
        this.next = next;
        this.failover = failover;
        this.scheduler = scheduler;
    }

    @Override
    public void start(Listener<RespT> responseListener, Metadata headers) {
        Metadata kept = new Metadata();
        kept.merge(headers);
        synchronized (lock) {
            if (this.listener != null) {
                throw new IllegalStateException("the call of " + method.getFullMethodName() + " was already started");
            }
            this.listener = responseListener;
            this.headers = kept;
        }
        attempt();
    }

    @Override
    public void request(int numMessages) {
        ClientCall<ReqT, RespT> c;
        synchronized (lock) {
            requested = (int) Math.min(Integer.MAX_VALUE, (long) requested + numMessages);
            c = current;
            if (c != null) {
                c.request(numMessages);
            }
        }
    }

    @Override
    public void sendMessage(ReqT request) {
        synchronized (lock) {
            if (message != null) {
                throw new IllegalStateException("a second request message for " + method.getFullMethodName()
                        + " (expected: one, the method is " + method.getType() + ")");
            }
            message = request;
            ClientCall<ReqT, RespT> c = current;
            if (c != null) {
                c.sendMessage(request);
            }
        }
    }

    @Override
    public void halfClose() {
        synchronized (lock) {
            halfClosed = true;
            ClientCall<ReqT, RespT> c = current;
            if (c != null) {
                c.halfClose();
            }
        }
    }

    @Override
    public void setMessageCompression(boolean enabled) {
        synchronized (lock) {
            compression = enabled;
            ClientCall<ReqT, RespT> c = current;
            if (c != null) {
                c.setMessageCompression(enabled);
            }
        }
    }

    @Override
    public void cancel(@Nullable String message, @Nullable Throwable cause) {
        ClientCall<ReqT, RespT> c = null;
        boolean waiting = false;
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            cancelMessage = message;
            cancelCause = cause;
            ScheduledFuture<?> timer = retryTimer;
            if (timer != null && timer.cancel(false)) {
                waiting = true; // between attempts: no attempt will report the cancellation
            } else {
                c = current;
            }
        }
        if (waiting) {
            closeCancelled();
        } else if (c != null) {
            c.cancel(message, cause); // its onClose ends the call
        }
    }

    @Override
    public boolean isReady() {
        ClientCall<ReqT, RespT> c = current;
        return c != null && c.isReady();
    }

    @Override
    public Attributes getAttributes() {
        ClientCall<ReqT, RespT> c = current;
        return c != null ? c.getAttributes() : Attributes.EMPTY;
    }

    /** Starts an attempt and replays on it what the caller has sent so far. */
    private void attempt() {
        boolean wasCancelled;
        synchronized (lock) {
            wasCancelled = cancelled;
            if (!wasCancelled) {
                startAttempt();
            }
        }
        if (wasCancelled) {
            closeCancelled();
        }
    }

    /** Under the lock. */
    private void startAttempt() {
        AttemptRecord record = new AttemptRecord();
        CallOptions options = callOptions.withOption(SelectionContexts.KEY, failover.selection()).withOption(AttemptRecord.KEY, record);
        ClientCall<ReqT, RespT> call = next.newCall(method, options);
        current = call;
        retryTimer = null;
        Metadata copy = new Metadata();
        copy.merge(headers);
        call.start(new Attempt(call, record), copy);
        if (compression != null) {
            call.setMessageCompression(compression);
        }
        if (requested > 0) {
            call.request(requested);
        }
        if (message != null) {
            call.sendMessage(message);
        }
        if (halfClosed) {
            call.halfClose();
        }
    }

    /** An attempt failed before any response: attempt again, or end the call with its status. */
    private void failed(AttemptRecord record, Status status, Metadata trailers) {
        Status end = null;
        Metadata endTrailers = trailers;
        boolean now = false;
        synchronized (lock) {
            if (cancelled) {
                end = status;
            } else {
                Failover.Action action = failover.afterFailure(record.instance(), new StatusRuntimeException(status, trailers));
                if (action == Failover.Action.RETRY) {
                    long delay = failover.delayMillis();
                    if (delay == 0) {
                        now = true;
                    } else {
                        try {
                            retryTimer = scheduler.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
                        } catch (RejectedExecutionException e) {
                            end = status; // the scheduler is shutting down: end with what the attempt got
                        }
                    }
                } else if (failover.decisionFailed()) {
                    end = Status.UNKNOWN.withCause(failover.failure()).withDescription("the failover of " + method.getFullMethodName()
                            + " could not decide: Retry '" + failover.retry().getName() + "' threw " + failover.failure()
                            + " on " + status.getCode() + " " + status.getDescription());
                    endTrailers = new Metadata();
                } else {
                    end = status; // not retried, attempts used up, or the budget said no: the last attempt's status
                }
            }
        }
        if (now) {
            attempt();
        } else if (end != null) {
            close(end, endTrailers);
        }
    }

    private void closeCancelled() {
        Status status = Status.CANCELLED.withDescription(cancelMessage != null ? cancelMessage : "the call was cancelled");
        close(cancelCause != null ? status.withCause(cancelCause) : status, new Metadata());
    }

    private void close(Status status, Metadata trailers) {
        Listener<RespT> l = listener;
        if (l != null && closed.compareAndSet(false, true)) {
            l.onClose(status, trailers);
        }
    }

    /** One attempt's listener: its responses are the call's; its failure before any goes to {@link #failed}. */
    private final class Attempt extends Listener<RespT> {
        private final ClientCall<ReqT, RespT> call;
        private final AttemptRecord record;
        private boolean responded;

        Attempt(ClientCall<ReqT, RespT> call, AttemptRecord record) {
            this.call = call;
            this.record = record;
        }

        @Override
        public void onHeaders(Metadata headers) {
            responded = true;
            Listener<RespT> l = listener;
            if (l != null) {
                l.onHeaders(headers);
            }
        }

        @Override
        public void onMessage(RespT response) {
            responded = true;
            Listener<RespT> l = listener;
            if (l != null) {
                l.onMessage(response);
            }
        }

        @Override
        public void onReady() {
            Listener<RespT> l = listener;
            if (l != null && current == call) {
                l.onReady();
            }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            if (status.isOk() || responded) {
                close(status, trailers);
            } else {
                failed(record, status, trailers);
            }
        }
    }
}
