package dev.floe.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.source.Source.Claim;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClaimTextTest {
  private static final String AWKWARD = "/spool/a\tb\\n\nc\r.ndjson";

  @Test
  void aTakenClaimIsReadBackWithEveryNameIntact() {
    String text = ClaimText.taken(List.of("/spool/a.ndjson", AWKWARD));

    assertThat(text.lines()).hasSize(3);
    assertThat(ClaimText.parse("run-1", text, "claim run-1"))
        .isEqualTo(Claim.taken("run-1", List.of("/spool/a.ndjson", AWKWARD)));
  }

  @Test
  void anOutcomeNamesWhatTheCommitHoldsAndWhatCouldNotBeRead() {
    Map<String, String> unreadable = new LinkedHashMap<>();
    unreadable.put(AWKWARD, "Cannot open it:\n\taccess denied \\ twice");
    unreadable.put("/spool/z.ndjson", "gone");
    Claim.Outcome outcome = new Claim.Outcome(List.of("/spool/b.ndjson", "/spool/a.ndjson"), unreadable);

    Claim claim = ClaimText.parse("run-2", ClaimText.outcome(outcome), "claim run-2");

    assertThat(claim.outcome()).contains(outcome);
    assertThat(claim.outcome().orElseThrow().unreadable().keySet()).containsExactly(AWKWARD, "/spool/z.ndjson");
    assertThat(claim.batchSources()).containsExactly("/spool/b.ndjson", "/spool/a.ndjson", AWKWARD, "/spool/z.ndjson");
  }

  @Test
  void aClaimOfAnEarlierFloeIsOneTakenSourcePerLine() {
    Claim claim = ClaimText.parse("run-3", "/spool/a.ndjson\n\n/spool/b.ndjson\n", "claim run-3");

    assertThat(claim).isEqualTo(new Claim("run-3", List.of("/spool/a.ndjson", "/spool/b.ndjson"), Optional.empty()));
  }

  @Test
  void aLineThatDoesNotBelongIsAnErrorNamingTheClaimAndLine() {
    String text = "floe-claim 2 outcome\nin-table\t/spool/a.ndjson\ntaken\t/spool/b.ndjson\n";

    assertThatThrownBy(() -> ClaimText.parse("run-4", text, "/spool/.floe/claims/run-4.claim"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Invalid claim /spool/.floe/claims/run-4.claim: line 3 does not belong in a claim of kind 'outcome'");
  }

  @Test
  void anUnknownKindIsAnError() {
    assertThatThrownBy(() -> ClaimText.parse("run-5", "floe-claim 2 later\n", "claim run-5"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Invalid claim claim run-5: line 1 names the unknown kind 'later'");
  }
}
