package dev.floe.it.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a Java runtime of at least some feature version for a child process. Nessie 0.99 needs Java
 * 21 while floe builds and tests on 17, and machines here carry a second, newer JDK beside the
 * default one.
 */
final class JavaRuntimes {
  /** A Java home to use, overriding the search. */
  static final String JAVA_HOME_VARIABLE = "FLOE_IT_JAVA21_HOME";

  static final String JVM_DIR_PROPERTY = "floe.it.jvm-dir";

  /** Where JDKs are installed; the system property {@value #JVM_DIR_PROPERTY} names another. */
  static final Path JVM_DIR = Path.of(System.getProperty(JVM_DIR_PROPERTY, "/usr/lib/jvm"));
  private static final Pattern RELEASE_VERSION =
      Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)[^\"]*\"");

  private JavaRuntimes() {}

  /**
   * The {@code java} executable of: the Java home named by {@value #JAVA_HOME_VARIABLE}; else this
   * JVM's, when it is new enough; else the newest JDK under {@code /usr/lib/jvm} that is.
   *
   * @throws IllegalStateException naming what was looked at, when none is new enough
   */
  static Path java(int minimumFeature, Map<String, String> env) {
    return find(minimumFeature, env, JVM_DIR)
        .orElseThrow(() -> new IllegalStateException(notFound(minimumFeature, JVM_DIR)));
  }

  /**
   * As {@link #java}, but empty when none is installed, so that a test can skip. A configured home
   * that is not new enough still fails: that is a mistake to fix, not a machine without the JDK.
   */
  static Optional<Path> find(int minimumFeature, Map<String, String> env, Path jvmDir) {
    String configured = env.get(JAVA_HOME_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      Path home = Path.of(configured.trim());
      if (feature(home).orElse(0) < minimumFeature) {
        throw new IllegalStateException(
            String.format(
                "Invalid %s=%s: not a Java %d+ home (no bin/java, or its release file says older)",
                JAVA_HOME_VARIABLE, home, minimumFeature));
      }
      return Optional.of(executable(home));
    }
    Path own = Path.of(System.getProperty("java.home"));
    if (Runtime.version().feature() >= minimumFeature) {
      return Optional.of(executable(own));
    }
    return installed(jvmDir).stream()
        .filter(home -> feature(home).orElse(0) >= minimumFeature)
        .max(Comparator.comparingInt(home -> feature(home).orElse(0)))
        .map(JavaRuntimes::executable);
  }

  /** Why {@link #find} found none, and what to do about it. */
  static String notFound(int minimumFeature, Path jvmDir) {
    return String.format(
        "Cannot find Java %d or newer: this JVM is %d and none under %s is;"
            + " install one or set %s to its home",
        minimumFeature, Runtime.version().feature(), jvmDir, JAVA_HOME_VARIABLE);
  }

  private static List<Path> installed(Path jvmDir) {
    if (!Files.isDirectory(jvmDir)) {
      return List.of();
    }
    try (Stream<Path> homes = Files.list(jvmDir)) {
      return homes.filter(home -> Files.isExecutable(home.resolve("bin/java"))).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + jvmDir, e);
    }
  }

  /** The feature version in a Java home's {@code release} file, e.g. 25. */
  private static Optional<Integer> feature(Path home) {
    Path release = home.resolve("release");
    if (!Files.isExecutable(home.resolve("bin/java")) || !Files.isReadable(release)) {
      return Optional.empty();
    }
    try {
      Matcher matcher = RELEASE_VERSION.matcher(Files.readString(release));
      return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Path executable(Path home) {
    return home.resolve("bin/java");
  }
}
