package dev.floe.core.job;

import dev.floe.core.Batch;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestOptions;
import dev.floe.core.IngestResult;
import dev.floe.core.RunIds;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.internal.DrillHooks;
import dev.floe.core.source.Source;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cron run over one source: lock it, settle what an earlier run left behind, take the pending
 * batches, ingest them as one commit, and acknowledge what the table now holds.
 *
 * <p>Exactly once across crashes: a claim naming the batches is made durable before any is read.
 * Just before the commit, the claim is rewritten with the run's outcome: the batches the commit
 * holds (or the table held already) and those that could not be read; batches a run limit deferred
 * drop out of it, so the claim never stands for more than its commit. The commit records the claim
 * id as the source's last run (a table property in the same atomic step). A later run finding the
 * claim acknowledges the batches of its outcome and sets its unreadable ones aside if that property
 * names it, and otherwise releases every batch to be taken again. The claim is released only once
 * the run's outcome is known, so a commit whose state is unknown is settled by the next run.
 */
public final class IngestJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

  private final FloeWriter writer;
  private final Clock clock;

  public IngestJob(FloeWriter writer, Clock clock) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * What the run did: the ingest result, the claims of earlier runs it settled, and the batches it
   * left because they had not settled yet.
   */
  public record JobResult(IngestResult ingest, int claimsAcknowledged, int claimsReleased, Source.Unsettled unsettled) {}

  public JobResult run(Source source, IngestOptions options) {
    source.lock();
    Optional<String> key = source.key();
    int[] settled = key.isPresent() && !options.dryRun() ? settleLeftovers(source, key.get()) : new int[2];
    List<Batch> pending = source.pending();
    Source.Unsettled unsettled = source.unsettled();
    if (unsettled.batches() > 0) {
      // Else a run that takes nothing looks as if it ignored files just dropped.
      LOG.info("{} batches on {} wait for {}", unsettled.batches(), source.name(), unsettled.waitText());
    }
    if (key.isEmpty() || options.dryRun()) {
      IngestResult result = writer.ingest(pending, options);
      if (!options.dryRun()) {
        failUnreadable(source, Source.Claim.Outcome.of(result.batches()));
      }
      return new JobResult(result, settled[0], settled[1], unsettled);
    }
    String claimId = RunIds.next(clock);
    source.claim(claimId, pending);
    DrillHooks.installed().afterClaim();
    IngestResult result;
    try {
      result = writer.ingest(pending, options.withSourceMark(key.get(), claimId)
          .withBeforeCommit(outcomes -> source.recordOutcome(claimId, Source.Claim.Outcome.of(outcomes))));
    } catch (CommitUnknownException e) {
      LOG.error("Claim {} on {} is kept: the next run settles it once the commit's fate is known", claimId, source.name());
      throw e;
    } catch (RuntimeException | Error e) {
      source.releaseClaim(claimId);
      throw e;
    }
    Source.Claim.Outcome outcome = Source.Claim.Outcome.of(result.batches());
    DrillHooks.installed().afterCommit();
    DrillHooks.installed().acknowledge(outcome.inTable(), source::acknowledge);
    failUnreadable(source, outcome);
    source.releaseClaim(claimId);
    return new JobResult(result, settled[0], settled[1], unsettled);
  }

  /**
   * Finishes the claims of runs that stopped before releasing them; returns {acknowledged,
   * released}. Only a claim whose run committed, and that says what its commit holds, lets go of
   * batches; every other claim is void and its batches are taken again, where the table's batch
   * record skips any the table holds.
   */
  private int[] settleLeftovers(Source source, String key) {
    int[] settled = new int[2];
    List<Source.Claim> claims = source.leftoverClaims();
    // One load of the table settles every claim: only the source's last run can have committed.
    String lastRun = claims.isEmpty() ? null : writer.table().properties().get(IngestOptions.SourceMark.property(key));
    for (Source.Claim claim : claims) {
      boolean committed = claim.claimId().equals(lastRun);
      if (committed && claim.outcome().isPresent()) {
        Source.Claim.Outcome outcome = claim.outcome().get();
        LOG.info("Claim {} on {} was committed by a run that stopped before acknowledging; acknowledging its {} batches"
                + " in the table now{}", claim.claimId(), source.name(), outcome.inTable().size(),
            outcome.unreadable().isEmpty() ? "" : " and setting aside " + outcome.unreadable().size() + " it could not read");
        source.acknowledge(outcome.inTable());
        failUnreadable(source, outcome);
        settled[0]++;
      } else if (committed) {
        LOG.warn("Claim {} on {} was committed, but was written by an earlier floe and does not say which of its {} batches"
                + " the commit holds; releasing them all: the table's batch record skips those it holds",
            claim.claimId(), source.name(), claim.batchSources().size());
        settled[1]++;
      } else {
        LOG.info("Claim {} on {} was never committed; its {} batches will be taken again",
            claim.claimId(), source.name(), claim.batchSources().size());
        settled[1]++;
      }
      source.releaseClaim(claim.claimId());
    }
    return settled;
  }

  private static void failUnreadable(Source source, Source.Claim.Outcome outcome) {
    outcome.unreadable().forEach(source::fail);
  }
}
