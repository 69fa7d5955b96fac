package dev.floe.core;

import java.time.Duration;
import java.util.List;

/**
 * What one ingest run did.
 *
 * @param batches every batch offered, with what became of it
 * @param eventsRead events decoded plus events rejected
 * @param dataFilesClosedEarly data files closed before the end of the run to make room for another
 *     partition's within {@code write.max-open-files}: many of them mean small files
 * @param snapshotId the snapshot this run committed, or null when it committed nothing
 * @param deadLetters where the rejected events of this run were written
 */
public record IngestResult(
    String runId,
    String table,
    List<BatchOutcome> batches,
    long eventsRead,
    long eventsWritten,
    long eventsRejected,
    long eventsFiltered,
    int dataFiles,
    long dataFilesClosedEarly,
    long bytesRead,
    long bytesWritten,
    Long snapshotId,
    Duration duration,
    List<String> deadLetters) {

  public IngestResult {
    batches = List.copyOf(batches);
    deadLetters = List.copyOf(deadLetters);
  }

  public boolean committed() {
    return snapshotId != null;
  }

  public int batchesOffered() {
    return batches.size();
  }

  public int count(BatchOutcome.Status status) {
    return (int) batches.stream().filter(outcome -> outcome.status() == status).count();
  }

  public int batchesCommitted() {
    return count(BatchOutcome.Status.COMMITTED);
  }

  public int batchesSkipped() {
    return count(BatchOutcome.Status.ALREADY_COMMITTED);
  }
}
