package dev.floe.core;

import java.util.OptionalLong;

/**
 * How far an ingest run has got, as told to {@link IngestOptions.Progress}: a value, so a listener
 * may keep it or hand it to another thread.
 *
 * @param batchesDone batches read to the end (or found unreadable)
 * @param batchesTotal batches the run takes (those already in the table are not counted)
 * @param eventsRead events decoded so far, valid and rejected, including those of the batch being read
 * @param bytesRead raw bytes read from the batches so far, as stored (compressed bytes for a gzip file)
 * @param bytesTotal raw bytes of all the batches the run takes, when every one of them knows its
 *     {@link Batch#size()}; less the size of batches a run limit deferred
 */
public record IngestProgress(int batchesDone, int batchesTotal, long eventsRead, long bytesRead, OptionalLong bytesTotal) {
  public IngestProgress {
    if (batchesDone < 0 || batchesTotal < 0 || batchesDone > batchesTotal || eventsRead < 0 || bytesRead < 0) {
      throw new IllegalArgumentException(String.format(
          "Invalid progress: %d of %d batches, %d events, %d bytes", batchesDone, batchesTotal, eventsRead, bytesRead));
    }
  }

  /** True once every batch has been read; the run may still be writing its last files and committing. */
  public boolean allRead() {
    return batchesDone == batchesTotal;
  }
}
