package io.github.loadbalancer4j.retry.internal;

import static io.github.loadbalancer4j.retry.internal.LoggedConsumers.logged;

import io.github.loadbalancer4j.retry.Hedging;
import io.github.loadbalancer4j.retry.event.HedgeSentEvent;
import io.github.loadbalancer4j.retry.event.HedgeWonEvent;
import io.github.loadbalancer4j.retry.event.HedgingEvent;
import io.github.resilience4j.core.EventConsumer;
import io.github.resilience4j.core.EventProcessor;

/** A hedging's event publisher: consumers' exceptions are caught and logged, never thrown. */
final class HedgingEventProcessor extends EventProcessor<HedgingEvent> implements Hedging.EventPublisher {

    @Override
    public void onEvent(EventConsumer<HedgingEvent> consumer) {
        super.onEvent(logged(consumer));
    }

    @Override
    public Hedging.EventPublisher onHedgeSent(EventConsumer<HedgeSentEvent> consumer) {
        registerConsumer(HedgeSentEvent.class.getName(), logged(consumer));
        return this;
    }

    @Override
    public Hedging.EventPublisher onHedgeWon(EventConsumer<HedgeWonEvent> consumer) {
        registerConsumer(HedgeWonEvent.class.getName(), logged(consumer));
        return this;
    }
}
