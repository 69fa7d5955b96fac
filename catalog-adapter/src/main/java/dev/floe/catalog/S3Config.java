package dev.floe.catalog;

import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Secret;
import dev.floe.core.config.Settings;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.aws.s3.S3FileIOProperties;

/**
 * How floe reaches S3-compatible storage through Iceberg's {@code S3FileIO}. Values are effective
 * ones: whatever the user left unset and the {@link #profile()} presets is already filled in.
 *
 * <p>Keys: {@value #PROFILE} ({@code aws}, {@code r2}, {@code minio}), {@value #ENDPOINT}, {@value
 * #REGION}, {@value #PATH_STYLE}, {@value #CHUNKED_ENCODING}, {@value #ACCESS_KEY_ID}, {@value
 * #SECRET_ACCESS_KEY} and {@value #SESSION_TOKEN} (secrets, also read from {@code <key>-file}; the
 * standard {@code AWS_*} variables map onto them), {@value #REQUEST_CHECKSUM_CALCULATION} and
 * {@value #RESPONSE_CHECKSUM_VALIDATION} ({@code when-supported}, {@code when-required}). Any other
 * {@code s3.*} key that Iceberg's {@code S3FileIOProperties} defines (e.g. {@code
 * s3.multipart.part-size-bytes}, {@code s3.write.tags.<tag>}) is passed to Iceberg unchanged; an
 * {@code s3.*} key that neither floe nor Iceberg knows is rejected as a likely typo.
 *
 * @param properties the pass-through {@code s3.*} Iceberg properties
 */
