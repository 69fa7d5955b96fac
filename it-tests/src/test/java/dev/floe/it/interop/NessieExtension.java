package dev.floe.it.interop;

import dev.floe.it.servers.ServerLayout;
import dev.floe.it.servers.ServersExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects {@link Nessie}: a Nessie server started on the first request in the test JVM, on the S3
 * API of {@link ServersExtension} (which it starts first if need be), and shared by every test
 * class after it. It stops when the test plan ends, or with the test JVM. A failed start-up is
 * remembered, so later tests fail at once with the same reason. On a machine without a Java 21+,
 * which Nessie needs and floe does not, each test is skipped with the reason instead.
 */
final class NessieExtension implements BeforeEachCallback, ParameterResolver {
  private static final Namespace NAMESPACE = Namespace.create(NessieExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    assumeJava(LocalNessie.JAVA_FEATURE, System.getenv(), JavaRuntimes.JVM_DIR);
  }

  /** Aborts (skips) the caller when no Java {@code feature}+ is found; see {@link JavaRuntimes#find}. */
  static void assumeJava(int feature, Map<String, String> env, Path jvmDir) {
    Assumptions.assumeTrue(
        JavaRuntimes.find(feature, env, jvmDir).isPresent(),
        () ->
            "Nessie runs on Java "
                + feature
                + "+ only, and floe's tests need only Java 17: "
                + JavaRuntimes.notFound(feature, jvmDir));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Nessie.class;
  }

  @Override
  public Nessie resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            SharedNessie.class, key -> SharedNessie.start(context), SharedNessie.class)
        .nessie();
  }

  /** The Nessie of this test JVM; closed by JUnit with the root store. */
  static final class SharedNessie implements AutoCloseable {
    private final LocalNessie local;
    private final RuntimeException failure;

    private SharedNessie(LocalNessie local, RuntimeException failure) {
      this.local = local;
      this.failure = failure;
    }

    static SharedNessie start(ExtensionContext context) {
      try {
        return new SharedNessie(
            LocalNessie.start(
                ServerLayout.fromSystemProperties(),
                ServersExtension.endpoints(context),
                System.getenv()),
            null);
      } catch (RuntimeException e) {
        return new SharedNessie(null, e);
      }
    }

    Nessie nessie() {
      if (failure != null) {
        throw new IllegalStateException(failure.getMessage(), failure);
      }
      return local.nessie();
    }

    @Override
    public void close() {
      if (local != null) {
        local.close();
      }
    }
  }
}
