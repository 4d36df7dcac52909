package io.github.loadbalancer4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module boundary the compiler enforces: a user's module that requires our modules compiles
 * against their API packages and cannot see an {@code internal} package, not even a public type in
 * one. Compiled here with javac, on a module path of exactly our modules and what they require.
 */
class ModuleBoundaryTest {

    /** The jars our published modules with a descriptor read, found on this test's class path. */
    private static final Pattern DEPENDENCIES = Pattern.compile(
            "(resilience4j-(core|circuitbreaker|retry)|slf4j-api|jspecify|okhttp-jvm|okio-jvm|kotlin-stdlib|vavr|vavr-match)-[0-9].*\\.jar");

    @TempDir
    Path work;

    @Test
    void aUserModuleCompilesAgainstTheApiPackages() throws IOException {
        String errors = compile("""
                package com.example.shop;

                import io.github.loadbalancer4j.InstanceSource;
                import io.github.loadbalancer4j.LoadBalancer;
                import io.github.loadbalancer4j.SelectionStrategy;
                import io.github.loadbalancer4j.okhttp.LoadBalancingInterceptor;
                import io.github.loadbalancer4j.retry.FailoverRetry;

                public final class Orders {
                    public static Object wire() {
                        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.ofUris("http://10.0.1.10:8080"));
                        lb.changeStrategy(SelectionStrategy.parse("least-requests"));
                        return LoadBalancingInterceptor.builder().route("orders", lb).build() + " " + FailoverRetry.defaultBudget(lb);
                    }
                }
                """);

        assertThat(errors).isEmpty();
    }

    @Test
    void aUserModuleCannotSeeAnInternalPackageNorAStrategyImplementation() throws IOException {
        String errors = compile("""
                package com.example.shop;

                import io.github.loadbalancer4j.internal.DefaultLoadBalancer;
                import io.github.loadbalancer4j.internal.strategy.Strategies;
                import io.github.loadbalancer4j.retry.internal.Failover;
                import io.github.loadbalancer4j.okhttp.internal.InstanceAttempt;

                public final class Orders {
                }
                """);

        assertThat(errors)
                .contains("package io.github.loadbalancer4j.internal is not visible")
                .contains("package io.github.loadbalancer4j.internal.strategy is not visible")
                .contains("package io.github.loadbalancer4j.retry.internal is not visible")
                .contains("package io.github.loadbalancer4j.okhttp.internal is not visible");
    }

    /** Compiles a module {@code com.example.shop} holding one class; returns javac's error output. */
    private String compile(String source) throws IOException {
        Path src = work.resolve("src/com/example/shop");
        Files.createDirectories(src);
        Files.writeString(work.resolve("src/module-info.java"), """
                module com.example.shop {
                    requires io.github.loadbalancer4j;
                    requires io.github.loadbalancer4j.retry;
                    requires io.github.loadbalancer4j.okhttp;
                }
                """);
        Files.writeString(src.resolve("Orders.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = javac.run(null, out, out, "-d", work.resolve("out").toString(), "--module-path", modulePath(),
                work.resolve("src/module-info.java").toString(), src.resolve("Orders.java").toString());

        String errors = out.toString(StandardCharsets.UTF_8);
        assertThat(status == 0).as("javac succeeded exactly when it printed no error: %s", errors).isEqualTo(!errors.contains("error:"));
        return errors.contains("error:") ? errors : "";
    }

    /** Our modules' class directories (each holds its module-info.class) and the jars they read. */
    private static String modulePath() {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> path = new ArrayList<>();
        for (String module : List.of("core", "retry-integration", "okhttp-integration")) {
            Path classes = root.resolve(module).resolve("target/classes");
            assertThat(classes.resolve("module-info.class")).as("the module descriptor of " + module).exists();
            path.add(classes.toString());
        }
        path.addAll(List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .filter(entry -> DEPENDENCIES.matcher(Path.of(entry).getFileName().toString()).matches())
                .collect(Collectors.toList()));
        return String.join(File.pathSeparator, path);
    }
}
