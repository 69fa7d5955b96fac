package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.commit.BatchLedger;
import dev.floe.core.maintenance.DedupeCarryOver.Expiring;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DedupeCarryOverTest {
  private static final Instant WINDOW_START = Instant.parse("2026-11-03T00:00:00Z");
  private static final long INSIDE = WINDOW_START.toEpochMilli() + 1000;
  private static final long OUTSIDE = WINDOW_START.toEpochMilli() - 1000;

  @Test
  void carriesTheDigestsOfSnapshotsInsideTheWindowOnePropertyPerSnapshot() {
    DedupeCarryOver.Update update =
        DedupeCarryOver.plan(
            List.of(
                new Expiring(INSIDE, "d1,d2"),
                new Expiring(INSIDE + 1, "d3"),
                new Expiring(INSIDE + 2, null), // compaction: no batches
                new Expiring(OUTSIDE, "d0")),
            Map.of(),
            WINDOW_START);

    assertThat(update.set())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(BatchLedger.carriedKey(INSIDE), "d1,d2", BatchLedger.carriedKey(INSIDE + 1), "d3"));
    assertThat(update.remove()).isEmpty();
    assertThat(update.snapshots()).isEqualTo(2);
    assertThat(update.digests()).isEqualTo(3);
  }

  @Test
  void mergesSnapshotsOfTheSameMillisecondAndWhatIsAlreadyCarried() {
    DedupeCarryOver.Update update =
        DedupeCarryOver.plan(
            List.of(new Expiring(INSIDE, "d2,d3"), new Expiring(INSIDE, "d4")),
            Map.of(BatchLedger.carriedKey(INSIDE), "d1,d2"),
            WINDOW_START);

    assertThat(update.set()).containsExactly(Map.entry(BatchLedger.carriedKey(INSIDE), "d1,d2,d3,d4"));
  }

  @Test
  void prunesCarriedEntriesThatLeftTheWindowAndChangesNothingAlreadyThere() {
    Map<String, String> properties =
        Map.of(
            BatchLedger.carriedKey(OUTSIDE), "old",
            BatchLedger.carriedKey(INSIDE), "d1",
            BatchLedger.CARRIED_PREFIX + "not-a-time", "x",
            "write.format.default", "parquet");

    DedupeCarryOver.Update update = DedupeCarryOver.plan(List.of(new Expiring(INSIDE, "d1")), properties, WINDOW_START);

    assertThat(update.set()).isEmpty();
    assertThat(update.remove()).containsExactly(BatchLedger.carriedKey(OUTSIDE));
    assertThat(DedupeCarryOver.plan(List.of(), Map.of(BatchLedger.carriedKey(INSIDE), "d1"), WINDOW_START).isEmpty())
        .isTrue();
  }

  @Test
  void carriesNothingTheCommitsCarriedThemselvesAndPrunesTheirPropertiesByCommitTime() {
    Map<String, String> properties =
        Map.of(
            BatchLedger.carriedKey(INSIDE, "20261103T000001Z-aaaa0001"), "d1,d2",
            BatchLedger.carriedKey(OUTSIDE, "20261102T235959Z-aaaa0000"), "d0");

    DedupeCarryOver.Update update =
        DedupeCarryOver.plan(
            List.of(new Expiring(INSIDE, "d1,d2"), new Expiring(INSIDE + 5, "d2,d3")), properties, WINDOW_START);

    assertThat(update.set()).containsExactly(Map.entry(BatchLedger.carriedKey(INSIDE + 5), "d3"));
    assertThat(update.snapshots()).isEqualTo(1);
    assertThat(update.digests()).isEqualTo(1);
    assertThat(update.remove()).containsExactly(BatchLedger.carriedKey(OUTSIDE, "20261102T235959Z-aaaa0000"));
  }
}
