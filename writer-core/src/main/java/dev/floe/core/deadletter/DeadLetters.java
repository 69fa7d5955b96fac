package dev.floe.core.deadletter;

import dev.floe.core.decode.Reject;
import java.nio.file.Path;
import java.util.List;

/**
 * Where rejected events go. Rejects are kept per batch under a name derived from the batch id, and
 * made durable just before the commit, so that a batch retried after a failure rewrites the same
 * dead letters instead of adding a second copy.
 */
public interface DeadLetters {
  /** Starts recording the rejects of one run. */
  Run begin(String runId);

  /** The rejects of one run. */
  interface Run {
    void reject(String batchDigest, Reject reject);

    /** Makes what was recorded durable under its final names; returns their locations. */
    List<String> publish();

    /** Removes what this run recorded (the run failed before committing). */
    void discard();
  }

  /** NDJSON files in {@code directory}, one per batch with rejects. */
  static DeadLetters directory(Path directory) {
    return new DirectoryDeadLetters(directory);
  }

  /** NDJSON objects under an S3 prefix ({@code s3://bucket/prefix/}), one per batch with rejects. */
  static DeadLetters s3(software.amazon.awssdk.services.s3.S3Client s3, String uri) {
    return new S3DeadLetters(s3, uri);
  }

  /** Logs each reject at WARN (source, line, reason; not the raw text): for library use without a directory. */
  static DeadLetters logging() {
    return new LoggingDeadLetters();
  }
}
