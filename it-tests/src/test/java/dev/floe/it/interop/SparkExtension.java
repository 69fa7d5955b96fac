package dev.floe.it.interop;

import dev.floe.it.servers.ServerLayout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects {@link SparkSql}: one Spark driver process for the whole test JVM, started on the first
 * request and stopped when the test plan ends (or with the test JVM, as it exits when its input
 * closes). A failed start-up is remembered, so later tests fail at once with the same reason
 * instead of each waiting minutes.
 */
public final class SparkExtension implements ParameterResolver {
  private static final Namespace NAMESPACE = Namespace.create(SparkExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SparkSql.class;
  }

  @Override
  public SparkSql resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(SharedSpark.class, key -> SharedSpark.start(), SharedSpark.class)
        .spark();
  }

  /** The Spark driver of this test JVM; closed by JUnit with the root store. */
  static final class SharedSpark implements AutoCloseable {
    private final SparkSql spark;
    private final RuntimeException failure;

    private SharedSpark(SparkSql spark, RuntimeException failure) {
      this.spark = spark;
      this.failure = failure;
    }

    static SharedSpark start() {
      try {
        return new SharedSpark(SparkSql.start(ServerLayout.fromSystemProperties()), null);
      } catch (RuntimeException e) {
        return new SharedSpark(null, e);
      }
    }

    SparkSql spark() {
      if (failure != null) {
        throw new IllegalStateException(failure.getMessage(), failure);
      }
      return spark;
    }

    @Override
    public void close() {
      if (spark != null) {
        spark.close();
      }
    }
  }
}
