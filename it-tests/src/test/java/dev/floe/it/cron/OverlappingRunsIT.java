package dev.floe.it.cron;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two cron runs on one source at once (a slow run still going when the next minute's starts, or
 * two hosts with the same crontab): one takes the source, the other says "Nothing done" and exits
 * 0, and no batch is taken twice.
 */
@ExtendWith(ServersExtension.class)
class OverlappingRunsIT {
  private static final int FILES = 6;

  @TempDir Path dir;

  @Test
  void twoRunsStartedTogetherOnOneSpoolTakeEachFileOnce() throws IOException {
    Target target = Target.local(dir.resolve("warehouse"), dir.resolve("dead-letters"), "cron.events");
    SpoolInbox spool = new SpoolInbox(dir.resolve("spool"));
    EventBook book = new EventBook("overlap", 7);
    List<String> dropped = drop(book, spool);
    Path metrics = dir.resolve("metrics").resolve("floe.prom");
    FloeProcess.Launcher launcher = target.launcher(dir.resolve("logs"));
    String[] args = {"ingest", "--json", "--metrics-file", metrics.toString(), "--spool", spool.dir().toString()};

    List<JsonNode> results = race(launcher, args);

    String outcome = checkOneTookAll(results);
    System.out.println("Two runs on one spool: " + outcome);
    ExactlyOnce.assertAll(target, List.of(book), Map.of(spool, dropped));
    assertThat(Files.readString(metrics)).contains("floe_ingest_exit_code{table=\"cron.events\"} 0");
  }

  @Test
  void twoRunsStartedTogetherOnOneS3PrefixTakeEachObjectOnce(Endpoints endpoints) {
    Target target = Target.rest(endpoints, dir.resolve("dead-letters"), "overlap_" + suffix() + ".events");
    try (S3Client s3 = endpoints.newS3Client()) {
      S3Inbox inbox = new S3Inbox(s3, endpoints.bucket(), "inbox-" + suffix() + "/");
      EventBook book = new EventBook("overlap", 8);
      List<String> dropped = drop(book, inbox);
      FloeProcess.Launcher launcher =
          new FloeProcess.Launcher(dir.resolve("logs"), target.env(Map.of("FLOE_SOURCE_KEEP_DONE", "true")));

      List<JsonNode> results = race(launcher, "ingest", "--json", inbox.uri());

      String outcome = checkOneTookAll(results);
      System.out.println("Two runs on one S3 prefix: " + outcome);
      ExactlyOnce.assertAll(target, List.of(book), Map.of(inbox, dropped));
    }
  }

  @Test
  void aRunFindingTheSpoolLockedByAnotherProcessDoesNothing() throws IOException {
    Target target = Target.local(dir.resolve("warehouse"), dir.resolve("dead-letters"), "cron.events");
    SpoolInbox spool = new SpoolInbox(dir.resolve("spool"));
    EventBook book = new EventBook("locked", 9);
    List<String> dropped = drop(book, spool);
    Files.createDirectories(spool.dir().resolve(".floe"));
    FloeProcess run;
    // This test JVM is "the other run": it holds the OS lock while the CLI process tries.
    try (FileChannel channel = FileChannel.open(spool.dir().resolve(".floe").resolve("lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      run = target.launcher(dir.resolve("logs")).start("ingest", "--spool", spool.dir().toString());
      assertThat(run.await()).as(run.describe()).isZero();
    }

    assertThat(run.out()).startsWith("Nothing done: Cannot lock " + spool.dir().resolve(".floe").resolve("lock"));
    assertThat(spool.waiting()).containsExactlyInAnyOrderElementsOf(dropped);
    assertThat(spool.claimFiles()).isEmpty();
    assertThat(target.withTable(TableCheck::rows)).isEmpty();
  }

  @Test
  void aRunFindingALiveS3LeaseDoesNothing(Endpoints endpoints) {
    Target target = Target.rest(endpoints, dir.resolve("dead-letters"), "overlap_" + suffix() + ".events");
    try (S3Client s3 = endpoints.newS3Client()) {
      S3Inbox inbox = new S3Inbox(s3, endpoints.bucket(), "inbox-" + suffix() + "/");
      List<String> dropped = drop(new EventBook("leased", 10), inbox);
      String lease = "{\"holder\":\"another host\",\"acquired_at\":\"" + Instant.now()
          + "\",\"expires_at\":\"" + Instant.now().plusSeconds(3600) + "\"}";
      s3.putObject(b -> b.bucket(endpoints.bucket()).key(inbox.prefix() + ".floe/lease"), RequestBody.fromString(lease));

      FloeProcess run = target.launcher(dir.resolve("logs")).start("ingest", "--json", inbox.uri());

      assertThat(run.await()).as(run.describe()).isZero();
      JsonNode result = run.json();
      assertThat(result.get("skipped").asText()).isEqualTo("busy");
      assertThat(result.get("reason").asText()).isEqualTo("Cannot lease " + inbox.uri() + ".floe/lease: another floe run holds it");
      assertThat(inbox.waiting()).containsExactlyInAnyOrderElementsOf(dropped);
      assertThat(inbox.strayLocks()).containsExactly("lease");
      assertThat(s3.getObjectAsBytes(b -> b.bucket(endpoints.bucket()).key(inbox.prefix() + ".floe/lease")).asUtf8String())
          .as("the other holder's lease, untouched").isEqualTo(lease);
      assertThat(target.withTable(TableCheck::rows)).isEmpty();
    }
  }

  private static String suffix() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static List<String> drop(EventBook book, Inbox inbox) {
    List<String> dropped = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      EventBook.Drop drop = book.next(1500);
      inbox.drop(drop);
      dropped.add(drop.name());
    }
    return dropped;
  }

  /** Starts two identical runs back to back (no wait in between) and returns their JSON lines. */
  private static List<JsonNode> race(FloeProcess.Launcher launcher, String... args) {
    FloeProcess first = launcher.start(args);
    FloeProcess second = launcher.start(args);
    List<JsonNode> results = new ArrayList<>();
    for (FloeProcess run : List.of(first, second)) {
      assertThat(run.await()).as(run.describe()).isZero();
      results.add(run.json());
    }
    return results;
  }

  /**
   * Exactly one run committed every file; the other found the source busy, or (if it started after
   * the first had finished) found nothing left. Returns which of the two happened.
   */
  private static String checkOneTookAll(List<JsonNode> results) {
    List<JsonNode> committed = results.stream().filter(r -> r.path("committed").asBoolean()).toList();
    assertThat(committed).as("runs that committed: %s", results).hasSize(1);
    assertThat(committed.get(0).get("batches_committed").asInt()).isEqualTo(FILES);
    assertThat(committed.get(0).get("events_written").asLong()).isEqualTo(FILES * 1500L);
    JsonNode other = results.get(results.get(0) == committed.get(0) ? 1 : 0);
    if (other.has("skipped")) {
      assertThat(other.get("skipped").asText()).isEqualTo("busy");
      return "the loser found the source busy (\"Nothing done\"): " + other.get("reason").asText();
    }
    assertThat(other.get("batches_offered").asInt()).as("the later run: %s", other).isZero();
    return "the later run started after the first had finished and found nothing left";
  }
}