public record S3Config(
    S3Profile profile,
    Optional<URI> endpoint,
    Optional<String> region,
    Optional<Boolean> pathStyle,
    Optional<Boolean> chunkedEncoding,
    Optional<Credentials> credentials,
    Optional<ChecksumMode> requestChecksumCalculation,
    Optional<ChecksumMode> responseChecksumValidation,
    Map<String, String> properties) {

  public static final String PREFIX = "s3.";
  public static final String PROFILE = "s3.profile";
  public static final S3Profile DEFAULT_PROFILE = S3Profile.AWS;
  public static final String ENDPOINT = "s3.endpoint";
  public static final String REGION = "s3.region";
  public static final String PATH_STYLE = "s3.path-style";
  public static final String CHUNKED_ENCODING = "s3.chunked-encoding";
  public static final String ACCESS_KEY_ID = "s3.access-key-id";
  public static final String SECRET_ACCESS_KEY = "s3.secret-access-key";
  public static final String SESSION_TOKEN = "s3.session-token";
  public static final String REQUEST_CHECKSUM_CALCULATION = "s3.request-checksum-calculation";
  public static final String RESPONSE_CHECKSUM_VALIDATION = "s3.response-checksum-validation";

  static final Set<String> SECRET_KEYS = Set.of(SECRET_ACCESS_KEY, SESSION_TOKEN);
  static final Set<String> KEYS =
      Set.of(
          PROFILE,
          ENDPOINT,
          REGION,
          PATH_STYLE,
          CHUNKED_ENCODING,
          ACCESS_KEY_ID,
          SECRET_ACCESS_KEY,
          SECRET_ACCESS_KEY + "-file",
          SESSION_TOKEN,
          SESSION_TOKEN + "-file",
          REQUEST_CHECKSUM_CALCULATION,
          RESPONSE_CHECKSUM_VALIDATION);

  private static final IcebergS3Keys ICEBERG_S3_KEYS = IcebergS3Keys.load();

  /** Static S3 credentials; the session token is present only for temporary credentials. */
  public record Credentials(
      String accessKeyId, Secret secretAccessKey, Optional<Secret> sessionToken) {
    public Credentials {
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      Objects.requireNonNull(secretAccessKey, "secretAccessKey");
      Objects.requireNonNull(sessionToken, "sessionToken");
    }

    @Override
    public String toString() {
      return accessKeyId
          + ":"
          + secretAccessKey
          + sessionToken.map(token -> " session " + token).orElse("");
    }
  }

  public S3Config {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(pathStyle, "pathStyle");
    Objects.requireNonNull(chunkedEncoding, "chunkedEncoding");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(requestChecksumCalculation, "requestChecksumCalculation");
    Objects.requireNonNull(responseChecksumValidation, "responseChecksumValidation");
    properties = Map.copyOf(properties);
  }

  /** The S3 settings of {@code settings}, with the presets of their profile applied. */
  public static S3Config from(Settings settings) {
    S3Profile profile =
        settings
            .string(PROFILE)
            .map(text -> settings.parse(PROFILE, text, S3Profile::parse))
            .orElse(DEFAULT_PROFILE);
    Optional<URI> endpoint =
        settings.string(ENDPOINT).map(text -> settings.parse(ENDPOINT, text, S3Config::httpUri));
    Optional<String> region = settings.string(REGION).or(profile::region);
    if (region.isPresent() && region.get().isBlank()) {
      throw new InvalidConfigException(
          "Invalid value for " + REGION + " (" + settings.origin(REGION) + "): it is blank");
    }
    Optional<Boolean> pathStyle = optionalBool(settings, PATH_STYLE).or(profile::pathStyle);
    Optional<Boolean> chunked =
        optionalBool(settings, CHUNKED_ENCODING).or(profile::chunkedEncoding);
    Optional<ChecksumMode> requestChecksum =
        checksumMode(settings, REQUEST_CHECKSUM_CALCULATION).or(profile::checksumMode);
    Optional<ChecksumMode> responseChecksum =
        checksumMode(settings, RESPONSE_CHECKSUM_VALIDATION).or(profile::checksumMode);
    return new S3Config(
        profile,
        endpoint,
        region,
        pathStyle,
        chunked,
        credentials(settings),
        requestChecksum,
        responseChecksum,
        passThrough(settings));
  }

  private static Optional<Credentials> credentials(Settings settings) {
    Optional<String> accessKeyId = settings.string(ACCESS_KEY_ID);
    Optional<Secret> secretAccessKey = settings.secret(SECRET_ACCESS_KEY);
    Optional<Secret> sessionToken = settings.secret(SESSION_TOKEN);
    if (accessKeyId.isEmpty() && secretAccessKey.isEmpty()) {
      if (sessionToken.isPresent()) {
        throw CatalogConfig.requiredWhen(ACCESS_KEY_ID, SESSION_TOKEN + " is set");
      }
      return Optional.empty();
    }
    if (secretAccessKey.isEmpty()) {
      throw CatalogConfig.requiredWhen(SECRET_ACCESS_KEY, ACCESS_KEY_ID + " is set");
    }
    if (accessKeyId.isEmpty()) {
      throw CatalogConfig.requiredWhen(ACCESS_KEY_ID, SECRET_ACCESS_KEY + " is set");
    }
    return Optional.of(new Credentials(accessKeyId.get(), secretAccessKey.get(), sessionToken));
  }

  /** Every {@code s3.*} key that is not a floe key and that Iceberg's S3FileIO understands. */
  private static Map<String, String> passThrough(Settings settings) {
    Map<String, String> properties = new TreeMap<>();
    for (String key : settings.keys()) {
      if (!key.startsWith(PREFIX) || KEYS.contains(key)) {
        continue;
      }
      if (!ICEBERG_S3_KEYS.contains(key)) {
        throw new InvalidConfigException(
            "Invalid config: unknown key "
                + key
                + " ("
                + settings.origin(key)
                + "): it is neither a floe key ("
                + String.join(", ", new TreeSet<>(KEYS))
                + ") nor an Iceberg S3FileIO property; to pass it to Iceberg anyway, set "
                + CatalogConfig.PROPERTY_PREFIX
                + key);
      }
      properties.put(key, settings.string(key).orElseThrow());
    }
    return properties;
  }

  private static Optional<Boolean> optionalBool(Settings settings, String key) {
    return settings.contains(key) ? Optional.of(settings.bool(key, false)) : Optional.empty();
  }

  private static Optional<ChecksumMode> checksumMode(Settings settings, String key) {
    return settings.string(key).map(text -> settings.parse(key, text, ChecksumMode::parse));
  }

  /**
   * An absolute http or https URI with a host, e.g. {@code
   * https://<account>.r2.cloudflarestorage.com}.
   */
  static URI httpUri(String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new InvalidConfigException("not a URI: " + e.getReason());
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null) {
      throw new InvalidConfigException("expected an http:// or https:// URL with a host");
    }
    return uri;
  }

  @Override
  public String toString() {
    return "S3Config{profile="
        + profile
        + endpoint.map(value -> ", endpoint=" + value).orElse("")
        + region.map(value -> ", region=" + value).orElse("")
        + pathStyle.map(value -> ", pathStyle=" + value).orElse("")
        + chunkedEncoding.map(value -> ", chunkedEncoding=" + value).orElse("")
        + credentials.map(value -> ", credentials=" + value).orElse("")
        + requestChecksumCalculation
            .map(value -> ", requestChecksumCalculation=" + value)
            .orElse("")
        + responseChecksumValidation
            .map(value -> ", responseChecksumValidation=" + value)
            .orElse("")
        + (properties.isEmpty()
            ? ""
            : ", properties=" + Redaction.toString(new TreeMap<>(properties)))
        + "}";
  }

  /**
   * The {@code s3.*} property names of the Iceberg on the classpath, read from the constants of
   * {@code S3FileIOProperties} so that a new Iceberg release brings its new keys along. Constants
   * ending in a dot are prefixes ({@code s3.write.tags.}).
   */
  private record IcebergS3Keys(Set<String> names, Set<String> prefixes) {
    static IcebergS3Keys load() {
      Set<String> names = new TreeSet<>();
      Set<String> prefixes = new TreeSet<>();
      for (Field field : S3FileIOProperties.class.getFields()) {
        int modifiers = field.getModifiers();
        if (field.getType() != String.class
            || !Modifier.isStatic(modifiers)
            || !Modifier.isFinal(modifiers)) {
          continue;
        }
        try {
          String value = (String) field.get(null);
          if (value != null && value.startsWith(PREFIX)) {
            (value.endsWith(".") ? prefixes : names).add(value);
          }
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("Cannot read " + field, e);
        }
      }
      return new IcebergS3Keys(Set.copyOf(names), Set.copyOf(prefixes));
    }

    boolean contains(String key) {
      return names.contains(key) || prefixes.stream().anyMatch(key::startsWith);
    }
  }
}
