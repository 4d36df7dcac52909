/** Implementation of the OkHttp integration; not API. */
@NullMarked
package io.github.loadbalancer4j.okhttp.internal;

import org.jspecify.annotations.NullMarked;
