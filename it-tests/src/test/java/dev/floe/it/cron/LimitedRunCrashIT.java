package dev.floe.it.cron;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.it.faults.Fault;
import dev.floe.it.faults.FaultProxy;
import dev.floe.it.faults.Figures;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Cron runs with a run limit, as docs/operations.md recommends for cron, killed at each narrow window of the
 * claim protocol: every crash point x every run limit, on a spool through the embedded catalog and
 * through REST + S3, and on an S3 prefix through REST + S3; each source also holds a batch floe
 * cannot read (a spool file whose reads fail with EIO, an object S3 refuses). The crashed run takes
 * every batch waiting but commits only what its limit lets it; later runs, with the same limit, go
 * on until nothing waits. Whatever the window: every valid event once, every batch file in done/
 * once, the unreadable batch in failed/ with its reason, and no claim left.
 */
@ExtendWith(ServersExtension.class)
class LimitedRunCrashIT {
  private static final int FILES = 4;
  private static final int EVENTS_PER_FILE = 200;
  /** Enough limited runs to take {@link #FILES} batches one at a time, and a spare. */
  private static final int MAX_RUNS = FILES + 2;
  private static final String DENIED = "zz-denied.ndjson";
  private static final String BROKEN = "zz-broken.ndjson";
  /** A valid event in no book: had floe read the denied object, the table would show it. */
  private static final String UNREAD_EVENT = "{\"do_id\":\"denied\",\"ns\":\"app\",\"type\":\"counter\",\"key\":\"k\","
      + "\"value\":null,\"op\":\"DELETE\",\"timestamp\":1762000000000,\"seq\":1}\n";

  /** How a run is limited; each lets a run take some of the batches waiting, not all. */
  enum Limit {
    /** Two files of {@link #EVENTS_PER_FILE} events reach it. */
    MAX_EVENTS("--max-events", Integer.toString(EVENTS_PER_FILE + 1)),
    /** Applied by the source when listing: the claim never names what is beyond it. */
    MAX_BYTES("--max-bytes", null),
    /** Every batch after the first starts after the limit. */
    MAX_DURATION("--max-duration", "1ms");

    private final String option;
    private final String value;

    Limit(String option, String value) {
      this.option = option;
      this.value = value;
    }

    List<String> args(List<EventBook.Drop> drops) {
      // Two files' worth of bytes: the source lists the first two and leaves the rest.
      String bytes = Integer.toString(drops.get(0).content().length + drops.get(1).content().length);
      return List.of(option, value != null ? value : bytes);
    }
  }

  private static final List<String> FIGURES = new CopyOnWriteArrayList<>();

  @TempDir Path dir;

  @AfterAll
  static void report() {
    Figures.report("LimitedRunCrashIT (source and catalog, crash point, limit: what the crashed run committed, later runs, end state):",
        FIGURES);
  }

  static Stream<Arguments> windowsAndLimits() {
    return Arrays.stream(CrashPoint.values())
        .flatMap(point -> Arrays.stream(Limit.values()).map(limit -> Arguments.of(point, limit)));
  }

