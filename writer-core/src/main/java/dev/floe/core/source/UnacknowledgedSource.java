package dev.floe.core.source;

import dev.floe.core.Batch;
import java.util.List;
import java.util.Optional;

/**
 * A source whose batches stay where they are after the commit (files named on the command line,
 * standard input): no lock, no claims, nothing to acknowledge. Exactly-once comes from the batch
 * ids alone, recorded in the snapshot summary and validated at commit.
 */
abstract class UnacknowledgedSource implements Source {
  @Override
  public final Optional<String> key() {
    return Optional.empty();
  }

  @Override
  public final void lock() {}

  @Override
  public final List<Claim> leftoverClaims() {
    return List.of();
  }

  @Override
  public final void claim(String claimId, List<Batch> batches) {}

  @Override
  public final void recordOutcome(String claimId, Claim.Outcome outcome) {}

  @Override
  public final void acknowledge(List<String> batchSources) {}

  @Override
  public final void releaseClaim(String claimId) {}

  @Override
  public final void fail(String batchSource, String reason) {}
}
