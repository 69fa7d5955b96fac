package dev.floe.cli;

import dev.floe.catalog.CatalogConfig;
import dev.floe.core.IngestConfig;
import dev.floe.core.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Options every command shares: where the configuration comes from and which table. Settings are
 * layered config file, then {@code FLOE_*} environment, then these flags. Credentials are never
 * accepted here (they would show in the process list): environment or config file only.
 */
final class ConfigOptions {
  /** Used when neither --config nor FLOE_CONFIG is given and this file exists. */
  static final String DEFAULT_CONFIG_FILE = "floe.properties";

  @Option(names = "--config", paramLabel = "FILE", description = "Config file (properties). Default: $FLOE_CONFIG, else ./floe.properties if present.")
  Path config;

  @Option(names = "--table", paramLabel = "NS.TABLE", description = "Target table (default: do_state.changes).")
  String table;

  @Option(names = "--catalog-type", paramLabel = "TYPE", description = "local (embedded, default) or rest.")
  String catalogType;

  @Option(names = "--catalog-uri", paramLabel = "URI", description = "REST catalog URI.")
  String catalogUri;

  @Option(names = "--warehouse", paramLabel = "WAREHOUSE", description = "Warehouse: a directory for local (default ./floe-warehouse), the warehouse name for rest.")
  String warehouse;

  @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3 API endpoint (R2, MinIO).")
  String s3Endpoint;

  @Option(names = "--s3-profile", paramLabel = "PROFILE", description = "aws, r2 or minio: presets each store's quirks.")
  String s3Profile;

  @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE", description = "Any other setting, e.g. -D write.target-file-size=64MB.")
  Map<String, String> extra = new HashMap<>();

  private static void putGiven(Map<String, String> target, Map<String, String> values) {
    values.forEach((key, value) -> {
      if (value != null) {
        target.put(key, value);
      }
    });
  }

  Settings settings(Map<String, String> env, Map<String, String> commandFlags) {
    Settings settings = Settings.empty();
    Path file = config != null ? config : env.containsKey("FLOE_CONFIG") ? Path.of(env.get("FLOE_CONFIG")) : null;
    if (file == null && Files.isRegularFile(Path.of(DEFAULT_CONFIG_FILE))) {
      file = Path.of(DEFAULT_CONFIG_FILE);
    }
    if (file != null) {
      settings = Settings.fromFile(file);
    }
    Set<String> known = new HashSet<>(IngestConfig.keys());
    known.addAll(CatalogConfig.keys());
    known.addAll(dev.floe.core.source.SourceConfig.keys());
    known.addAll(dev.floe.core.maintenance.MaintenanceConfig.keys());
    known.addAll(dev.floe.server.ServeConfig.keys());
    settings = settings.withEnvironment(env, known);
    // -D values first, then the named options, then the command's own flags; an option or flag
    // that was not given never hides a value set before it.
    Map<String, String> flags = new HashMap<>(extra);
    Map<String, String> named = new HashMap<>();
    named.put(IngestConfig.TABLE, table);
    named.put("catalog.type", catalogType);
    named.put("catalog.uri", catalogUri);
    named.put("warehouse", warehouse);
    named.put("s3.endpoint", s3Endpoint);
    named.put("s3.profile", s3Profile);
    putGiven(flags, named);
    putGiven(flags, commandFlags);
    return settings.withFlags(flags, CatalogConfig::isSecret);
  }
}
