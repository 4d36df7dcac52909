package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.event.DiscoveryFailedEvent;
import io.github.loadbalancer4j.event.DuplicateInstancesEvent;
import io.github.loadbalancer4j.event.InstanceAddedEvent;
import io.github.loadbalancer4j.event.InstanceEjectedEvent;
import io.github.loadbalancer4j.event.InstanceRemovedEvent;
import io.github.loadbalancer4j.event.InstanceRestoredEvent;
import io.github.loadbalancer4j.event.LoadBalancerEvent;
import io.github.loadbalancer4j.event.NoAvailableInstanceEvent;
import io.github.loadbalancer4j.event.OutlierEjectedEvent;
import io.github.loadbalancer4j.event.PanicEnteredEvent;
import io.github.loadbalancer4j.event.PanicLeftEvent;
import io.github.loadbalancer4j.event.StrategyChangedEvent;
import io.github.resilience4j.core.EventConsumer;
import io.github.resilience4j.core.EventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The load balancer's event publisher: consumers' exceptions are caught and logged, never thrown. */
public final class LoadBalancerEventProcessor extends EventProcessor<LoadBalancerEvent> implements LoadBalancer.EventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(LoadBalancerEventProcessor.class);

    @Override
    public void onEvent(EventConsumer<LoadBalancerEvent> consumer) {
        super.onEvent(safe(consumer));
    }

    private <E extends LoadBalancerEvent> LoadBalancer.EventPublisher on(Class<E> type, EventConsumer<E> consumer) {
        registerConsumer(type.getName(), safe(consumer));
        return this;
    }

    private static <E extends LoadBalancerEvent> EventConsumer<E> safe(EventConsumer<E> consumer) {
        java.util.Objects.requireNonNull(consumer, "consumer");
        return event -> {
            try {
                consumer.consumeEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Event consumer {} failed on {}", consumer, event, e);
            }
        };
    }

    @Override
    public LoadBalancer.EventPublisher onInstanceAdded(EventConsumer<InstanceAddedEvent> consumer) {
        return on(InstanceAddedEvent.class, consumer);
    }

    @Override
    public LoadBalancer.EventPublisher onInstanceRemoved(EventConsumer<InstanceRemovedEvent> consumer) {
        return on(InstanceRemovedEvent.class, consumer);
    }

    @Override
    public LoadBalancer.EventPublisher onInstanceEjected(EventConsumer<InstanceEjectedEvent> consumer) {
        return on(InstanceEjectedEvent.class, consumer);
    }

    @Override
    public LoadBalancer.EventPublisher onInstanceRestored(EventConsumer<InstanceRestoredEvent> consumer) {
        return on(InstanceRestoredEvent.class, consumer);
    }

    @Override
    public LoadBalancer.EventPublisher onStrategyChanged(EventConsumer<StrategyChangedEvent> consumer) {
        return on(StrategyChangedEvent.class, consumer);
    }

    @Override
    public LoadBalancer.EventPublisher onPanicEntered(EventConsumer<PanicEnteredEvent> consumer) {
        return on(PanicEnteredEvent.class, consumer);
    }

    @Override
    public LoadBalancer.EventPublisher onPanicLeft(EventConsumer<PanicLeftEvent> consumer) {
        return on(PanicLeftEvent.class, consumer);
    }

    @Override
    public LoadBalancer.EventPublisher onNoAvailableInstance(EventConsumer<NoAvailableInstanceEvent> consumer) {
        return on(NoAvailableInstanceEvent.class, consumer);
    }

    @Override
    public LoadBalancer.EventPublisher onDiscoveryFailed(EventConsumer<DiscoveryFailedEvent> consumer) {
        return on(DiscoveryFailedEvent.class, consumer);
    }

    @Override
    public LoadBalancer.EventPublisher onDuplicateInstances(EventConsumer<DuplicateInstancesEvent> consumer) {
        return on(DuplicateInstancesEvent.class, consumer);
    }

    @Override
    public LoadBalancer.EventPublisher onOutlierEjected(EventConsumer<OutlierEjectedEvent> consumer) {
        return on(OutlierEjectedEvent.class, consumer);
    }
}
