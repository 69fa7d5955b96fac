package dev.floe.core.commit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.commit.Ledger.Part;
import dev.floe.core.commit.Ledger.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ledger's merge plan, without any store. */
class LedgerTest {
  private static Part part(int level, String run, long entries, long newest) {
    return new Part(Ledger.key(level, run), level, run + ".1.ledger", entries, newest - 10, newest);
  }

  @Test
  void aCommitWritesLevelZeroUntilThreePartsWaitThenMergesThemIntoLevelOne() {
    List<Part> two = List.of(part(0, "a", 200, 1000), part(0, "b", 200, 1001));
    assertThat(Ledger.plan(two, 200, 0)).isEqualTo(new Plan(0, List.of(), List.of()));

    List<Part> three = List.of(part(0, "a", 200, 1000), part(0, "b", 200, 1001), part(0, "c", 200, 1002));
    Plan plan = Ledger.plan(three, 200, 0);
    assertThat(plan.level()).isEqualTo(1);
    assertThat(plan.merged()).containsExactlyElementsOf(three);
    assertThat(plan.removedKeys()).containsExactly("floe.ledger.0.a", "floe.ledger.0.b", "floe.ledger.0.c");
  }

  @Test
  void aLevelThatWouldOutgrowItsCapacityCarriesIntoTheNext() {
    Part levelOne = part(1, "l1", 3800, 900);
    Part levelTwo = part(2, "l2", 20_000, 800);
    List<Part> parts = List.of(part(0, "a", 200, 1000), part(0, "b", 200, 1001), part(0, "c", 200, 1002), levelOne, levelTwo);

    Plan plan = Ledger.plan(parts, 200, 0);

    // 800 + 3800 > 4096 at level 1; with level 2's 20,000: 24,600 <= 32,768.
    assertThat(plan.level()).isEqualTo(2);
    assertThat(plan.merged()).contains(levelOne, levelTwo).hasSize(5);
  }

  @Test
  void partsWhoseNewestEntryLeftTheWindowAreDroppedWhole() {
    Part old = part(3, "old", 100_000, 500);
    Plan plan = Ledger.plan(List.of(old, part(0, "a", 200, 1000)), 200, 600);
    assertThat(plan).isEqualTo(new Plan(0, List.of(), List.of(old)));
    assertThat(plan.removedKeys()).containsExactly("floe.ledger.3.old");
  }

  @Test
  void aWeekOfCommitsOf200BatchesKeepsTheLedgerToAFewParts() {
    List<Part> parts = new ArrayList<>();
    int most = 0;
    for (int commit = 0; commit < 10_000; commit++) {
      Plan plan = Ledger.plan(parts, 200, 0);
      long entries = 200 + plan.merged().stream().mapToLong(Part::entries).sum();
      parts.removeAll(plan.merged());
      parts.add(part(plan.level(), "run-" + commit, entries, commit));
      most = Math.max(most, parts.size());
    }
    long total = parts.stream().mapToLong(Part::entries).sum();
    assertThat(total).isEqualTo(2_000_000);
    assertThat(most).as("most parts at once over 10,000 commits").isLessThanOrEqualTo(8);
  }

  @Test
  void partsAreReadBackFromTablePropertiesAndOthersAreIgnored() {
    Map<String, String> properties = Map.of(
        "floe.ledger.0.run-1", "run-1.1.ledger:200:1764700000:1764700000",
        "floe.ledger.2.run-0", "run-0.3.ledger:30000:1764000000:1764600000",
        "floe.ledger.x.run-2", "run-2.1.ledger:1:1:1",
        "floe.ledger.1.run-3", "not-a-part",
        "floe.ledger-file", "run-4.1.ledger");

    assertThat(Ledger.parts(properties)).containsExactly(
        new Part("floe.ledger.0.run-1", 0, "run-1.1.ledger", 200, 1764700000, 1764700000),
        new Part("floe.ledger.2.run-0", 2, "run-0.3.ledger", 30000, 1764000000, 1764600000));
  }
}
