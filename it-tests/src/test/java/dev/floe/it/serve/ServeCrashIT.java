package dev.floe.it.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.it.cron.Target;
import dev.floe.it.faults.Figures;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServerLayout;
import dev.floe.it.servers.ServersExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code floe serve} under load from concurrent clients, against the harness's REST catalog and S3
 * server: killed with SIGKILL mid-load and restarted on the same spool while the clients retry
 * with their {@code Idempotency-Key}; and two replicas on one table. Afterwards every event of
 * every request answered 200 is in the table exactly once, and nothing is doubled.
 */
@ExtendWith(ServersExtension.class)
class ServeCrashIT {
  private static final long SEED = Long.getLong("floe.it.serve.seed", System.nanoTime());
  private static final int KILLS = Integer.getInteger("floe.it.serve.kills", 3);
  private static final int CLIENTS = 8;
  private static final int EVENTS_PER_REQUEST = 20;
  /** Short rolls, so that every kill finds commits in flight and segments waiting. */
  private static final Map<String, String> ROLLS = Map.of("serve.roll-interval", "1500ms", "serve.roll-inactivity", "500ms");
  /**
   * Between a client's requests, as a Durable Object sends when its state changes: the load stays
   * below what saturates this 2-core machine (clients, server, catalog and S3 server on the same
   * cores), so commits land between kills. ServeBench measures the server flat out.
   */
  private static final Duration THINK = Duration.ofMillis(20);
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
  void killedMidLoadAndRestartedLosesAndDoublesNothing(Endpoints endpoints) throws Exception {
    Target target = Target.rest(endpoints, dir.resolve("dead-letters"), uniqueTable());
    Path spool = dir.resolve("spool");
    ServeProcess.Launcher launcher = new ServeProcess.Launcher(logs, target.env(), spool, ROLLS);
    Random random = new Random(SEED);
    List<ServeProcess> starts = new ArrayList<>();
    List<String> killedWhen = new ArrayList<>();
    try (ServeClients clients = new ServeClients(CLIENTS, EVENTS_PER_REQUEST, 0, Duration.ofMinutes(2), THINK)) {
      ServeProcess server = launcher.start();
      starts.add(server);
      clients.pointAt(server.uri());
      clients.start();
      for (int kill = 0; kill < KILLS; kill++) {
        if (kill % 2 == 0) {
          // A random moment mid-load: after a random number of further answers, with every client
          // busy, so the kill lands between a request's fsync and its answer, mid-roll or mid-commit.
          long after = clients.answered() + 100 + random.nextInt(900);
          await("answers before kill " + (kill + 1)).atMost(LOAD_WAIT).pollInterval(Duration.ofMillis(10))
              .until(() -> clients.answered() >= after);
          killedWhen.add("after " + clients.answered() + " answers");
        } else {
          // Right after a commit landed: when the kill comes before its segments are deleted, the
          // next start offers them again and the batch ledger must skip them.
          ServeProcess current = server;
          int before = current.commits();
          await("a commit before kill " + (kill + 1)).atMost(LOAD_WAIT).pollInterval(Duration.ofMillis(5))
              .until(() -> current.commits() > before);
          killedWhen.add("right after commit " + current.commits());
        }
        assertThat(server.kill()).as(server.describe()).isEqualTo(137);
        server = launcher.start();
        starts.add(server);
        clients.pointAt(server.uri());
      }
      long last = clients.answered() + 100;
      await("answers after the last restart").atMost(LOAD_WAIT).pollInterval(Duration.ofMillis(10))
          .until(() -> clients.answered() >= last);
      assertThat(clients.finish(LOAD_WAIT)).as("clients finished their requests").isTrue();

      assertThat(server.terminate(SHUTDOWN)).as(server.describe()).isZero();

      assertThat(clients.failures()).as("answers no retry fixes").isEmpty();
      assertThat(clients.answered()).as("requests answered 200 (none given up)").isEqualTo(clients.requests());
      assertThat(waitingSegments(spool)).as("spool segments left after SIGTERM").isEmpty();
      ServedTable table = target.withTable(t -> ServedTable.compare(t, clients)).orElseThrow();
      long recovered = starts.stream().skip(1).filter(s -> s.err().contains("left by an earlier run")).count();
      List<Integer> commitsBeforeKill = starts.subList(0, KILLS).stream().map(ServeProcess::commits).toList();
      Figures.report("floe serve, kill -9 mid-load and restart, REST catalog + S3:", List.of(
          String.format("seed %d: %d kills (SIGKILL): %s; the killed servers had committed %s times;"
              + " %d starts (%d found segments to recover); %d batches found already in the table and skipped;"
              + " roll interval %s, inactivity %s; clients wait %d ms between requests", SEED, KILLS, killedWhen,
              commitsBeforeKill, starts.size(), recovered, starts.stream().mapToLong(ServeProcess::batchesSkipped).sum(),
              ROLLS.get("serve.roll-interval"), ROLLS.get("serve.roll-inactivity"), THINK.toMillis()),
          clientFigures(clients),
          table.toString()));
      assertThat(table.exactlyOnce()).as("%s", table).isTrue();
      assertThat(table.rows()).isEqualTo((long) clients.requests() * EVENTS_PER_REQUEST);
    } finally {
      starts.forEach(ServeProcess::killQuietly);
    }
  }

