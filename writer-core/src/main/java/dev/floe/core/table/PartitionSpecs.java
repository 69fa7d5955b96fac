package dev.floe.core.table;

import dev.floe.core.config.InvalidConfigException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;

/**
 * Partition specs written as text, the way Spark's {@code PARTITIONED BY} and Iceberg's docs write
 * them: {@code day(timestamp)}, {@code day(timestamp), identity(ns)}, {@code bucket(16, do_id)},
 * {@code truncate(4, key)}; {@code none} for an unpartitioned table.
 */
public final class PartitionSpecs {
  private static final Pattern TERM =
      Pattern.compile("\\s*([a-z_]+)\\s*\\(\\s*(?:(\\d+)\\s*,\\s*)?([^()\\s,]+)\\s*\\)\\s*|\\s*([^()\\s,]+)\\s*");

  private PartitionSpecs() {}

  public static PartitionSpec parse(String text, Schema schema) {
    String trimmed = text.trim();
    if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("none")) {
      return PartitionSpec.unpartitioned();
    }
    PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
    for (String term : trimmed.split(",(?![^(]*\\))")) {
      Matcher matcher = TERM.matcher(term);
      if (!matcher.matches()) {
        throw invalid(text, "cannot read '" + term.trim() + "'");
      }
      String column = matcher.group(3) != null ? matcher.group(3) : matcher.group(4);
      if (schema.findField(column) == null) {
        throw invalid(text, "unknown column '" + column + "'");
      }
      String transform =
          matcher.group(1) == null ? "identity" : matcher.group(1).toLowerCase(Locale.ROOT);
      Integer width = matcher.group(2) == null ? null : Integer.valueOf(matcher.group(2));
      try {
        add(builder, transform, width, column);
      } catch (IllegalArgumentException e) {
        throw invalid(text, e.getMessage());
      }
    }
    return builder.build();
  }

  private static void add(PartitionSpec.Builder builder, String transform, Integer width, String column) {
    boolean needsWidth = transform.equals("bucket") || transform.equals("truncate");
    if (needsWidth != (width != null)) {
      throw new InvalidConfigException(
          needsWidth
              ? transform + " needs a width, e.g. " + transform + "(16, " + column + ")"
              : transform + " takes no width");
    }
    switch (transform) {
      case "identity" -> builder.identity(column);
      case "year", "years" -> builder.year(column);
      case "month", "months" -> builder.month(column);
      case "day", "days" -> builder.day(column);
      case "hour", "hours" -> builder.hour(column);
      case "bucket" -> builder.bucket(column, width);
      case "truncate" -> builder.truncate(column, width);
      default -> throw new InvalidConfigException("unknown transform '" + transform + "'");
    }
  }

  private static InvalidConfigException invalid(String text, String reason) {
    return new InvalidConfigException("Invalid partition spec '" + text + "': " + reason);
  }
}
