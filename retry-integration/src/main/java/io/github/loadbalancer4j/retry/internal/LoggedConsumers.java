package io.github.loadbalancer4j.retry.internal;

import static java.util.Objects.requireNonNull;

import io.github.resilience4j.core.EventConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Event consumers whose exceptions are caught and logged, never thrown into the code that published. */
final class LoggedConsumers {

    private static final Logger LOG = LoggerFactory.getLogger(LoggedConsumers.class);

    private LoggedConsumers() {
    }

    /**
     * @param consumer a user's consumer
     * @param <E> the event type
     * @return the consumer, its failures logged
     */
    static <E> EventConsumer<E> logged(EventConsumer<E> consumer) {
        requireNonNull(consumer, "consumer");
        return event -> {
            try {
                consumer.consumeEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Event consumer {} failed on {}", consumer, event, e);
            }
        };
    }
}
