package dev.floe.it.servers;

import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects {@link Endpoints} into test constructors, lifecycle methods and test methods:
 *
 * <pre>{@code
 * @ExtendWith(ServersExtension.class)
 * class SomethingIT {
 *   @Test
 *   void writes(Endpoints endpoints) { ... endpoints.catalogProperties() ... }
 * }
 * }</pre>
 *
 * <p>The first request in a test JVM starts s3proxy and the Iceberg REST catalog ({@link
 * LocalServers}), or takes external ones from {@code FLOE_IT_*} variables ({@link
 * Endpoints#fromEnvironment}); every test class after it shares them. They stop when the test plan
 * ends (the root store closes them), or at JVM exit. A failed start-up is remembered, so the
 * remaining tests fail at once with the same reason instead of each waiting for a time-out.
 */
public final class ServersExtension implements ParameterResolver {
  private static final Namespace NAMESPACE = Namespace.create(ServersExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Endpoints.class;
  }

  @Override
  public Endpoints resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return endpoints(context);
  }

  /**
   * The servers of this test JVM, started on the first call: for other extensions whose servers
   * build on these (a second catalog on the same S3 API).
   */
  public static Endpoints endpoints(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            SharedServers.class,
            key -> SharedServers.start(System.getenv(), ServerLayout.fromSystemProperties()),
            SharedServers.class)
        .endpoints();
  }

  /** The servers of this test JVM; closed by JUnit with the root store (an AutoCloseable). */
  static final class SharedServers implements AutoCloseable {
    private final Endpoints endpoints;
    private final LocalServers local;
    private final RuntimeException failure;

    private SharedServers(Endpoints endpoints, LocalServers local, RuntimeException failure) {
      this.endpoints = endpoints;
      this.local = local;
      this.failure = failure;
    }

    static SharedServers start(Map<String, String> env, ServerLayout layout) {
      try {
        return Endpoints.fromEnvironment(env)
            .map(external -> new SharedServers(external, null, null))
            .orElseGet(
                () -> {
                  LocalServers local = LocalServers.start(layout);
                  return new SharedServers(local.endpoints(), local, null);
                });
      } catch (RuntimeException e) {
        return new SharedServers(null, null, e);
      }
    }

    Endpoints endpoints() {
      if (failure != null) {
        throw new IllegalStateException(failure.getMessage(), failure);
      }
      return endpoints;
    }

    @Override
    public void close() {
      if (local != null) {
        local.close();
      }
    }
  }
}
