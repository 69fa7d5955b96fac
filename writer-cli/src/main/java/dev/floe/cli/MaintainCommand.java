package dev.floe.cli;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogType;
import dev.floe.core.commit.CommitOptions;
import dev.floe.core.config.Settings;
import dev.floe.core.maintenance.CompactionOptions;
import dev.floe.core.maintenance.CompactionPlan;
import dev.floe.core.maintenance.CompactionResult;
import dev.floe.core.maintenance.ExpiryOptions;
import dev.floe.core.maintenance.MaintenanceConfig;
import dev.floe.core.maintenance.MaintenanceResult;
import dev.floe.core.maintenance.ManifestOptions;
import dev.floe.core.maintenance.ManifestResult;
import dev.floe.core.maintenance.OrphanOptions;
import dev.floe.core.maintenance.OrphanResult;
import dev.floe.core.maintenance.ExpiryResult;
import dev.floe.core.maintenance.TableMaintenance;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code floe maintain compact|expire|orphans|manifests|all}: table maintenance, safe to run while
 * ingest runs. Each step prints a summary ({@code --json}: one JSON object line) and has a
 * {@code --dry-run} that changes nothing.
 */
@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = "Compact small files, expire snapshots, remove orphan files, rewrite manifests.",
    subcommands = {
      MaintainCommand.Compact.class,
      MaintainCommand.Expire.class,
      MaintainCommand.Orphans.class,
      MaintainCommand.Manifests.class,
      MaintainCommand.All.class
    })
final class MaintainCommand implements Runnable {
  @Spec CommandSpec spec;
  @ParentCommand FloeCli root;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every step shares: config, table, dry run, output. */
  abstract static class Step implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand MaintainCommand parent;
    @Mixin ConfigOptions configOptions;

    @Option(names = "--dry-run", description = "Report what would be done; commit and delete nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print one JSON object line instead of the summary.")
    boolean json;

    @Option(names = "--stacktrace", description = "Print the full stack trace of an error.")
    boolean stacktrace;

    /** Drawn while the step runs; ended before the step prints its outcome. */
    private Progress progress;

    /** The step's own {@code maintain.*} flags; unset ones are null. */
    abstract Map<String, String> flags();

    /** Runs the step and prints its outcome. */
    abstract void run(TableMaintenance maintenance, PrintWriter out);

    @Override
    public Integer call() {
      Settings settings = configOptions.settings(parent.root.env(), flags());
      MaintenanceConfig config = MaintenanceConfig.from(settings);
      if (CatalogConfig.from(settings).type() == CatalogType.LOCAL) {
        // As for ingest: a failed commit that the reloaded table does not show never lands, so a
        // compaction's new files can go rather than wait for orphan removal.
        config = config.withCommit(config.commit().withCatalog(CommitOptions.Catalog.EMBEDDED));
      }
      try (OpenCatalog catalog = OpenCatalog.from(settings);
          Progress drawn = Progress.on(parent.root.terminal(), json, spec.commandLine().getErr())) {
        progress = drawn;
        PrintWriter out = spec.commandLine().getOut();
        run(TableMaintenance.builder(catalog.catalog()).config(config).progress(drawn).build(), out);
        out.flush();
      } catch (RuntimeException e) {
        throw TlsFailures.explain(e, settings);
      }
      return ExitCodes.OK;
    }

