package dev.floe.it.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the server processes' inputs and outputs live. it-tests/pom.xml passes both directories to
 * failsafe; the defaults fit a test run from an IDE whose working directory is it-tests.
 *
 * @param serversDir classpath files written by the Maven build, and the servers' logs and data
 * @param launchersDir the single-file Java launchers run in source-file mode
 * @param java the java executable for the child processes (the test JVM's own)
 */
public record ServerLayout(Path serversDir, Path launchersDir, Path java) {
  static final String SERVERS_DIR_PROPERTY = "floe.it.servers.dir";
  static final String LAUNCHERS_DIR_PROPERTY = "floe.it.servers.launchers";

  public static ServerLayout fromSystemProperties() {
    return new ServerLayout(
        Path.of(System.getProperty(SERVERS_DIR_PROPERTY, "target/servers")).toAbsolutePath(),
        Path.of(System.getProperty(LAUNCHERS_DIR_PROPERTY, "servers")).toAbsolutePath(),
        Path.of(System.getProperty("java.home"), "bin", "java"));
  }

  /** The classpath Maven resolved for a server, e.g. {@code rest-catalog}. */
  public String classpath(String server) {
    Path file = serversDir.resolve(server + ".classpath");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          String.format(
              "Cannot find the %s classpath %s: it is written by the it-tests build; run "
                  + "`mvn -pl it-tests verify` (or `mvn -pl it-tests pre-integration-test` before "
                  + "running tests from an IDE)",
              server, file));
    }
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  public Path launcher(String fileName) {
    Path file = launchersDir.resolve(fileName);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          String.format(
              "Cannot find the launcher %s (set -D%s to it-tests/servers)",
              file, LAUNCHERS_DIR_PROPERTY));
    }
    return file;
  }

  public Path log(String server) {
    return serversDir.resolve(server + ".log");
  }
}
