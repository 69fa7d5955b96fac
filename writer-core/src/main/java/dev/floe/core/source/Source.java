package dev.floe.core.source;

import dev.floe.core.Batch;
import dev.floe.core.BatchOutcome;
import dev.floe.core.config.Settings;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where batches come from, for the cron job: files, a spool folder, standard input, an S3 prefix.
 *
 * <p>A run {@linkplain #pending() lists} the waiting batches (taking the source's lock or lease, so
 * two runs never take the same batch), records a {@linkplain #claim claim} naming the batches it
 * takes, ingests them, and {@linkplain #acknowledge acknowledges} those the table now holds. Just
 * before its commit, the run {@linkplain #recordOutcome rewrites its claim} to name exactly what
 * the commit holds and what could not be read, so a claim never stands for more than its commit:
 * batches deferred by a run limit drop out of it. The commit records the claim id as the source's
 * last run (a table property, in the same atomic step as the data), so a run that died after its
 * commit and before acknowledging leaves a claim that the next run resolves: a committed claim's
 * batches are acknowledged (its unreadable ones set aside), any other claim is released and its
 * batches taken again.
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

  /**
   * The finished batches the last {@link #pending()} listing left because they were modified within
   * the settle time: a run that takes none of them says that they wait, and until when.
   */
  default Unsettled unsettled() {
    return Unsettled.NONE;
  }

  /** Durably records that run {@code claimId} is taking {@code batches}, before reading them. */
  void claim(String claimId, List<Batch> batches);

  /**
   * Durably replaces claim {@code claimId} with the run's outcome, before its commit: the batches
   * the table will hold once the commit lands, and those that cannot be read. Batches the claim
   * named before and the outcome does not are free to be taken again.
   */
  void recordOutcome(String claimId, Claim.Outcome outcome);

  /** The table holds these batches (committed now or earlier): move them out of the way. */
  void acknowledge(List<String> batchSources);

  /** Forgets a claim once its batches are acknowledged or released. */
  void releaseClaim(String claimId);

  /**
   * The batch named {@code batchSource} cannot be read at all: set it aside with the reason so it
   * does not block later runs.
   */
  void fail(String batchSource, String reason);

  /** Releases the lock or lease. */
  @Override
  void close();

  /**
   * Finished batches not yet taken because they were modified within {@code source.settle-time}.
   *
   * @param batches how many
   * @param oldestModified when the oldest of them was last modified; empty when there are none
   * @param settleTime how long a batch must stay unmodified before a run takes it
   */
  record Unsettled(int batches, Optional<Instant> oldestModified, Duration settleTime) {
    public static final Unsettled NONE = new Unsettled(0, Optional.empty(), Duration.ZERO);

    /** Counts the batches {@code modified} at these times; the oldest names the wait. */
    public static Unsettled of(List<Instant> modified, Duration settleTime) {
      return new Unsettled(modified.size(), modified.stream().min(Comparator.naturalOrder()), settleTime);
    }

    /**
     * What they wait for, as runs report it: {@code source.settle-time (10s): the oldest, modified
     * <since>, is taken from <until>}; only when there are some.
     */
    public String waitText() {
      return String.format("%s (%s): the oldest, modified %s, is taken from %s", SourceConfig.SETTLE_TIME,
          Settings.formatDuration(settleTime), since().orElseThrow(), until().orElseThrow());
    }

    /** Since when the oldest waits, to the millisecond (not later than it was modified). */
    public Optional<Instant> since() {
      return oldestModified.map(time -> time.truncatedTo(ChronoUnit.MILLIS));
    }

    /**
     * From when a run takes the oldest, unless it is modified again: to the millisecond, and not
     * earlier than it settles.
     */
    public Optional<Instant> until() {
      return oldestModified.map(time -> {
        Instant settles = time.plus(settleTime);
        Instant millis = settles.truncatedTo(ChronoUnit.MILLIS);
        return millis.equals(settles) ? millis : millis.plusMillis(1);
      });
    }
  }

  /**
   * A run's record of the batches it took, by their {@link Batch#source()} names.
   *
   * @param batchSources every batch the claim names
   * @param outcome what the run's commit holds, once the run recorded it; empty while the claim
   *     names the batches taken, before any was read
   */
  record Claim(String claimId, List<String> batchSources, Optional<Outcome> outcome) {
    public Claim {
      batchSources = List.copyOf(batchSources);
    }

    /** A claim naming the batches taken, before any was read. */
    public static Claim taken(String claimId, List<String> batchSources) {
      return new Claim(claimId, batchSources, Optional.empty());
    }

    /**
     * What a run's commit holds of its claim.
     *
     * @param inTable the batches in the table once the commit lands (committed by it or earlier)
     * @param unreadable the batches that could not be read, with the reason, in claim order
     */
    public record Outcome(List<String> inTable, Map<String, String> unreadable) {
      public Outcome {
        inTable = List.copyOf(inTable);
        unreadable = Collections.unmodifiableMap(new LinkedHashMap<>(unreadable));
      }

      /** The outcome of a run's batches; deferred batches and dry-run ones are in neither list. */
      public static Outcome of(List<BatchOutcome> outcomes) {
        List<String> inTable = new ArrayList<>();
        Map<String, String> unreadable = new LinkedHashMap<>();
        for (BatchOutcome outcome : outcomes) {
          if (outcome.inTable()) {
            inTable.add(outcome.batch().source());
          } else if (outcome.status() == BatchOutcome.Status.FAILED) {
            unreadable.put(outcome.batch().source(), outcome.reason());
          }
        }
        return new Outcome(inTable, unreadable);
      }
    }
  }
}
