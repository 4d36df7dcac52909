/**
 * Implementation of the Kubernetes instance source: the EndpointSlice reader, the merge of a
 * Service's slices, the informer driver and the client the source owns. Not API: may change in any
 * release.
 */
@NullMarked
package io.github.loadbalancer4j.kubernetes.internal;

import org.jspecify.annotations.NullMarked;
