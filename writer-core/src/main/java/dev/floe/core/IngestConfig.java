package dev.floe.core;

import dev.floe.core.commit.CommitOptions;
import dev.floe.core.config.DataSize;
import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Settings;
import dev.floe.core.decode.DecodeLimits;
import dev.floe.core.decode.TimestampWindow;
import dev.floe.core.decode.ValueRules;
import dev.floe.core.schema.EventSchemas;
import dev.floe.core.schema.StreamDefinition;
import dev.floe.core.table.PartitionSpecs;
import dev.floe.core.table.TableDefinition;
import dev.floe.core.write.WriteOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Everything an ingest needs besides the catalog, built from {@link Settings} in one place. Each
 * key is declared here beside its default; any other {@code write.*} key is an Iceberg table
 * property and passes through unchanged.
 */
public record IngestConfig(
    TableIdentifier table,
    TableDefinition definition,
    WriteOptions write,
    String filter,
    DecodeLimits limits,
    ValueRules rules,
    CommitOptions commit,
    RunLimits run,
    Optional<Path> deadLetterDirectory) {

  public static final String TABLE = "table";
  public static final String DEFAULT_TABLE = "do_state.changes";
  public static final String SCHEMA_FILE = "schema.file";
  public static final String PARTITION_SPEC = "table.partition-spec";
  public static final String DEFAULT_PARTITION_SPEC = "day(timestamp)";
  public static final String SORT_ORDER = "table.sort-order";
  public static final String DEFAULT_SORT_ORDER = "do_id,seq";
  public static final String TARGET_FILE_SIZE = "write.target-file-size";
  public static final String MAX_OPEN_FILES = "write.max-open-files";
  public static final String ROW_GROUP_SIZE = "write.row-group-size";
  public static final String ZSTD_LEVEL = "write.zstd-level";
  public static final String BLOOM_FILTER_COLUMNS = "write.bloom-filter-columns";
  public static final String FILTER = "filter";
  public static final String MAX_LINE_BYTES = "decode.max-line-bytes";
  /** Earliest timestamp accepted (inclusive), RFC 3339 or a date; default {@link TimestampWindow#DEFAULT_MIN}. */
  public static final String TIMESTAMP_MIN = "decode.timestamp-min";
  /** Timestamps from here on are rejected; default {@link TimestampWindow#DEFAULT_MAX}. */
  public static final String TIMESTAMP_MAX = "decode.timestamp-max";
  /** Optional: reject timestamps more than this before the run's start (a duration; unset by default). */
  public static final String TIMESTAMP_MAX_PAST = "decode.timestamp-max-past";
  /** Optional: reject timestamps more than this after the run's start (a duration; unset by default). */
  public static final String TIMESTAMP_MAX_FUTURE = "decode.timestamp-max-future";
  public static final String COMMIT_MAX_ATTEMPTS = "commit.max-attempts";
  public static final String COMMIT_RETRY_BACKOFF = "commit.retry-backoff";
  public static final String DEAD_LETTER_DIR = "dead-letter.dir";
  public static final String DEFAULT_DEAD_LETTER_DIR = "floe-dead-letter";

  /** Table properties floe sets when it creates a table, besides the Parquet write settings. */
  static final Map<String, String> CREATE_PROPERTIES =
      Map.of(
          "format-version", "2",
          "write.metadata.delete-after-commit.enabled", "true",
          "write.metadata.previous-versions-max",
          Integer.toString(dev.floe.core.maintenance.ManifestOptions.DEFAULT_PREVIOUS_VERSIONS_MAX),
          "write.metadata.metrics.default", "truncate(16)");

  public static Set<String> keys() {
    return Set.of(
        TABLE, SCHEMA_FILE, PARTITION_SPEC, SORT_ORDER, TARGET_FILE_SIZE, MAX_OPEN_FILES,
        ROW_GROUP_SIZE, ZSTD_LEVEL, BLOOM_FILTER_COLUMNS, FILTER, MAX_LINE_BYTES, TIMESTAMP_MIN,
        TIMESTAMP_MAX, TIMESTAMP_MAX_PAST, TIMESTAMP_MAX_FUTURE,
        COMMIT_MAX_ATTEMPTS, COMMIT_RETRY_BACKOFF, CommitOptions.DEDUPE_WINDOW, DEAD_LETTER_DIR, RunLimits.MAX_EVENTS,
        RunLimits.MAX_BYTES, RunLimits.MAX_DURATION, RunLimits.MAX_REJECT_RATIO, RunLimits.READ_AHEAD);
  }

  /** The defaults: the state-change event table {@value #DEFAULT_TABLE} with dead letters logged. */
  public static IngestConfig defaults() {
    return from(Settings.empty()).withoutDeadLetterDirectory();
  }

  public static IngestConfig from(Settings settings) {
    TableIdentifier table = settings.parse(TABLE, settings.string(TABLE, DEFAULT_TABLE), IngestConfig::tableId);
    Optional<String> schemaFile = settings.string(SCHEMA_FILE);
    StreamDefinition stream =
        schemaFile.map(file -> settings.parse(SCHEMA_FILE, file, f -> EventSchemas.loadDefinition(Path.of(f))))
            .orElseGet(EventSchemas::defaultDefinition);
    Schema schema = stream.schema();
    WriteOptions write =
        new WriteOptions(
            settings.size(TARGET_FILE_SIZE, WriteOptions.DEFAULT_TARGET_FILE_SIZE),
            settings.integer(MAX_OPEN_FILES, WriteOptions.DEFAULT_MAX_OPEN_FILES),
            settings.size(ROW_GROUP_SIZE, WriteOptions.DEFAULT_ROW_GROUP_SIZE),
            settings.integer(ZSTD_LEVEL, WriteOptions.DEFAULT_ZSTD_LEVEL),
            bloomFilterColumns(settings, schema));
    Map<String, String> properties = new TreeMap<>(CREATE_PROPERTIES);
    properties.putAll(write.parquetProperties());
    for (String key : settings.keys()) {
      if (key.startsWith("write.") && !keys().contains(key)) {
        properties.put(key, settings.string(key).orElseThrow());
      }
    }
    TableDefinition definition =
        settings.parse(
            PARTITION_SPEC,
            // A stream without a timestamp column (an unstructured one) has nothing to partition by.
            settings.string(PARTITION_SPEC, schema.findField("timestamp") != null ? DEFAULT_PARTITION_SPEC : "none"),
            spec ->
                new TableDefinition(
                    schema,
                    schemaFile.isPresent(),
                    PartitionSpecs.parse(spec, schema),
                    sortColumns(settings, schema),
                    properties));
    DataSize maxLine = settings.size(MAX_LINE_BYTES, DataSize.ofBytes(DecodeLimits.defaults().maxLineBytes()));
    DecodeLimits defaults = DecodeLimits.defaults();
    DecodeLimits limits =
        new DecodeLimits(
            Math.toIntExact(Math.min(maxLine.bytes(), Integer.MAX_VALUE - 16)),
            defaults.maxFields(),
            defaults.maxNestingDepth());
    TimestampWindow window = timestampWindow(settings);
    // The built-in event schema limits its ops; a definition file states its own rules.
    ValueRules rules = stream.rules(window);
    CommitOptions commit =
        new CommitOptions(
            settings.integer(COMMIT_MAX_ATTEMPTS, CommitOptions.DEFAULT_MAX_ATTEMPTS),
            settings.duration(COMMIT_RETRY_BACKOFF, CommitOptions.DEFAULT_INITIAL_BACKOFF),
            CommitOptions.DEFAULT_MAX_BACKOFF,
            settings.duration(CommitOptions.DEDUPE_WINDOW, CommitOptions.DEFAULT_DEDUPE_WINDOW));
    return new IngestConfig(
        table,
        definition,
        write,
        settings.string(FILTER, ""),
        limits,
        rules,
        commit,
        RunLimits.from(settings),
        deadLetterS3Prefix(settings).isPresent()
            ? Optional.empty()
            : Optional.of(Path.of(settings.string(DEAD_LETTER_DIR, DEFAULT_DEAD_LETTER_DIR))));
  }

  /**
   * The S3 prefix dead letters go to when {@value #DEAD_LETTER_DIR} is an {@code s3://} URI (the
   * caller builds the S3 client for it; {@link #deadLetterDirectory()} is then empty).
   */
  public static Optional<String> deadLetterS3Prefix(Settings settings) {
    return settings.string(DEAD_LETTER_DIR).filter(location -> location.startsWith("s3://"));
  }

  public IngestConfig withoutDeadLetterDirectory() {
    return new IngestConfig(table, definition, write, filter, limits, rules, commit, run, Optional.empty());
  }

  public IngestConfig withWrite(WriteOptions options) {
    return new IngestConfig(table, definition, options, filter, limits, rules, commit, run, deadLetterDirectory);
  }

  public IngestConfig withFilter(String expression) {
    return new IngestConfig(table, definition, write, expression, limits, rules, commit, run, deadLetterDirectory);
  }

  public IngestConfig withRunLimits(RunLimits runLimits) {
    return new IngestConfig(table, definition, write, filter, limits, rules, commit, runLimits, deadLetterDirectory);
  }

  public IngestConfig withCommit(CommitOptions options) {
    return new IngestConfig(table, definition, write, filter, limits, rules, options, run, deadLetterDirectory);
  }

  public IngestConfig withTable(TableIdentifier id) {
    return new IngestConfig(id, definition, write, filter, limits, rules, commit, run, deadLetterDirectory);
  }

  public IngestConfig withDeadLetterDirectory(Path directory) {
    return new IngestConfig(table, definition, write, filter, limits, rules, commit, run, Optional.of(directory));
  }

  private static TimestampWindow timestampWindow(Settings settings) {
    Instant min = settings.parse(TIMESTAMP_MIN, settings.string(TIMESTAMP_MIN, TimestampWindow.DEFAULT_MIN.toString()), IngestConfig::instant);
    Instant max = settings.parse(TIMESTAMP_MAX, settings.string(TIMESTAMP_MAX, TimestampWindow.DEFAULT_MAX.toString()), IngestConfig::instant);
    Optional<Duration> maxPast = optionalDuration(settings, TIMESTAMP_MAX_PAST);
    Optional<Duration> maxFuture = optionalDuration(settings, TIMESTAMP_MAX_FUTURE);
    // Checked here with the key, before the window checks them again without it.
    maxPast.ifPresent(d -> TimestampWindow.requirePositive(TIMESTAMP_MAX_PAST + " (" + settings.origin(TIMESTAMP_MAX_PAST) + ")", d));
    maxFuture.ifPresent(d -> TimestampWindow.requirePositive(TIMESTAMP_MAX_FUTURE + " (" + settings.origin(TIMESTAMP_MAX_FUTURE) + ")", d));
    try {
      return new TimestampWindow(min, max, maxPast, maxFuture);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          "Invalid value for " + TIMESTAMP_MIN + " (" + settings.origin(TIMESTAMP_MIN) + ") and " + TIMESTAMP_MAX
              + " (" + settings.origin(TIMESTAMP_MAX) + "): " + e.getMessage(), e);
    }
  }

  /** An instant as RFC 3339 ({@code 2000-01-01T00:00:00Z}) or a date ({@code 2000-01-01}, midnight UTC). */
  static Instant instant(String text) {
    String trimmed = text.trim();
    try {
      if (trimmed.length() == 10) {
        return LocalDate.parse(trimmed).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(trimmed).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected an RFC 3339 timestamp such as 2000-01-01T00:00:00Z, or a date");
    }
  }

  private static Optional<Duration> optionalDuration(Settings settings, String key) {
    return settings.contains(key) ? Optional.of(settings.duration(key, Duration.ZERO)) : Optional.empty();
  }

  /** {@code namespace.table}; a multi-level namespace is written {@code a.b.table}. */
  public static TableIdentifier tableId(String text) {
    String[] parts = text.trim().split("\\.");
    if (parts.length < 2 || Arrays.stream(parts).anyMatch(String::isBlank)) {
      throw new InvalidConfigException("expected namespace.table, e.g. " + DEFAULT_TABLE);
    }
    return TableIdentifier.parse(text.trim());
  }

  private static List<String> bloomFilterColumns(Settings settings, Schema schema) {
    if (!settings.contains(BLOOM_FILTER_COLUMNS)) {
      return WriteOptions.DEFAULT_BLOOM_FILTER_COLUMNS.stream()
          .filter(column -> schema.findField(column) != null)
          .toList();
    }
    List<String> columns = list(settings.string(BLOOM_FILTER_COLUMNS).orElseThrow());
    for (String column : columns) {
      if (schema.findField(column) == null) {
        throw new InvalidConfigException(
            "Invalid value for " + BLOOM_FILTER_COLUMNS + " (" + settings.origin(BLOOM_FILTER_COLUMNS)
                + "): unknown column '" + column + "'");
      }
    }
    return columns;
  }

  private static List<String> sortColumns(Settings settings, Schema schema) {
    if (settings.contains(SORT_ORDER)) {
      return list(settings.string(SORT_ORDER).orElseThrow());
    }
    // The default (do_id, seq) only applies to schemas that have those columns.
    List<String> columns = new ArrayList<>();
    for (String column : list(DEFAULT_SORT_ORDER)) {
      if (schema.findField(column) == null) {
        return List.of();
      }
      columns.add(column);
    }
    return columns;
  }

  private static List<String> list(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
