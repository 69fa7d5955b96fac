package dev.floe.core.job;

import dev.floe.core.Batch;
import dev.floe.core.BatchOutcome;
import dev.floe.core.CrashPoint;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestOptions;
import dev.floe.core.IngestResult;
import dev.floe.core.RunIds;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.source.Source;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cron run over one source: lock it, settle what an earlier run left behind, take the pending
 * batches, ingest them as one commit, and acknowledge what the table now holds.
 *
 * <p>Exactly once across crashes: a claim naming the batches is made durable before any is read,
 * and the commit records the claim id as the source's last run (a table property in the same atomic
 * step). A later run finding the claim acknowledges its batches if that property names it, and
 * otherwise releases them to be taken again. The claim is released only once the run's outcome is
 * known, so a commit whose state is unknown is settled by the next run.
 */
public final class IngestJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

  private final FloeWriter writer;
  private final Clock clock;

  public IngestJob(FloeWriter writer, Clock clock) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** What the run did: the ingest result plus the claims of earlier runs it settled. */
  public record JobResult(IngestResult ingest, int claimsAcknowledged, int claimsReleased) {}

  public JobResult run(Source source, IngestOptions options) {
    source.lock();
    Optional<String> key = source.key();
    int[] settled = key.isPresent() && !options.dryRun() ? settleLeftovers(source, key.get()) : new int[2];
    List<Batch> pending = source.pending();
    if (key.isEmpty() || options.dryRun()) {
      IngestResult result = writer.ingest(pending, options);
      if (!options.dryRun()) {
        failUnreadable(source, result);
      }
      return new JobResult(result, settled[0], settled[1]);
    }
    String claimId = RunIds.next(clock);
    source.claim(claimId, pending);
    CrashPoint.AFTER_CLAIM.reach();
    IngestResult result;
    try {
      result = writer.ingest(pending, options.withSourceMark(key.get(), claimId));
    } catch (CommitUnknownException e) {
      LOG.error("Claim {} on {} is kept: the next run settles it once the commit's fate is known", claimId, source.name());
      throw e;
    } catch (RuntimeException | Error e) {
      source.releaseClaim(claimId);
      throw e;
    }
    List<String> inTable = result.batches().stream().filter(BatchOutcome::inTable).map(o -> o.batch().source()).toList();
    CrashPoint.AFTER_COMMIT.reach();
    int half = (inTable.size() + 1) / 2;
    source.acknowledge(inTable.subList(0, half));
    CrashPoint.MID_ACKNOWLEDGE.reach();
    source.acknowledge(inTable.subList(half, inTable.size()));
    failUnreadable(source, result);
    source.releaseClaim(claimId);
    return new JobResult(result, settled[0], settled[1]);
  }

  /** Acknowledges committed leftover claims and releases the others; returns {acknowledged, released}. */
  private int[] settleLeftovers(Source source, String key) {
    int[] settled = new int[2];
    List<Source.Claim> claims = source.leftoverClaims();
    // One load of the table settles every claim: only the source's last run can have committed.
    String lastRun = claims.isEmpty() ? null : writer.table().properties().get(IngestOptions.SourceMark.property(key));
    for (Source.Claim claim : claims) {
      if (claim.claimId().equals(lastRun)) {
        LOG.info("Claim {} on {} was committed by a run that stopped before acknowledging; acknowledging {} batches now",
            claim.claimId(), source.name(), claim.batchSources().size());
        source.acknowledge(claim.batchSources());
        settled[0]++;
      } else {
        LOG.info("Claim {} on {} was never committed; its {} batches will be taken again",
            claim.claimId(), source.name(), claim.batchSources().size());
        settled[1]++;
      }
      source.releaseClaim(claim.claimId());
    }
    return settled;
  }

  private static void failUnreadable(Source source, IngestResult result) {
    for (BatchOutcome outcome : result.batches()) {
      if (outcome.status() == BatchOutcome.Status.FAILED) {
        source.fail(outcome.batch(), outcome.reason());
      }
    }
  }
}
