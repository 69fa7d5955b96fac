package dev.floe.core.commit;

import org.apache.iceberg.exceptions.CleanableFailure;

/**
 * A commit that failed without a definite answer from Iceberg (a full disk while writing the new
 * metadata, a SQLite error) on a catalog where the reloaded table is the whole truth (the
 * embedded one, see {@link CommitOptions.Catalog#EMBEDDED}): it did not land and never will, so
 * its files may be deleted.
 */
public class CommitNotLandedException extends RuntimeException implements CleanableFailure {
  public CommitNotLandedException(String message, Throwable cause) {
    super(message, cause);
  }
}
