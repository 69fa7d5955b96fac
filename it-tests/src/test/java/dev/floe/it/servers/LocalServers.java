package dev.floe.it.servers;

import dev.floe.core.config.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * s3proxy (filesystem backend) and Iceberg's REST catalog fixture (JDBC catalog on a SQLite file,
 * S3FileIO against that s3proxy), each a child process listening on a free 127.0.0.1 port. s3proxy
 * also serves HTTPS on a second port, with a self-signed certificate made at start ({@link
 * Endpoints#s3Tls()}). Logs go to {@code target/servers/*.log}; data to {@code
 * target/servers/data}, wiped at each start.
 */
public final class LocalServers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalServers.class);

  static final String BUCKET = "floe-it";
  private static final String LOOPBACK = "127.0.0.1";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  // Small, quick-starting JVMs: these servers handle test traffic, not benchmarks.
  private static final List<String> JVM_OPTIONS =
      List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final Endpoints endpoints;
  private final List<ServerProcess> processes;
  private final Thread shutdownHook;

  private LocalServers(Endpoints endpoints, List<ServerProcess> processes, Thread shutdownHook) {
    this.endpoints = endpoints;
    this.processes = processes;
    this.shutdownHook = shutdownHook;
  }

  static LocalServers start(ServerLayout layout) {
    long startNanos = System.nanoTime();
    Path data = freshDirectory(layout.serversDir().resolve("data"));
    int[] ports = freePorts(3);
    SecureRandom random = new SecureRandom();
    SelfSignedCertificate certificate =
        SelfSignedCertificate.forLoopback(createDirectories(data.resolve("tls")), "s3proxy");
    Endpoints endpoints =
        new Endpoints(
            URI.create("http://" + LOOPBACK + ":" + ports[0]),
            Endpoints.DEFAULT_REGION,
            "floe-it-" + HexFormat.of().formatHex(randomBytes(random, 6)),
            Secret.of(
                Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(random, 30))),
            BUCKET,
            "s3://" + BUCKET + "/warehouse",
            URI.create("http://" + LOOPBACK + ":" + ports[1]),
            Optional.empty(),
            Optional.of(
                new Endpoints.S3Tls(
                    URI.create("https://" + LOOPBACK + ":" + ports[2]), certificate)),
            true);

    // A shutdown hook stops whatever has started should the JVM exit before close().
    List<ServerProcess> processes = new CopyOnWriteArrayList<>();
    Thread shutdownHook = new Thread(() -> stopAll(processes), "floe-it-servers-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    LocalServers servers = new LocalServers(endpoints, processes, shutdownHook);
    try {
      // Both JVMs start in parallel; the catalog needs S3 only once tables are written.
      ServerProcess s3 = startS3Proxy(layout, data, endpoints);
      processes.add(s3);
      ServerProcess catalog = startRestCatalog(layout, data, endpoints, ports[1]);
      processes.add(catalog);
      s3.awaitHttp("/", status -> true, STARTUP_TIMEOUT);
      s3.awaitListening(endpoints.s3Tls().orElseThrow().endpoint(), STARTUP_TIMEOUT);
      catalog.awaitHttp("/v1/config", status -> status == 200, STARTUP_TIMEOUT);
      try (S3Client client = endpoints.newS3Client()) {
        client.createBucket(request -> request.bucket(BUCKET));
      }
    } catch (RuntimeException e) {
      servers.close();
      throw e;
    }
    LOG.info(
        "Started {} and {} in {} ms",
        processes.get(0),
        processes.get(1),
        Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    return servers;
  }

  private static ServerProcess startS3Proxy(ServerLayout layout, Path data, Endpoints endpoints) {
    Path blobs = createDirectories(data.resolve("s3"));
    Endpoints.S3Tls tls = endpoints.s3Tls().orElseThrow();
    // The credentials go in a file only this user can read, never on a command line.
    Path properties =
        writePrivateFile(
            data.resolve("s3proxy.properties"),
            String.join(
                "\n",
                "s3proxy.endpoint=" + endpoints.s3Endpoint(),
                "s3proxy.secure-endpoint=" + tls.endpoint(),
                "s3proxy.keystore-path=" + tls.certificate().keystore(),
                "s3proxy.keystore-password=" + tls.certificate().password().reveal(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + endpoints.accessKeyId(),
                "s3proxy.credential=" + endpoints.secretAccessKey().reveal(),
                "jclouds.provider=filesystem",
                "jclouds.identity=local",
                "jclouds.credential=local",
                "jclouds.filesystem.basedir=" + blobs,
                ""));
    List<String> command = new ArrayList<>();
    command.add(layout.java().toString());
    command.addAll(JVM_OPTIONS);
    command.addAll(
        List.of(
            // s3proxy's logback prints its own configuration status at every start otherwise
            "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
            "-cp",
            layout.classpath("s3proxy"),
            layout.launcher("ExitWithParent.java").toString(),
            "org.gaul.s3proxy.Main",
            "--properties",
            properties.toString()));
    return ServerProcess.start(
        "s3proxy", endpoints.s3Endpoint(), command, Map.of(), layout.log("s3proxy"));
  }

  private static ServerProcess startRestCatalog(
      ServerLayout layout, Path data, Endpoints endpoints, int port) {
    List<String> command = new ArrayList<>();
    command.add(layout.java().toString());
    command.addAll(JVM_OPTIONS);
    command.addAll(
        List.of(
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            "-cp",
            layout.classpath("rest-catalog"),
            layout.launcher("RestCatalogLauncher.java").toString()));
    // The fixture's naming: CATALOG_ dropped, "__" -> "-", "_" -> ".", lower case.
    Map<String, String> env =
        Map.ofEntries(
            Map.entry("CATALOG_REST_PORT", Integer.toString(port)),
            Map.entry("CATALOG_URI", "jdbc:sqlite:file:" + data.resolve("catalog.db")),
            Map.entry("CATALOG_WAREHOUSE", endpoints.warehouse()),
            Map.entry("CATALOG_IO__IMPL", "org.apache.iceberg.aws.s3.S3FileIO"),
            Map.entry("CATALOG_S3_ENDPOINT", endpoints.s3Endpoint().toString()),
            Map.entry("CATALOG_S3_PATH__STYLE__ACCESS", "true"),
            Map.entry("CATALOG_S3_ACCESS__KEY__ID", endpoints.accessKeyId()),
            Map.entry("CATALOG_S3_SECRET__ACCESS__KEY", endpoints.secretAccessKey().reveal()),
            Map.entry("CATALOG_CLIENT_REGION", endpoints.region()),
            Map.entry("AWS_REGION", endpoints.region()));
    return ServerProcess.start(
        "Iceberg REST catalog", endpoints.catalogUri(), command, env, layout.log("rest-catalog"));
  }

  Endpoints endpoints() {
    return endpoints;
  }

  @Override
  public void close() {
    stopAll(processes);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down and runs the hook itself
    }
  }

  private static void stopAll(List<ServerProcess> processes) {
    // All are asked first, so that they shut down in parallel.
    processes.forEach(ServerProcess::requestStop);
    processes.forEach(ServerProcess::stop);
  }

  /** Ports free on 127.0.0.1 now; all are held until every one is chosen, so they differ. */
  public static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find free ports on " + LOOPBACK, e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException e) {
          // nothing listens on it anyway
        }
      }
    }
  }

  private static byte[] randomBytes(SecureRandom random, int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }

  private static Path freshDirectory(Path dir) {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot clear " + dir, e);
      }
    }
    return createDirectories(dir);
  }

  private static Path createDirectories(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + dir, e);
    }
  }

  private static Path writePrivateFile(Path file, String content) {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }
}
