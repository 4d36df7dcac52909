package io.github.loadbalancer4j.retry.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.retry.Hedging;
import io.github.loadbalancer4j.retry.event.HedgeSentEvent;
import io.github.loadbalancer4j.retry.event.HedgeWonEvent;
import io.github.loadbalancer4j.retry.event.HedgingEvent;
import io.github.resilience4j.core.EventConsumer;
import io.github.resilience4j.core.EventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A hedging's event publisher: consumers' exceptions are caught and logged, never thrown. */
final class HedgingEventProcessor extends EventProcessor<HedgingEvent> implements Hedging.EventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(HedgingEventProcessor.class);

    @Override
    public void onEvent(EventConsumer<HedgingEvent> consumer) {
        super.onEvent(safe(consumer));
    }

    @Override
    public Hedging.EventPublisher onHedgeSent(EventConsumer<HedgeSentEvent> consumer) {
        registerConsumer(HedgeSentEvent.class.getName(), safe(consumer));
        return this;
    }

    @Override
    public Hedging.EventPublisher onHedgeWon(EventConsumer<HedgeWonEvent> consumer) {
        registerConsumer(HedgeWonEvent.class.getName(), safe(consumer));
        return this;
    }

    private static <E extends HedgingEvent> EventConsumer<E> safe(EventConsumer<E> consumer) {
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
