/** Implementation of the Spring Boot integration. Not API: may change in any release. */
@NullMarked
package io.github.loadbalancer4j.spring.internal;

import org.jspecify.annotations.NullMarked;
