package dev.floe.core;

import java.time.Duration;
import java.util.List;

/**
 * What one ingest run did.
 *
 * @param batchesSkipped batches offered again that the table already holds (exactly-once)
 * @param eventsRead events decoded plus events rejected
 * @param snapshotId the snapshot this run committed, or null when it committed nothing
 * @param deadLetters where the rejected events of this run were written
 */
public record IngestResult(
    String runId,
    String table,
    int batchesOffered,
    int batchesSkipped,
    long eventsRead,
    long eventsWritten,
    long eventsRejected,
    long eventsFiltered,
    int dataFiles,
    long bytesWritten,
    Long snapshotId,
    Duration duration,
    List<String> deadLetters) {

  public IngestResult {
    deadLetters = List.copyOf(deadLetters);
  }

  public boolean committed() {
    return snapshotId != null;
  }

  public int batchesCommitted() {
    return committed() ? batchesOffered - batchesSkipped : 0;
  }
}
