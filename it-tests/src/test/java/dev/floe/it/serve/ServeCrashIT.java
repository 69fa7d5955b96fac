package dev.floe.it.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.it.cron.Target;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServerLayout;
import dev.floe.it.servers.ServersExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code floe serve} as its own process against the harness's REST catalog and S3 server, stopped
 * with SIGTERM: everything answered 200 is then in the table exactly once.
 */
@ExtendWith(ServersExtension.class)
class ServeCrashIT {
  private static final int EVENTS_PER_REQUEST = 20;
  private static final Duration LOAD_WAIT = Duration.ofMinutes(3);
  private static final Duration SHUTDOWN = Duration.ofSeconds(90);

  @TempDir Path dir;
  /** Server logs stay in target/serve-it/, where CI and a developer can read them after the run. */
  private final Path logs = ServerLayout.fromSystemProperties().serversDir().getParent().resolve("serve-it")
      .resolve(UUID.randomUUID().toString().substring(0, 8));

  private static String uniqueTable() {
    return "serve_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + ".events";
  }

  @Test
  void sigtermBeforeTheFirstRollCommitsEverythingAccepted(Endpoints endpoints) throws Exception {
    Target target = Target.rest(endpoints, dir.resolve("dead-letters"), uniqueTable());
    Path spool = dir.resolve("spool");
    // Nothing rolls by itself: the drain on SIGTERM is this server's first write to S3.
    Map<String, String> noRolls = Map.of("serve.roll-interval", "10m", "serve.roll-inactivity", "10m");
    ServeProcess server = new ServeProcess.Launcher(logs, target.env(), spool, noRolls).start();
    try (ServeClients clients = new ServeClients(2, EVENTS_PER_REQUEST, 0, Duration.ofMinutes(1), Duration.ZERO)) {
      clients.pointAt(server.uri());
      clients.start();
      await("answers").atMost(LOAD_WAIT).pollInterval(Duration.ofMillis(10)).until(() -> clients.answered() >= 20);
      assertThat(clients.finish(LOAD_WAIT)).as("clients finished their requests").isTrue();

      assertThat(server.terminate(SHUTDOWN)).as(server.describe()).isZero();

      assertThat(server.err()).contains("floe serve: stopped; everything accepted is committed");
      assertThat(waitingSegments(spool)).as("spool segments left after SIGTERM").isEmpty();
      ServedTable table = target.withTable(t -> ServedTable.compare(t, clients)).orElseThrow();
      assertThat(table.exactlyOnce()).as("%s", table).isTrue();
      assertThat(table.rows()).isEqualTo((long) clients.requests() * EVENTS_PER_REQUEST);
      assertThat(table.snapshots()).as("commits").isEqualTo(1);
    } finally {
      server.killQuietly();
    }
  }

  private static List<Path> waitingSegments(Path spool) throws IOException {
    try (Stream<Path> files = Files.walk(spool)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".wal")).toList();
    }
  }
}
