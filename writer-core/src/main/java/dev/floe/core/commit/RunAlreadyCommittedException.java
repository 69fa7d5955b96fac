package dev.floe.core.commit;

/**
 * Thrown by the commit validation when the table history already holds this run's own snapshot:
 * an earlier attempt of the same commit landed, and its answer was lost (the REST client resent
 * the request after a 503, say). Deliberately not an Iceberg {@code CleanableFailure}, so that
 * Iceberg keeps the manifests that the landed snapshot references instead of cleaning them up.
 */
final class RunAlreadyCommittedException extends RuntimeException {
  RunAlreadyCommittedException(String runId, long snapshotId) {
    super("run " + runId + " is already committed as snapshot " + snapshotId, null, false, false);
  }
}
