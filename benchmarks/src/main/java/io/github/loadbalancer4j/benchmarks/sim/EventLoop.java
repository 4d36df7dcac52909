package io.github.loadbalancer4j.benchmarks.sim;

import java.util.PriorityQueue;

/**
 * A single-threaded discrete-event loop: actions run in the order of their virtual time, ties in
 * the order they were scheduled, so a run depends on nothing but its inputs and its seed.
 */
final class EventLoop {

    private final VirtualTime time;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long sequence;
    private long processed;

    EventLoop(VirtualTime time) {
        this.time = time;
    }

    long now() {
        return time.nanos();
    }

    void at(long nanos, Runnable action) {
        queue.add(new Event(Math.max(nanos, time.nanos()), sequence++, action));
    }

    void after(long delayNanos, Runnable action) {
        at(time.nanos() + delayNanos, action);
    }

    /** Runs every event, including those the events schedule, until none is left. */
    void run() {
        Event e;
        while ((e = queue.poll()) != null) {
            time.advanceTo(e.time);
            e.action.run();
            processed++;
        }
    }

    long processed() {
        return processed;
    }

    private static final class Event implements Comparable<Event> {
        final long time;
        final long sequence;
        final Runnable action;

        Event(long time, long sequence, Runnable action) {
            this.time = time;
            this.sequence = sequence;
            this.action = action;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
