package dev.floe.core.maintenance;

/**
 * How far a maintenance step has got, as told to a {@link Listener} (see {@link
 * TableMaintenance.Builder#progress}).
 *
 * @param step {@link #COMPACTION_PLAN}, {@link #COMPACTION}, {@link #MANIFESTS}, {@link #EXPIRY} or {@link #ORPHANS}
 * @param done compaction: file groups rewritten (committed or skipped); other steps: 0 when they
 *     start, 1 when they end
 * @param total compaction: the plan's groups; other steps: 1
 * @param bytesDone compaction: input bytes of the groups done; other steps: 0
 * @param bytesTotal compaction: input bytes of the plan; other steps: 0
 */
public record MaintenanceProgress(String step, int done, int total, long bytesDone, long bytesTotal) {
  public static final String COMPACTION_PLAN = "compaction plan";
  public static final String COMPACTION = "compaction";
  public static final String MANIFESTS = "manifests";
  public static final String EXPIRY = "snapshot expiry";
  public static final String ORPHANS = "orphan files";

  public MaintenanceProgress {
    if (done < 0 || done > total || bytesDone < 0 || bytesDone > bytesTotal) {
      throw new IllegalArgumentException(String.format(
          "Invalid progress of %s: %d of %d, %d of %d bytes", step, done, total, bytesDone, bytesTotal));
    }
  }

  static MaintenanceProgress started(String step) {
    return new MaintenanceProgress(step, 0, 1, 0, 0);
  }

  static MaintenanceProgress finished(String step) {
    return new MaintenanceProgress(step, 1, 1, 0, 0);
  }

  public boolean finished() {
    return done == total;
  }

  /** Told on the maintaining thread as steps start, advance and end; keep it quick, and do not throw. */
  @FunctionalInterface
  public interface Listener {
    void update(MaintenanceProgress progress);

    Listener NONE = progress -> {};
  }
}
