package dev.floe.core.maintenance;

/** Small files the plan leaves alone, and why. */
public record SkippedPartition(PartitionRef partition, Reason reason, int files, long bytes) {
  public enum Reason {
    /** A non-compaction commit added files within {@link CompactionOptions#minAge()}. */
    STILL_BEING_WRITTEN("still being written"),
    /** Fewer small files than {@link CompactionOptions#minInputFiles()}. */
    TOO_FEW_FILES("too few small files"),
    /** Rewriting would leave as many files as there are. */
    NO_GAIN("rewrite would not reduce the file count"),
    /** Delete files apply to the partition; floe does not rewrite rows with deletes. */
    HAS_DELETE_FILES("has delete files"),
    /** The run's {@link CompactionOptions#maxBytes()} is used up; a later run takes it. */
    BYTE_CAP_REACHED("over this run's byte cap"),
    /** One group (a single file, or files that cannot be split) is larger than {@link CompactionOptions#maxBytes()}: no run takes it until the cap is raised. */
    LARGER_THAN_BYTE_CAP("larger than a run's byte cap: no run rewrites it unless --max-bytes is raised");

    private final String description;

    Reason(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }
}
