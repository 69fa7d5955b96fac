package dev.floe.core;

import java.util.List;
import java.util.Optional;

/**
 * Per-call choices of one ingest.
 *
 * @param dryRun decode, validate and filter, and report what would be committed, without writing
 *     or committing anything
 * @param sourceMark when set, the commit also records the run's claim as the last one of that
 *     source (a table property, in the same atomic step as the data), so a source can tell after a
 *     crash whether its last run committed, even after its snapshot expired
 * @param progress told as the run reads its batches: when it starts, after every mebibyte of input
 *     and after each batch
 * @param beforeCommit told each batch's outcome once the run's data files are written, just before
 *     the commit that holds the committed ones; a failure here fails the run before its commit. Not
 *     told when the run commits nothing.
 */
public record IngestOptions(boolean dryRun, Optional<SourceMark> sourceMark, Progress progress, BeforeCommit beforeCommit) {
  /** Told what the commit about to be made will hold; see {@link IngestOptions#beforeCommit()}. */
  @FunctionalInterface
  public interface BeforeCommit {
    void outcomes(List<BatchOutcome> outcomes);

    BeforeCommit NONE = outcomes -> {};
  }

  /**
   * Told how far the run has got, on the run's own thread: keep it quick (a listener that draws
   * something should limit how often it does), and do not throw.
   */
  @FunctionalInterface
  public interface Progress {
    void update(IngestProgress progress);

    Progress NONE = progress -> {};
  }

  /** Records {@code claimId} under the table property {@code floe.source.<sourceKey>.last-run}. */
  public record SourceMark(String sourceKey, String claimId) {
    public static final String PREFIX = "floe.source.";
    public static final String SUFFIX = ".last-run";

    public String property() {
      return property(sourceKey);
    }

    public static String property(String sourceKey) {
      return PREFIX + sourceKey + SUFFIX;
    }
  }

  public static IngestOptions defaults() {
    return new IngestOptions(false, Optional.empty(), Progress.NONE, BeforeCommit.NONE);
  }

  public IngestOptions withDryRun(boolean dry) {
    return new IngestOptions(dry, sourceMark, progress, beforeCommit);
  }

  public IngestOptions withSourceMark(String sourceKey, String claimId) {
    return new IngestOptions(dryRun, Optional.of(new SourceMark(sourceKey, claimId)), progress, beforeCommit);
  }

  public IngestOptions withProgress(Progress listener) {
    return new IngestOptions(dryRun, sourceMark, listener, beforeCommit);
  }

  public IngestOptions withBeforeCommit(BeforeCommit hook) {
    return new IngestOptions(dryRun, sourceMark, progress, hook);
  }
}
