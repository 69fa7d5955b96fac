package dev.floe.core.commit;

/**
 * Thrown by a commit validation when the table history already holds the snapshot this commit
 * makes: an earlier attempt of the same commit landed, and its answer was lost (the REST client
 * resent the request after a 503, say). Deliberately not an Iceberg {@code CleanableFailure}, so
 * that Iceberg keeps the manifests the landed snapshot references instead of cleaning them up, and
 * stops before it re-applies the change on top of the landed one; {@link VerifiedCommits} then
 * reports the landed snapshot.
 */
final class AlreadyLandedException extends RuntimeException {
  AlreadyLandedException(String what, long snapshotId) {
    super(what + " is already committed as snapshot " + snapshotId, null, false, false);
  }
}
