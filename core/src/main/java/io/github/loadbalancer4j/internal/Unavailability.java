package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Why a load balancer has no available instance, as {@link NoAvailableInstanceException} says it:
 * {@code (3 known: 2 circuit open, 1 unhealthy)}, {@code (0 known: discovery returned no instances)},
 * {@code (0 known: discovery failed: timed out)} with the failure as the cause.
 */
final class Unavailability {

    private Unavailability() {
    }

    /**
     * @param name the load balancer's name
     * @param s the snapshot the call picked from
     * @param availability to tell health verdicts apart
     * @param discoveryFailure the failure the source reported since its last list, if any
     * @param now ticker time
     * @return the exception, its reason counting the known instances by why they were not picked
     */
    static NoAvailableInstanceException exception(String name, Snapshot s, Availability availability,
            @Nullable Throwable discoveryFailure, long now) {
        Throwable failure = s.known.length == 0 && !s.closed ? discoveryFailure : null;
        if (failure != null) {
            return new NoAvailableInstanceException(name, "(0 known: discovery failed: " + describe(failure) + ")", failure);
        }
        return new NoAvailableInstanceException(name, reason(s, availability, now));
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getName() : message;
    }

    private static String reason(Snapshot s, Availability availability, long now) {
        if (s.closed) {
            return "(the load balancer is closed)";
        }
        if (s.known.length == 0) {
            return "(0 known: discovery returned no instances)";
        }
        int open = 0;
        int halfOpen = 0;
        int unhealthy = 0;
        int awaitingCheck = 0;
        int held = 0;
        int refusing = 0;
        for (InstanceState state : s.known) {
            CircuitBreaker.State cbState = state.circuitBreaker().getState();
            if (state.health() == InstanceStatus.Health.UNHEALTHY) {
                unhealthy++;
            } else if (!availability.healthAllows(state)) {
                awaitingCheck++;
            } else if (cbState == CircuitBreaker.State.OPEN || cbState == CircuitBreaker.State.FORCED_OPEN) {
                open++;
            } else if (cbState == CircuitBreaker.State.HALF_OPEN) {
                halfOpen++;
            } else if (state.held(now)) {
                held++;
            } else {
                refusing++;
            }
        }
        List<String> parts = new ArrayList<>(5);
        add(parts, open, "circuit open");
        add(parts, halfOpen, "circuit half-open with no permit left");
        add(parts, unhealthy, "unhealthy");
        add(parts, awaitingCheck, "awaiting their first health check");
        add(parts, held, "held out by Retry-After");
        add(parts, refusing, "refused the permission");
        return "(" + s.known.length + " known: " + String.join(", ", parts) + ")";
    }

    private static void add(List<String> parts, int count, String why) {
        if (count > 0) {
            parts.add(count + " " + why);
        }
    }
}