  @Test
  void twoReplicasOnOneTableCommitEveryEventOnce(Endpoints endpoints) throws Exception {
    Target target = Target.rest(endpoints, dir.resolve("dead-letters"), uniqueTable());
    List<ServeProcess> replicas = new ArrayList<>();
    // Each replica its own spool; both load or create the table at once.
    List<ServeProcess.Launcher> launchers = List.of(
        new ServeProcess.Launcher(logs.resolve("a"), target.env(), dir.resolve("spool-a"), ROLLS),
        new ServeProcess.Launcher(logs.resolve("b"), target.env(), dir.resolve("spool-b"), ROLLS));
    // Every fifth request, once answered, goes again to the other replica: a client that lost the
    // answer and retried behind a load balancer.
    try (ServeClients clients = new ServeClients(CLIENTS, EVENTS_PER_REQUEST, 5, Duration.ofMinutes(2), THINK)) {
      launchers.parallelStream().map(ServeProcess.Launcher::start).forEachOrdered(replicas::add);
      clients.pointAt(replicas.get(0).uri(), replicas.get(1).uri());
      clients.start();
      await("answers").atMost(LOAD_WAIT).pollInterval(Duration.ofMillis(10)).until(() -> clients.answered() >= 1000);
      assertThat(clients.finish(LOAD_WAIT)).as("clients finished their requests").isTrue();

      List<Integer> exits = replicas.parallelStream().map(replica -> replica.terminate(SHUTDOWN)).toList();

      assertThat(exits).as("exit codes; %s; %s", replicas.get(0).describe(), replicas.get(1).describe())
          .containsExactly(0, 0);
      assertThat(clients.failures()).as("answers no retry fixes").isEmpty();
      assertThat(clients.answered()).as("requests answered 200 (none given up)").isEqualTo(clients.requests());
      ServedTable table = target.withTable(t -> ServedTable.compare(t, clients)).orElseThrow();
      Figures.report("floe serve, two replicas on one table, REST catalog + S3:", List.of(
          "every 5th request sent again to the other replica once answered",
          clientFigures(clients),
          table.toString()));
      assertThat(table.exactlyOnce()).as("%s", table).isTrue();
      assertThat(table.rows()).isEqualTo((long) clients.requests() * EVENTS_PER_REQUEST);
    } finally {
      replicas.forEach(ServeProcess::killQuietly);
    }
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

  private static String clientFigures(ServeClients clients) {
    return String.format("%d clients: %,d requests of %d events (%,d events), %,d answered 200, %,d attempts"
        + " (%,d retries and resends); attempts by outcome %s", CLIENTS, clients.requests(), clients.eventsPerRequest(),
        (long) clients.requests() * clients.eventsPerRequest(), clients.answered(), clients.attempts(),
        clients.attempts() - clients.requests(), clients.outcomes());
  }

  private static List<Path> waitingSegments(Path spool) throws IOException {
    try (Stream<Path> files = Files.walk(spool)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".wal")).toList();
    }
  }
}
