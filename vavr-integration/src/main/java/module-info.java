/** loadbalancer4j vavr: decorators returning vavr's {@code CheckedFunction0}, {@code Try} and {@code Either}. */
module io.github.loadbalancer4j.vavr {
    requires transitive io.github.loadbalancer4j;
    requires transitive io.vavr;
    requires static transitive org.jspecify;

    exports io.github.loadbalancer4j.vavr;
}
