package io.github.loadbalancer4j.retry.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.retry.event.RetryBudgetExhaustedEvent;
import io.github.resilience4j.core.EventConsumer;
import io.github.resilience4j.core.EventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A budget's event publisher: consumers' exceptions are caught and logged, never thrown. */
final class RetryBudgetEventProcessor extends EventProcessor<RetryBudgetExhaustedEvent> implements RetryBudget.EventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(RetryBudgetEventProcessor.class);

    @Override
    public void onEvent(EventConsumer<RetryBudgetExhaustedEvent> consumer) {
        super.onEvent(safe(consumer));
    }

    @Override
    public RetryBudget.EventPublisher onExhausted(EventConsumer<RetryBudgetExhaustedEvent> consumer) {
        registerConsumer(RetryBudgetExhaustedEvent.class.getName(), safe(consumer));
        return this;
    }

    private static EventConsumer<RetryBudgetExhaustedEvent> safe(EventConsumer<RetryBudgetExhaustedEvent> consumer) {
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
