package io.github.loadbalancer4j.retry.internal;

import static io.github.loadbalancer4j.retry.internal.LoggedConsumers.logged;

import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.retry.event.RetryBudgetExhaustedEvent;
import io.github.resilience4j.core.EventConsumer;
import io.github.resilience4j.core.EventProcessor;

/** A budget's event publisher: consumers' exceptions are caught and logged, never thrown. */
final class RetryBudgetEventProcessor extends EventProcessor<RetryBudgetExhaustedEvent> implements RetryBudget.EventPublisher {

    @Override
    public void onEvent(EventConsumer<RetryBudgetExhaustedEvent> consumer) {
        super.onEvent(logged(consumer));
    }

    @Override
    public RetryBudget.EventPublisher onExhausted(EventConsumer<RetryBudgetExhaustedEvent> consumer) {
        registerConsumer(RetryBudgetExhaustedEvent.class.getName(), logged(consumer));
        return this;
    }
}