  private static String uniqueTable() {
    return "limited_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + ".events";
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("windowsAndLimits")
  void aSpoolOnTheEmbeddedCatalog(CrashPoint point, Limit limit) {
    Target target = Target.local(dir.resolve("warehouse"), dir.resolve("dead-letters"), "cron.events");
    SpoolInbox spool = new SpoolInbox(dir.resolve("spool"));
    new Scenario("spool, embedded", target, spool, target.launcher(dir.resolve("logs")), point, limit)
        .run(BROKEN, () -> broken(spool));
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("windowsAndLimits")
  void aSpoolOnRestAndS3(CrashPoint point, Limit limit, Endpoints endpoints) {
    Target target = Target.rest(endpoints, dir.resolve("dead-letters"), uniqueTable());
    SpoolInbox spool = new SpoolInbox(dir.resolve("spool"));
    new Scenario("spool, REST + S3", target, spool, target.launcher(dir.resolve("logs")), point, limit)
        .run(BROKEN, () -> broken(spool));
  }

  /**
   * A spool file whose every read fails with EIO, even for root: a link to {@code /proc/self/mem}.
   * Its time is its reader's start, so it sorts after the batch files dropped before the run.
   */
  private static void broken(SpoolInbox spool) {
    try {
      Files.createSymbolicLink(spool.dir().resolve(BROKEN), Path.of("/proc/self/mem"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("windowsAndLimits")
  void anS3PrefixWithAnUnreadableObjectOnRestAndS3(CrashPoint point, Limit limit, Endpoints endpoints) {
    Target target = Target.rest(endpoints, dir.resolve("dead-letters"), uniqueTable());
    String prefix = "inbox-" + UUID.randomUUID() + "/";
    // floe reaches S3 through a relay that refuses to hand out one object, as a bucket policy would.
    try (S3Client s3 = endpoints.newS3Client();
        FaultProxy relay = FaultProxy.start("s3", FaultProxy.Flavor.S3, endpoints.s3Endpoint())) {
      relay.policy(request -> request.method().equals("GET") && request.path().endsWith("/" + prefix + DENIED)
          ? Fault.ACCESS_DENIED : Fault.PASS);
      S3Inbox inbox = new S3Inbox(s3, endpoints.bucket(), prefix);
      Map<String, String> env = RestCrashIT.s3SourceEnv(target);
      env.put("FLOE_S3_ENDPOINT", relay.uri().toString());
      Scenario scenario =
          new Scenario("S3 prefix, REST + S3", target, inbox, new FloeProcess.Launcher(dir.resolve("logs"), env), point, limit);
      scenario.run(DENIED, () -> s3.putObject(b -> b.bucket(endpoints.bucket()).key(prefix + DENIED),
          RequestBody.fromString(UNREAD_EVENT, StandardCharsets.UTF_8)));

      assertThat(relay.injected(Fault.ACCESS_DENIED)).as("reads of %s refused", DENIED).isPositive();
    }
  }

  /** One crashed limited run, then limited runs until nothing waits, then the end state. */
  private record Scenario(String name, Target target, Inbox inbox, FloeProcess.Launcher launcher, CrashPoint point, Limit limit) {
    /** @param addUnreadable puts the batch named {@code unreadable} that floe cannot read */
    void run(String unreadable, Runnable addUnreadable) {
      EventBook book = new EventBook("lim", 31L * point.ordinal() + limit.ordinal());
      List<EventBook.Drop> drops = new ArrayList<>();
      List<String> dropped = new ArrayList<>();
      for (int i = 0; i < FILES; i++) {
        EventBook.Drop drop = book.next(EVENTS_PER_FILE);
        inbox.drop(drop);
        drops.add(drop);
        dropped.add(drop.name());
      }
      addUnreadable.run(); // after the batch files, so it sorts last
      List<String> args = new ArrayList<>(List.of("ingest", "--json"));
      args.addAll(inbox.sourceArgs());
      args.addAll(limit.args(drops));

      FloeProcess crashed = launcher.start(point, args.toArray(String[]::new));

      assertThat(crashed.await()).as(crashed.describe()).isEqualTo(CrashPoint.EXIT_CODE);
      assertThat(inbox.claimFiles()).as("the crashed run's claim").singleElement().asString().endsWith(".claim");
      long rows = target.withTable(TableCheck::rows).orElse(0L);
      boolean committed = point == CrashPoint.AFTER_COMMIT || point == CrashPoint.MID_ACKNOWLEDGE;
      if (committed) {
        assertThat(rows).as("rows committed by the crashed run, within its limit").isPositive()
            .isLessThan((long) FILES * EVENTS_PER_FILE);
      } else {
        assertThat(rows).as("rows after a crash at %s", point).isZero();
      }

      int runs = 0;
      JsonNode summary;
      do {
        FloeProcess next = launcher.start(args.toArray(String[]::new));
        assertThat(next.await()).as(next.describe()).isZero();
        summary = next.json();
        if (runs == 0) {
          assertThat(summary.get("claims_acknowledged").asInt()).as("claims acknowledged").isEqualTo(committed ? 1 : 0);
          assertThat(summary.get("claims_released").asInt()).as("claims released").isEqualTo(committed ? 0 : 1);
        }
        assertThat(summary.get("batches_skipped").asInt()).as("batches skipped (taken again though in the table)").isZero();
        runs++;
      } while (!inbox.waiting().isEmpty() && runs < MAX_RUNS);

      assertThat(inbox.waiting()).as("batches still waiting after %d limited runs", runs).isEmpty();
      List<String> failed = List.of(unreadable, unreadable + ".reason.txt");
      TableCheck.Comparison table = ExactlyOnce.assertAll(target, List.of(book), Map.of(inbox, dropped), Map.of(inbox, failed));
      FIGURES.add(String.format("%s, %s, %s: crashed run committed %d of %d events; %d later runs; %d rows, lost %d, doubled %d;"
              + " %s in failed/", name, point.pointName(), limit.option, rows, book.expected().size(), runs, table.rows(),
          table.lost(), table.doubled(), unreadable));
    }
  }
}
