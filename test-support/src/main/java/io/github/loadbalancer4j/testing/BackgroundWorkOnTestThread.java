package io.github.loadbalancer4j.testing;

import io.github.loadbalancer4j.internal.BackgroundWork;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For tests in virtual time ({@link MutableClock}) that drive a load balancer from one thread: the
 * background work the test's calls trigger (rebuilding the snapshot after a breaker opens or its wait
 * ends, a slow-start ramp moves, a Retry-After hold ends; publishing the events calls cause) runs on
 * the test's thread at once, as it does in the simulator, instead of on the load balancer's thread a
 * moment later. Such a test then sees the same picks on every run. Tests of the real, asynchronous
 * behaviour (the scale tests) do not use it. Use with {@code @ExtendWith(BackgroundWorkOnTestThread.class)}.
 */
public final class BackgroundWorkOnTestThread implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        BackgroundWork.runOnCurrentThread(true);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        BackgroundWork.runOnCurrentThread(false);
    }
}
