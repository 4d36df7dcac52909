/**
 * loadbalancer4j for Spring Boot 3: load balancers configured under {@code loadbalancer4j.*}
 * ({@link io.github.loadbalancer4j.spring.LoadBalancer4jProperties}), held by
 * {@link io.github.loadbalancer4j.spring.ConfiguredLoadBalancers}, with live strategy changes, Spring
 * Cloud {@code DiscoveryClient} instances ({@link io.github.loadbalancer4j.spring.DiscoveryClientInstanceSource}),
 * RestClient/RestTemplate and WebClient routing, and an Actuator endpoint and health indicator.
 */
@NullMarked
package io.github.loadbalancer4j.spring;

import org.jspecify.annotations.NullMarked;
