package dev.floe.it.cron;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four cron jobs, each on its own spool folder, committing to ONE table through the REST catalog at
 * the same moment: their commits conflict for real (Iceberg's optimistic concurrency on the
 * catalog), and every one must land through retries, with nothing lost or doubled.
 */
@ExtendWith(ServersExtension.class)
class ConcurrentWritersIT {
  private static final int WORKERS = 4;
  private static final int ROUNDS = Integer.getInteger("floe.it.cron.rounds", 2);
  private static final Pattern FLOE_RETRY = Pattern.compile("Commit of run \\S+ to \\S+ failed \\(attempt");
  private static final Pattern ICEBERG_RETRY = Pattern.compile("Retrying task after failure");

  @TempDir Path dir;

  @Test
  void fourWorkersOnDisjointSpoolsAllLandTheirCommits(Endpoints endpoints) {
    String table = "writers_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + ".events";
    Target target = Target.rest(endpoints, dir.resolve("dead-letters"), table);
    List<SpoolInbox> spools = new ArrayList<>();
    List<EventBook> books = new ArrayList<>();
    Map<Inbox, List<String>> dropped = new HashMap<>();
    for (int w = 0; w < WORKERS; w++) {
      SpoolInbox spool = new SpoolInbox(dir.resolve("spool-" + w));
      spools.add(spool);
      books.add(new EventBook("worker" + w, 100 + w));
      dropped.put(spool, new ArrayList<>());
    }
    FloeProcess.Launcher launcher = target.launcher(dir.resolve("logs"));
    int commits = 0;
    int icebergRetries = 0;
    int floeRetries = 0;

    for (int round = 0; round < ROUNDS; round++) {
      List<FloeProcess> runs = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        for (int f = 0; f < 2; f++) {
          EventBook.Drop drop = books.get(w).next(800);
          spools.get(w).drop(drop);
          dropped.get(spools.get(w)).add(drop.name());
        }
      }
      for (SpoolInbox spool : spools) {
        runs.add(launcher.start("ingest", "--json", "--spool", spool.dir().toString()));
      }
      for (FloeProcess run : runs) {
        assertThat(run.await()).as(run.describe()).isZero();
        JsonNode result = run.json();
        assertThat(result.get("committed").asBoolean()).as("%s", result).isTrue();
        assertThat(result.get("batches_committed").asInt()).isEqualTo(2);
        commits++;
        icebergRetries += count(ICEBERG_RETRY, run.err());
        floeRetries += count(FLOE_RETRY, run.err());
      }
    }

    TableCheck.Comparison comparison = ExactlyOnce.assertAll(target, books, dropped);
    int snapshots = target.withTable(t -> (int) StreamSupport.stream(t.snapshots().spliterator(), false).count()).orElseThrow();
    System.out.printf(
        "Concurrent writers: %d workers x %d rounds = %d commits landed in one table (%d snapshots); "
            + "conflicts retried: %d by Iceberg, %d by floe; %d rows, lost %d, doubled %d%n",
        WORKERS, ROUNDS, commits, snapshots, icebergRetries, floeRetries, comparison.rows(), comparison.lost(),
        comparison.doubled());
    assertThat(snapshots).isEqualTo(commits);
  }

  private static int count(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }
}
