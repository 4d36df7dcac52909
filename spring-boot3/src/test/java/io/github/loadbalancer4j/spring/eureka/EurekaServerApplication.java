package io.github.loadbalancer4j.spring.eureka;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;

/** A real Eureka server, run in-process by the discovery test. */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableEurekaServer
public class EurekaServerApplication {
}