    void print(PrintWriter out, Map<String, Object> fields, String text) {
      progress.close(); // the outcome starts on a clean line
      out.println(json ? Json.line(fields) : text);
    }
  }

  static final class CompactionFlags {
    @Option(names = "--target-file-size", paramLabel = "SIZE", description = "Size compacted files aim for (default 128MB).")
    String targetFileSize;

    @Option(names = "--min-input-files", paramLabel = "N", description = "Rewrite a group only with at least N small files (default 5).")
    Integer minInputFiles;

    @Option(names = "--partition-min-age", paramLabel = "DURATION", description = "Skip partitions written within this time, still being written (default 1h).")
    String minAge;

    @Option(names = "--max-bytes", paramLabel = "SIZE", description = "Rewrite at most this much per run (default 2GB).")
    String maxBytes;

    @Option(names = "--max-group-size", paramLabel = "SIZE", description = "At most this much per commit (default 1GB).")
    String maxGroupSize;

    @Option(names = "--sort", negatable = true, description = "Sort compacted files by the table's sort order (or do_id, seq) in 2MB row groups, and rewrite cold files not yet in that order, whatever their size (default off).")
    Boolean sort;

    void addTo(Map<String, String> flags) {
      flags.put(CompactionOptions.TARGET_FILE_SIZE, targetFileSize);
      flags.put(CompactionOptions.MIN_INPUT_FILES, minInputFiles == null ? null : minInputFiles.toString());
      flags.put(CompactionOptions.MIN_AGE, minAge);
      flags.put(CompactionOptions.MAX_BYTES, maxBytes);
      flags.put(CompactionOptions.MAX_GROUP_SIZE, maxGroupSize);
      flags.put(CompactionOptions.SORT, sort == null ? null : sort.toString());
    }
  }

  static final class ExpiryFlags {
    @Option(names = "--older-than", paramLabel = "DURATION", description = "Expire snapshots older than this (default 1d) ...")
    String olderThan;

    @Option(names = "--retain-last", paramLabel = "N", description = "... and not among the N most recent (default 1).")
    Integer retainLast;

    @Option(names = "--dedupe-window", paramLabel = "DURATION", description = "How long a committed batch is still recognised when offered again (default 7d).")
    String dedupeWindow;

    void addTo(Map<String, String> flags) {
      flags.put(ExpiryOptions.OLDER_THAN, olderThan);
      flags.put(ExpiryOptions.RETAIN_LAST, retainLast == null ? null : retainLast.toString());
      flags.put(ExpiryOptions.DEDUPE_WINDOW, dedupeWindow);
    }
  }

  static final class OrphanFlags {
    @Option(names = "--orphan-min-age", paramLabel = "DURATION", description = "Delete unreferenced files only when older than this (default 3d).")
    String minAge;

    void addTo(Map<String, String> flags) {
      flags.put(OrphanOptions.MIN_AGE, minAge);
    }
  }

  static final class ManifestFlags {
    @Option(names = "--min-manifests", paramLabel = "N", description = "Rewrite manifests when at least N are small (default 32).")
    Integer minCount;

    void addTo(Map<String, String> flags) {
      flags.put(ManifestOptions.MIN_COUNT, minCount == null ? null : minCount.toString());
    }
  }

  @Command(name = "compact", mixinStandardHelpOptions = true, description = "Bin-pack small data files per partition into files near the target size.")
  static final class Compact extends Step {
    @Mixin CompactionFlags compaction;

    @Override
    Map<String, String> flags() {
      Map<String, String> flags = new HashMap<>();
      compaction.addTo(flags);
      return flags;
    }

    @Override
    void run(TableMaintenance maintenance, PrintWriter out) {
      CompactionPlan plan = maintenance.planCompaction();
      CompactionResult result = dryRun ? CompactionResult.dryRun(plan) : maintenance.compact(plan);
      print(out, MaintainFields.compaction(result), dryRun ? plan.describe().stripTrailing() : MaintainFields.describe(result));
    }
  }

  @Command(name = "expire", mixinStandardHelpOptions = true, description = "Expire old snapshots and delete the files only they referenced, keeping floe's exactly-once record.")
  static final class Expire extends Step {
    @Mixin ExpiryFlags expiry;

    @Override
    Map<String, String> flags() {
      Map<String, String> flags = new HashMap<>();
      expiry.addTo(flags);
      return flags;
    }

    @Override
    void run(TableMaintenance maintenance, PrintWriter out) {
      ExpiryResult result = dryRun ? maintenance.previewExpiry() : maintenance.expireSnapshots();
      print(out, MaintainFields.expiry(result), result.summary());
    }
  }

  @Command(name = "orphans", mixinStandardHelpOptions = true, description = "Delete files under the table location that no metadata references and that are older than a safety age.")
  static final class Orphans extends Step {
    @Mixin OrphanFlags orphans;

    @Override
    Map<String, String> flags() {
      Map<String, String> flags = new HashMap<>();
      orphans.addTo(flags);
      return flags;
    }

    @Override
    void run(TableMaintenance maintenance, PrintWriter out) {
      OrphanResult result = dryRun ? maintenance.findOrphans() : maintenance.removeOrphans();
      StringBuilder text = new StringBuilder(result.summary());
      if (dryRun) {
        result.orphans().forEach(orphan -> text.append(System.lineSeparator()).append("  ").append(orphan));
      }
      print(out, MaintainFields.orphans(result), text.toString());
    }
  }

  @Command(name = "manifests", mixinStandardHelpOptions = true, description = "Rewrite small manifests when there are many; bound old metadata.json versions.")
  static final class Manifests extends Step {
    @Mixin ManifestFlags manifests;

    @Override
    Map<String, String> flags() {
      Map<String, String> flags = new HashMap<>();
      manifests.addTo(flags);
      return flags;
    }

    @Override
    void run(TableMaintenance maintenance, PrintWriter out) {
      ManifestResult result = dryRun ? maintenance.previewManifests() : maintenance.rewriteManifests();
      print(out, MaintainFields.manifests(result), result.summary());
    }
  }

  @Command(name = "all", mixinStandardHelpOptions = true, description = "Compact, rewrite manifests, expire snapshots, then remove orphans, in that order.")
  static final class All extends Step {
    @Mixin CompactionFlags compaction;
    @Mixin ExpiryFlags expiry;
    @Mixin OrphanFlags orphans;
    @Mixin ManifestFlags manifests;

    @Override
    Map<String, String> flags() {
      Map<String, String> flags = new HashMap<>();
      compaction.addTo(flags);
      expiry.addTo(flags);
      orphans.addTo(flags);
      manifests.addTo(flags);
      return flags;
    }

    @Override
    void run(TableMaintenance maintenance, PrintWriter out) {
      MaintenanceResult result = dryRun ? maintenance.previewAll() : maintenance.all();
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("table", result.table());
      fields.put("dry_run", result.dryRun());
      fields.put("compaction", MaintainFields.compaction(result.compaction()));
      fields.put("manifests", MaintainFields.manifests(result.manifests()));
      fields.put("expiry", MaintainFields.expiry(result.expiry()));
      fields.put("orphans", MaintainFields.orphans(result.orphans()));
      print(out, fields, "Maintained " + result.table() + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", result.summary()));
    }
  }
}
