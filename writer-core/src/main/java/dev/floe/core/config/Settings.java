package dev.floe.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Layered configuration: a properties file, then {@code FLOE_*} environment variables, then
 * command-line flags, each layer overriding the one before. Keys are kebab-case with a dot
 * hierarchy ({@code write.target-file-size}); the environment name of a key is {@code FLOE_} plus
 * the key upper-cased with dots and dashes turned into underscores ({@code
 * FLOE_WRITE_TARGET_FILE_SIZE}). Every value remembers where it came from, so an invalid value is
 * reported with its origin.
 *
 * <p>Secret keys (see {@link #secret(String)}) are refused from flags, so a credential never shows
 * in a process list.
 */
public final class Settings {
  private static final String ENV_PREFIX = "FLOE_";

  /** Standard names that map onto floe keys, so existing AWS environments work unchanged. */
  private static final Map<String, String> ENV_ALIASES =
      Map.of(
          "AWS_ACCESS_KEY_ID", "s3.access-key-id",
          "AWS_SECRET_ACCESS_KEY", "s3.secret-access-key",
          "AWS_SESSION_TOKEN", "s3.session-token");

  private final Map<String, Value> values;

  private record Value(String text, String origin) {}

  private Settings(Map<String, Value> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  public static Settings empty() {
    return new Settings(new TreeMap<>());
  }

  /** Settings given directly, e.g. by a library caller; the origin is reported as {@code origin}. */
  public static Settings of(Map<String, String> map, String origin) {
    return empty().withLayer(map, origin);
  }

  /** Reads a properties file; keys are floe keys. */
  public static Settings fromFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new InvalidConfigException("Cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> map = new TreeMap<>();
    properties.stringPropertyNames().forEach(key -> map.put(key, properties.getProperty(key).trim()));
    return of(map, "config file " + file);
  }

  /**
   * Adds the {@code FLOE_*} variables (and the standard AWS credential variables) of {@code env}
   * on top of these settings. {@code FLOE_FOO_BAR} sets the key whose environment name it is; a
   * variable that names no key in {@code knownKeys} is ignored, since the environment is shared
   * with other programs.
   */
  public Settings withEnvironment(Map<String, String> env, Set<String> knownKeys) {
    Map<String, String> envNameToKey = new LinkedHashMap<>();
    for (String key : knownKeys) {
      envNameToKey.put(environmentName(key), key);
    }
    Map<String, Value> merged = new TreeMap<>(values);
    env.forEach(
        (name, text) -> {
          String key = ENV_ALIASES.containsKey(name) ? ENV_ALIASES.get(name) : envNameToKey.get(name);
          if (key != null && text != null && !text.isBlank()) {
            boolean aliasShadowedByFloeName =
                ENV_ALIASES.containsKey(name) && env.containsKey(environmentName(key));
            if (!aliasShadowedByFloeName) {
              merged.put(key, new Value(text.trim(), "environment variable " + name));
            }
          }
        });
    return new Settings(merged);
  }

  /** Adds values on top of these settings, e.g. command-line flags; null values are skipped. */
  public Settings withLayer(Map<String, String> layer, String origin) {
    Map<String, Value> merged = new TreeMap<>(values);
    layer.forEach(
        (key, text) -> {
          if (text != null) {
            merged.put(key, new Value(text, origin));
          }
        });
    return new Settings(merged);
  }

  /** Adds command-line flags; refuses any key that {@code isSecret} marks as a credential. */
  public Settings withFlags(Map<String, String> flags, java.util.function.Predicate<String> isSecret) {
    for (String key : flags.keySet()) {
      if (isSecret.test(key) && flags.get(key) != null) {
        throw new InvalidConfigException(
            "Invalid option for "
                + key
                + ": secrets are not accepted on the command line (they would show in the process"
                + " list); set "
                + environmentName(key)
                + " or put it in the config file");
      }
    }
    return withLayer(flags, "command line");
  }

  public static String environmentName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public Set<String> keys() {
    return new TreeSet<>(values.keySet());
  }

  public boolean contains(String key) {
    return values.containsKey(key);
  }

  public Optional<String> string(String key) {
    return Optional.ofNullable(values.get(key)).map(Value::text);
  }

  public String string(String key, String defaultValue) {
    return string(key).orElse(defaultValue);
  }

  /**
   * A credential: the value of {@code key}, or the contents of the file named by {@code
   * key-file} (trailing newline removed), so secrets can come from mounted secret files.
   */
  public Optional<Secret> secret(String key) {
    Optional<String> direct = string(key);
    if (direct.isPresent()) {
      return direct.map(Secret::of);
    }
    return string(key + "-file")
        .map(
            path -> {
              try {
                return Secret.of(Files.readString(Path.of(path), StandardCharsets.UTF_8).strip());
              } catch (IOException | IllegalArgumentException e) {
                throw new InvalidConfigException(
                    "Cannot read secret file for " + key + " (" + origin(key + "-file") + "): " + path,
                    e);
              }
            });
  }

  public boolean bool(String key, boolean defaultValue) {
    return string(key).map(text -> parse(key, text, Settings::parseBoolean)).orElse(defaultValue);
  }

  public int integer(String key, int defaultValue) {
    return string(key).map(text -> parse(key, text, Integer::parseInt)).orElse(defaultValue);
  }

  public long longValue(String key, long defaultValue) {
    return string(key).map(text -> parse(key, text, Long::parseLong)).orElse(defaultValue);
  }

  public double decimal(String key, double defaultValue) {
    return string(key).map(text -> parse(key, text, Double::parseDouble)).orElse(defaultValue);
  }

  public DataSize size(String key, DataSize defaultValue) {
    return string(key).map(text -> parse(key, text, DataSize::parse)).orElse(defaultValue);
  }

  /** Durations as {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, {@code 250ms} or ISO-8601. */
  public Duration duration(String key, Duration defaultValue) {
    return string(key).map(text -> parse(key, text, Settings::parseDuration)).orElse(defaultValue);
  }

  /** Where the value of {@code key} came from, e.g. {@code environment variable FLOE_TABLE}. */
  public String origin(String key) {
    Value value = values.get(key);
    return value == null ? "default" : value.origin();
  }

  /** Fails when a value cannot be parsed, naming the key, the value and its origin. */
  public <T> T parse(String key, String text, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(text);
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new InvalidConfigException(
          "Invalid value for " + key + " (" + origin(key) + "): '" + text + "': " + reason, e);
    }
  }

  public static Duration parseDuration(String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (trimmed.startsWith("p")) {
        return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
      }
      if (trimmed.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(trimmed.substring(0, trimmed.length() - 2).trim()));
      }
      long amount = Long.parseLong(trimmed.substring(0, trimmed.length() - 1).trim());
      return switch (trimmed.charAt(trimmed.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'd' -> Duration.ofDays(amount);
        default -> throw new InvalidConfigException("unknown unit");
      };
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new InvalidConfigException("expected a duration such as 30s, 5m, 2h, 7d or PT1H");
    }
  }

  /** A duration as a setting is written, which {@link #parseDuration} reads back: 10s, 5m, 2h, 7d, 1500ms. */
  public static String formatDuration(Duration duration) {
    if (duration.getNano() != 0) {
      return duration.toMillis() + "ms";
    }
    long seconds = duration.toSeconds();
    if (seconds != 0 && seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds != 0 && seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  private static boolean parseBoolean(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw new InvalidConfigException("expected true or false");
    };
  }

  /** Keys and origins only: values are left out because some of them may be credentials. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("Settings{");
    values.forEach((key, value) -> text.append(key).append(" from ").append(value.origin()).append("; "));
    return text.append('}').toString();
  }
}
