package dev.floe.core.source;

import dev.floe.core.Batch;
import java.util.List;
import java.util.Optional;

/**
 * Where batches come from, for the cron job: files, a spool folder, standard input, an S3 prefix.
 *
 * <p>A run {@linkplain #pending() lists} the waiting batches (taking the source's lock or lease, so
 * two runs never take the same batch), records a {@linkplain #claim claim} naming the batches it
 * takes, ingests them, and {@linkplain #acknowledge acknowledges} those the table now holds. The
 * commit records the claim id as the source's last run (a table property, in the same atomic step
 * as the data), so a run that died after its commit and before acknowledging leaves a claim that
 * the next run resolves: committed claims are acknowledged, others are released and their batches
 * taken again.
 */
public interface Source extends AutoCloseable {
  /** For messages, e.g. {@code spool /var/spool/floe}. */
  String name();

  /**
   * A short stable id of this source for table properties, or empty for sources that are never
   * acknowledged (plain files, standard input): their batches are deduplicated by id alone.
   */
  Optional<String> key();

  /** Takes the source's lock or lease; fails with {@link SourceBusyException} when another run has it. */
  void lock();

  /** Claims left by earlier runs that did not finish. */
  List<Claim> leftoverClaims();

  /** The batches waiting, oldest first, within the source's byte limit. */
  List<Batch> pending();

  /** Durably records that run {@code claimId} is taking {@code batches}, before reading them. */
  void claim(String claimId, List<Batch> batches);

  /** The table holds these batches (committed now or earlier): move them out of the way. */
  void acknowledge(List<String> batchSources);

  /** Forgets a claim once its batches are acknowledged or released. */
  void releaseClaim(String claimId);

  /** This batch cannot be read at all: set it aside with the reason so it does not block later runs. */
  void fail(Batch batch, String reason);

  /** Releases the lock or lease. */
  @Override
  void close();

  /** A run's record of the batches it took: their {@link Batch#source()} names. */
  record Claim(String claimId, List<String> batchSources) {
    public Claim {
      batchSources = List.copyOf(batchSources);
    }
  }
}
