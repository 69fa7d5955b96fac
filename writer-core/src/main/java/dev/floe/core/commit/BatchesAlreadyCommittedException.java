package dev.floe.core.commit;

import org.apache.iceberg.exceptions.CleanableFailure;

/**
 * A concurrent run committed one of this run's batches after this run checked. Nothing of this run
 * was committed (the history was checked), so its files may be deleted; the next run skips the
 * committed batches.
 */
public class BatchesAlreadyCommittedException extends RuntimeException implements CleanableFailure {
  public BatchesAlreadyCommittedException(String message, Throwable cause) {
    super(message, cause);
  }
}
