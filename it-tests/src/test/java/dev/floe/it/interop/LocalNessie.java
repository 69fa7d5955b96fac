package dev.floe.it.interop;

import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.LocalServers;
import dev.floe.it.servers.ServerLayout;
import dev.floe.it.servers.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nessie (the {@code nessie-quarkus} runner, in-memory version store) as a child process on free
 * 127.0.0.1 ports, serving Iceberg REST at {@code /iceberg} with one warehouse on the harness's S3
 * API. Its log is {@code target/servers/nessie.log}.
 *
 * <p>Configuration goes in a properties file only this user can read ({@code
 * quarkus.config.locations}), since it holds the S3 secret key. Clients are not offered S3 request
 * signing: Nessie 0.99 announces its signer as {@code s3.signer.uri}/{@code s3.signer.endpoint},
 * which Iceberg 1.12's S3FileIO no longer reads (it posts to the REST spec's {@code
 * .../tables/{table}/sign}, which Nessie 0.99 answers with 404), so clients use their own S3
 * credentials, as floe does with R2.
 */
final class LocalNessie implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalNessie.class);

  private static final String WAREHOUSE = "floe_it";
  private static final String LOOPBACK = "127.0.0.1";
  /** Nessie 0.99's Quarkus runner is built for Java 21. */
  static final int JAVA_FEATURE = 21;
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
  private static final String MAIN_CLASS = "io.quarkus.runner.GeneratedMain";
  private static final List<String> JVM_OPTIONS =
      List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final Nessie nessie;
  private final ServerProcess process;

  private LocalNessie(Nessie nessie, ServerProcess process) {
    this.nessie = nessie;
    this.process = process;
  }

  /**
   * Starts Nessie and waits until its Iceberg REST config endpoint answers.
   *
   * @param env this JVM's environment, where {@link JavaRuntimes} may find the Java 21+ home
   * @throws IllegalStateException when no Java 21+ is found, or Nessie does not come up; the
   *     message names the log and quotes its end
   */
  static LocalNessie start(ServerLayout layout, Endpoints storage, Map<String, String> env) {
    long startNanos = System.nanoTime();
    Path java = JavaRuntimes.java(JAVA_FEATURE, env);
    int[] ports = LocalServers.freePorts(2);
    Nessie nessie =
        new Nessie(
            URI.create("http://" + LOOPBACK + ":" + ports[0]),
            URI.create("http://" + LOOPBACK + ":" + ports[1]),
            WAREHOUSE,
            storage);
    Path config = writeConfig(layout.serversDir().resolve("data/nessie.properties"), nessie);

    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(JVM_OPTIONS);
    command.addAll(
        List.of(
            "-Dquarkus.config.locations=" + config.toUri(),
            "-cp",
            layout.classpath("nessie"),
            layout.launcher("ExitWithParent.java").toString(),
            MAIN_CLASS));
    ServerProcess process =
        ServerProcess.start("Nessie", nessie.baseUri(), command, Map.of(), layout.log("nessie"));
    try {
      process.awaitHttp("/iceberg/v1/config", status -> status == 200, STARTUP_TIMEOUT);
    } catch (RuntimeException e) {
      process.stop();
      throw e;
    }
    LOG.info(
        "Started {} with {} in {} ms",
        process,
        java,
        Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    return new LocalNessie(nessie, process);
  }

  private static Path writeConfig(Path file, Nessie nessie) {
    Endpoints storage = nessie.storage();
    String s3 = "nessie.catalog.service.s3.default-options.";
    String content =
        String.join(
            "\n",
            "quarkus.http.host=" + LOOPBACK,
            "quarkus.http.port=" + nessie.baseUri().getPort(),
            // The management interface (health, metrics) defaults to port 9000 on every interface.
            "quarkus.management.host=" + LOOPBACK,
            "quarkus.management.port=" + nessie.managementUri().getPort(),
            "nessie.version.store.type=IN_MEMORY",
            "nessie.version.store.persist.cache-capacity-mb=64",
            "nessie.catalog.default-warehouse=" + nessie.warehouse(),
            "nessie.catalog.warehouses."
                + nessie.warehouse()
                + ".location=s3://"
                + storage.bucket()
                + "/nessie",
            s3 + "endpoint=" + storage.s3Endpoint(),
            s3 + "path-style-access=true",
            s3 + "region=" + storage.region(),
            s3 + "request-signing-enabled=false",
            s3 + "access-key=urn:nessie-secret:quarkus:floe-it.s3",
            "floe-it.s3.name=" + storage.accessKeyId(),
            "floe-it.s3.secret=" + storage.secretAccessKey().reveal(),
            "");
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  Nessie nessie() {
    return nessie;
  }

  @Override
  public void close() {
    process.stop();
  }
}
