package dev.floe.core.commit;

/**
 * A concurrent run committed one of this run's batches after this run checked. Nothing of this run
 * was committed, so its files may be deleted; the next run skips the committed batches.
 */
public class BatchesAlreadyCommittedException extends RuntimeException {
  public BatchesAlreadyCommittedException(String message, Throwable cause) {
    super(message, cause);
  }
}
