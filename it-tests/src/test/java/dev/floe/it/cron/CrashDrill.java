package dev.floe.it.cron;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Cron runs killed with SIGKILL at random moments while producers keep dropping batch files, then
 * runs left alone until nothing waits. Kill offsets are uniform from a third of a run's typical
 * length (measured by a first, uncut run; the first third is mostly JVM start-up) to a little past
 * its end, from one seed, so a failure can be replayed with the seed it prints. Every run may carry
 * a run limit, as cron runs should.
 */
final class CrashDrill {
  private final Target target;
  private final Inbox inbox;
  private final FloeProcess.Launcher launcher;
  private final EventBook book;
  private final Random random;
  private final List<String> limitArgs;
  private final List<String> dropped = new ArrayList<>();
  private final Map<String, Integer> killedWhile = new TreeMap<>();
  private int runs;
  private int completed;
  private int kills;

  CrashDrill(Target target, Inbox inbox, FloeProcess.Launcher launcher, String producer, long seed) {
    this(target, inbox, launcher, producer, seed, List.of());
  }

  /** @param limitArgs a run limit every run carries, e.g. {@code --max-events 2000} */
  CrashDrill(Target target, Inbox inbox, FloeProcess.Launcher launcher, String producer, long seed, List<String> limitArgs) {
    this.limitArgs = List.copyOf(limitArgs);
    this.target = target;
    this.inbox = inbox;
    this.launcher = launcher;
    this.book = new EventBook(producer, seed);
    this.random = new Random(seed);
  }

  /** What happened; printed by the tests. */
  record Figures(long seed, int kills, int runs, int completedRuns, int files, long events, int brokenLines,
      Map<String, Integer> killedWhile, TableCheck.Comparison table, Duration typicalRun) {
    @Override
    public String toString() {
      return String.format(
          "seed %d: %d kills (SIGKILL) in %d runs (%d ran to the end), typical run %d ms; %d files, %d valid events"
              + " (+%d broken lines) dropped; killed while: %s; table: %d rows, lost %d, doubled %d, unexpected %d,"
              + " wrong values %d",
          seed, kills, runs, completedRuns, typicalRun.toMillis(), files, events, brokenLines, killedWhile,
          table.rows(), table.lost(), table.doubled(), table.unexpected(), table.wrongValues());
    }
  }

  /** How long a drill may take at most: far beyond what it needs, so only a hang reaches it. */
  static final Duration CAP = Duration.ofMinutes(10);

  /**
   * Kills runs until {@code wantedKills} were killed or {@code 3 * wantedKills} runs were started
   * for it (a run may end before its kill lands), whatever the machine's speed: {@code cap} only
   * stops a drill that hangs, so a slow or loaded machine makes the drill longer, never weaker.
   */
  Figures run(long seed, int wantedKills, Duration cap) {
    long deadline = System.nanoTime() + cap.toNanos();
    int attempts = 0;
    drop(2);
    FloeProcess first = start();
    assertThat(first.await()).as(first.describe()).isZero();
    completed++;
    Duration typical = first.duration();
    while (kills < wantedKills && attempts < 3 * wantedKills && System.nanoTime() < deadline) {
      attempts++;
      drop(1 + random.nextInt(2));
      Set<String> claimsBefore = new HashSet<>(inbox.claimFiles());
      FloeProcess run = start();
      long offset = (long) ((1 / 3.0 + random.nextDouble() * 0.8) * typical.toMillis());
      long dropAt = (long) (random.nextDouble() * offset);
      boolean ended = run.waitFor(Duration.ofMillis(dropAt));
      if (!ended) {
        drop(1); // a producer keeps going while the run works
        ended = run.waitFor(Duration.ofMillis(offset).minus(run.duration()));
      }
      int killedWith = ended ? 0 : run.kill();
      if (ended || killedWith == 0) {
        // Ended on its own, possibly in the instant between the wait and the kill.
        assertThat(run.await()).as(run.describe()).isZero();
        completed++;
        // Kill moments follow the runs as they are now: later runs are often quicker than the
        // first (which created the table), and a kill timed by the first would miss them.
        typical = run.duration();
      } else {
        assertThat(killedWith).as(run.describe()).isEqualTo(CrashPoint.EXIT_CODE);
        kills++;
        killedWhile.merge(phase(run, claimsBefore), 1, Integer::sum);
      }
    }
    // Left alone, one run finishes the job; limited runs take what waits a part at a time.
    int finishing = 0;
    do {
      FloeProcess last = start();
      assertThat(last.await()).as(last.describe()).isZero();
      completed++;
      finishing++;
    } while (!limitArgs.isEmpty() && !inbox.waiting().isEmpty() && finishing < 50);
    TableCheck.Comparison table = ExactlyOnce.assertAll(target, List.of(book), Map.of(inbox, dropped));
    return new Figures(seed, kills, runs, completed, dropped.size(), book.expected().size(), book.brokenLines(),
        killedWhile, table, typical);
  }

  private FloeProcess start() {
    runs++;
    List<String> args = new ArrayList<>(List.of("ingest", "--json"));
    args.addAll(inbox.sourceArgs());
    args.addAll(limitArgs);
    return launcher.start(args.toArray(String[]::new));
  }

  private void drop(int files) {
    for (int i = 0; i < files; i++) {
      EventBook.Drop drop = book.next(200 + random.nextInt(1300));
      inbox.drop(drop);
      dropped.add(drop.name());
    }
  }

  /** Where the kill landed, judged from what the run left behind. */
  private String phase(FloeProcess run, Set<String> claimsBefore) {
    List<String> fresh = new ArrayList<>(inbox.claimFiles());
    fresh.removeAll(claimsBefore);
    if (fresh.isEmpty()) {
      return run.out().isBlank() ? "starting or settling" : "finishing";
    }
    String claim = fresh.get(0);
    if (!claim.endsWith(".claim")) {
      return "writing its claim";
    }
    String claimId = claim.substring(0, claim.length() - ".claim".length());
    boolean committed = target.withTable(table -> claimId.equals(TableCheck.lastRun(table, inbox.sourceKey()))).orElse(false);
    return committed ? "committed, acknowledging" : "claimed, not committed";
  }
}
