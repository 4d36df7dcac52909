package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.testing.RecordingListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A load balancer built on a source whose discovery failed says so, and forgets it once a list arrives. */
class DiscoveryFailureTest {

    /** A source driven by the test: each call is one discovery attempt. */
    private static final class ScriptedSource extends AbstractInstanceSource {
        volatile List<Throwable> standing = List.of();

        ScriptedSource() {
            super(List.of());
        }

        @Override
        protected List<Throwable> standingFailures() {
            return standing;
        }

        void fails(Throwable cause) {
            publishFailure(cause);
        }

        void answers(ServiceInstance... instances) {
            publish(List.of(instances));
        }
    }

    @Test
    void aListenerThatSubscribesAfterTheFirstAttemptFailedIsToldOfTheFailure() {
        ScriptedSource source = new ScriptedSource();
        source.fails(new IOException("resolver 10.0.0.53:53 unreachable"));
        RecordingListener early = new RecordingListener();
        source.subscribe(early);

        source.answers(ServiceInstance.of("10.0.0.1", 8080));
        RecordingListener late = new RecordingListener();
        source.subscribe(late);
        source.fails(new IOException("timed out"));

        assertThat(early.heard()).containsExactly("instances []", "failure resolver 10.0.0.53:53 unreachable", "instances [10.0.0.1:8080]",
                "failure timed out");
        // Once a list was published, a new listener gets that list; later failures keep it in force.
        assertThat(late.heard()).containsExactly("instances [10.0.0.1:8080]", "failure timed out");
        RecordingListener later = new RecordingListener();
        source.subscribe(later);
        assertThat(later.heard()).containsExactly("instances [10.0.0.1:8080]");
    }

    @Test
    void withNoInstanceBecauseDiscoveryFailedTheExceptionNamesTheFailureAndCarriesIt() {
        ScriptedSource source = new ScriptedSource();
        IOException failure = new IOException("DNS lookup of orders.svc.test. A at 10.0.0.53:53 failed: SERVFAIL");
        source.fails(failure);
        LoadBalancer lb = LoadBalancer.of("orders", source);

        assertThatThrownBy(() -> lb.executeSupplier(instance -> instance))
                .isInstanceOf(NoAvailableInstanceException.class)
                .hasMessage("LoadBalancer 'orders' has no available instance (0 known: discovery failed: "
                        + "DNS lookup of orders.svc.test. A at 10.0.0.53:53 failed: SERVFAIL)")
                .hasCause(failure);
    }

    @Test
    void anAnswerClearsTheFailureEvenWhenItIsEmpty() {
        ScriptedSource source = new ScriptedSource();
        LoadBalancer lb = LoadBalancer.of("orders", source);
        source.fails(new IOException("connection refused"));
        assertThatThrownBy(() -> lb.executeSupplier(instance -> instance))
                .hasMessageEndingWith("(0 known: discovery failed: connection refused)");

        source.answers();

        assertThatThrownBy(() -> lb.executeSupplier(instance -> instance))
                .isInstanceOf(NoAvailableInstanceException.class)
                .hasMessage("LoadBalancer 'orders' has no available instance (0 known: discovery returned no instances)")
                .hasNoCause();
    }

    @Test
    void aFailureWithoutAMessageIsNamedByItsType() {
        ScriptedSource source = new ScriptedSource();
        LoadBalancer lb = LoadBalancer.of("orders", source);
        source.fails(new IllegalStateException());

        assertThatThrownBy(() -> lb.executeSupplier(instance -> instance))
                .hasMessageEndingWith("(0 known: discovery failed: java.lang.IllegalStateException)");
    }

    @Test
    void whileInstancesAreKnownTheReasonIsTheirState() {
        ScriptedSource source = new ScriptedSource();
        source.answers(ServiceInstance.of("10.0.0.1", 8080));
        LoadBalancer lb = LoadBalancer.of("orders", source);
        source.fails(new IOException("timed out")); // the last good list stays in force
        lb.getInstances().get(0).circuitBreaker().transitionToForcedOpenState();

        assertThatThrownBy(() -> lb.executeSupplier(instance -> instance))
                .hasMessage("LoadBalancer 'orders' has no available instance (1 known: 1 circuit open)")
                .hasNoCause();
    }

    @Test
    void aListenerThatSubscribesIsToldOfTheStandingFailuresAfterTheList() {
        ScriptedSource source = new ScriptedSource();
        source.answers(ServiceInstance.of("10.0.0.1", 8080));
        source.standing = List.of(new IllegalArgumentException("entry 'a' unreadable"), new IllegalArgumentException("entry 'b' unreadable"));
        RecordingListener late = new RecordingListener();

        source.subscribe(late);
        source.standing = List.of();
        RecordingListener later = new RecordingListener();
        source.subscribe(later);

        assertThat(late.heard()).containsExactly("instances [10.0.0.1:8080]", "failure entry 'a' unreadable",
                "failure entry 'b' unreadable");
        assertThat(later.heard()).containsExactly("instances [10.0.0.1:8080]");
    }
}
