package dev.floe.catalog;

import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Secret;
import dev.floe.core.config.Settings;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which Iceberg catalog floe commits to, and how it reaches the catalog and its storage. Built and
 * validated by {@link #from(Settings)}; turned into an Iceberg {@code Catalog} by {@link
 * CatalogFactory}. Its {@code toString} never shows a credential.
 *
 * <p>Keys (the environment variable of each is {@link Settings#environmentName(String)}, e.g.
 * {@code FLOE_CATALOG_URI}):
 *
 * <ul>
 *   <li>{@value #TYPE}: {@code local} (default; Iceberg's JDBC catalog on SQLite in the warehouse
 *       directory) or {@code rest}
 *   <li>{@value #NAME}: the catalog name, default {@value #DEFAULT_NAME}; another JDBC client must
 *       use the same name to see floe's tables in the local catalog
 *   <li>{@value #URI}: the REST catalog URL (rest only, required)
 *   <li>{@value #WAREHOUSE}: rest: the warehouse the server knows (R2: {@code <account>_<bucket>}),
 *       optional; local: a directory, default {@value #DEFAULT_LOCAL_WAREHOUSE}
 *   <li>{@value #TOKEN}: a bearer token (secret); or OAuth2 client credentials {@value
 *       #OAUTH2_CLIENT_ID} and {@value #OAUTH2_CLIENT_SECRET} (secret), with optional {@value
 *       #OAUTH2_SERVER_URI} and {@value #OAUTH2_SCOPE}. Secrets may also be read from a file named
 *       by {@code <key>-file}, and are refused as command-line flags.
 *   <li>{@value #VENDED_CREDENTIALS}: ask the REST catalog for per-table storage credentials
 *       (default false)
 *   <li>{@code s3.*}: storage, see {@link S3Config} (rest only)
 *   <li>{@code transport.*}: plaintext policy and extra trusted CAs, see {@link TransportConfig}
 *   <li>{@value #PROPERTY_PREFIX}{@code <iceberg-key>}: any Iceberg catalog property, passed
 *       unchanged, e.g. {@code catalog.property.http-client.apache.max-connections=50}. These come
 *       from the config file or flags: environment variable names cannot carry an arbitrary key.
 * </ul>
 *
 * <p>A pass-through property may override a default floe picks (such as {@code io-impl}) but not a
 * property floe derives from one of its own keys: {@code catalog.property.client.region} is
 * rejected in favour of {@code s3.region}, so each setting has exactly one name.
 *
 * @param warehouse for {@link CatalogType#LOCAL}, an absolute directory path
 * @param properties pass-through Iceberg catalog properties, keyed without the prefix
 */
public record CatalogConfig(
    CatalogType type,
    String name,
    Optional<URI> uri,
    Optional<String> warehouse,
    CatalogAuth auth,
    boolean vendedCredentials,
    S3Config s3,
    TransportConfig transport,
    Map<String, String> properties) {

  public static final String TYPE = "catalog.type";
  public static final CatalogType DEFAULT_TYPE = CatalogType.LOCAL;
  public static final String NAME = "catalog.name";
  public static final String DEFAULT_NAME = "floe";
  public static final String URI = "catalog.uri";
  public static final String WAREHOUSE = "warehouse";
  public static final String DEFAULT_LOCAL_WAREHOUSE = "./floe-warehouse";
  public static final String TOKEN = "catalog.token";
  public static final String OAUTH2_CLIENT_ID = "catalog.oauth2.client-id";
  public static final String OAUTH2_CLIENT_SECRET = "catalog.oauth2.client-secret";
  public static final String OAUTH2_SERVER_URI = "catalog.oauth2.server-uri";
  public static final String OAUTH2_SCOPE = "catalog.oauth2.scope";
  public static final String VENDED_CREDENTIALS = "catalog.vended-credentials";
  public static final String PROPERTY_PREFIX = "catalog.property.";

  private static final String CATALOG_PREFIX = "catalog.";
  private static final Pattern URI_WITH_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");
  private static final Set<String> SECRET_KEYS = Set.of(TOKEN, OAUTH2_CLIENT_SECRET);
  private static final Set<String> CATALOG_KEYS =
      Set.of(
          TYPE,
          NAME,
          URI,
          WAREHOUSE,
          TOKEN,
          TOKEN + "-file",
          OAUTH2_CLIENT_ID,
          OAUTH2_CLIENT_SECRET,
          OAUTH2_CLIENT_SECRET + "-file",
          OAUTH2_SERVER_URI,
          OAUTH2_SCOPE,
          VENDED_CREDENTIALS);

  /**
   * Keys that only mean something to a REST catalog, so setting them with a local one is a mistake.
   */
  private static final Set<String> REST_ONLY_KEYS =
      Set.of(
          URI,
          TOKEN,
          TOKEN + "-file",
          OAUTH2_CLIENT_ID,
          OAUTH2_CLIENT_SECRET,
          OAUTH2_CLIENT_SECRET + "-file",
          OAUTH2_SERVER_URI,
          OAUTH2_SCOPE);

  public CatalogConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(warehouse, "warehouse");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(s3, "s3");
    Objects.requireNonNull(transport, "transport");
    properties = Map.copyOf(properties);
    if (type == CatalogType.REST && uri.isEmpty()) {
      throw new InvalidConfigException("Invalid catalog config: a REST catalog needs a URI");
    }
    if (type == CatalogType.LOCAL
        && (warehouse.isEmpty() || !Path.of(warehouse.get()).isAbsolute())) {
      throw new InvalidConfigException(
          "Invalid catalog config: a local catalog needs an absolute warehouse directory");
    }
  }

  /**
   * Reads and validates the catalog settings.
   *
   * @throws IllegalArgumentException naming the key, and its origin or environment variable, when a
   *     value is missing, malformed or contradicts another; the message never contains a secret
   */
  public static CatalogConfig from(Settings settings) {
    checkUnknownKeys(settings);
    CatalogType type =
        settings
            .string(TYPE)
            .map(text -> settings.parse(TYPE, text, CatalogType::parse))
            .orElse(DEFAULT_TYPE);
    String name = settings.string(NAME, DEFAULT_NAME).trim();
    if (name.isEmpty()) {
      throw new InvalidConfigException(
          "Invalid value for " + NAME + " (" + settings.origin(NAME) + "): it is blank");
    }
    CatalogConfig config = type == CatalogType.REST ? rest(settings, name) : local(settings, name);
    IcebergCatalogProperties.validate(config);
    PlaintextPolicy.check(config, settings);
    return config;
  }

  private static CatalogConfig rest(Settings settings, String name) {
    URI uri =
        settings
            .string(URI)
            .map(text -> settings.parse(URI, text, S3Config::httpUri))
            .orElseThrow(() -> requiredWhen(URI, TYPE + "=rest"));
    Optional<String> warehouse =
        settings.string(WAREHOUSE).map(String::trim).filter(w -> !w.isEmpty());
    return new CatalogConfig(
        CatalogType.REST,
        name,
        Optional.of(uri),
        warehouse,
        auth(settings),
        settings.bool(VENDED_CREDENTIALS, false),
        S3Config.from(settings),
        TransportConfig.from(settings),
        passThrough(settings));
  }

  private static CatalogConfig local(Settings settings, String name) {
    for (String key : new TreeSet<>(REST_ONLY_KEYS)) {
      if (settings.contains(key)) {
        throw onlyForRest(key, settings);
      }
    }
    if (settings.bool(VENDED_CREDENTIALS, false)) {
      throw onlyForRest(VENDED_CREDENTIALS, settings);
    }
    String warehouse = settings.string(WAREHOUSE, DEFAULT_LOCAL_WAREHOUSE);
    Path directory = settings.parse(WAREHOUSE, warehouse, CatalogConfig::localDirectory);
    return new CatalogConfig(
        CatalogType.LOCAL,
        name,
        Optional.empty(),
        Optional.of(directory.toString()),
        CatalogAuth.none(),
        false,
        S3Config.from(settings),
        TransportConfig.from(settings),
        passThrough(settings));
  }

  private static CatalogAuth auth(Settings settings) {
    Optional<Secret> token = settings.secret(TOKEN);
    Optional<String> clientId = settings.string(OAUTH2_CLIENT_ID).map(String::trim);
    Optional<Secret> clientSecret = settings.secret(OAUTH2_CLIENT_SECRET);
    boolean oauth2 = clientId.isPresent() || clientSecret.isPresent();
    if (token.isPresent() && oauth2) {
      throw new InvalidConfigException(
          "Invalid config: set either "
              + TOKEN
              + " ("
              + settings.origin(TOKEN)
              + ") or OAuth2 client credentials ("
              + (clientId.isPresent() ? OAUTH2_CLIENT_ID : OAUTH2_CLIENT_SECRET)
              + ", "
              + settings.origin(clientId.isPresent() ? OAUTH2_CLIENT_ID : OAUTH2_CLIENT_SECRET)
              + "), not both");
    }
    if (token.isPresent()) {
      return new CatalogAuth.BearerToken(token.get());
    }
    if (!oauth2) {
      for (String key : new String[] {OAUTH2_SERVER_URI, OAUTH2_SCOPE}) {
        if (settings.contains(key)) {
          throw requiredWhen(OAUTH2_CLIENT_ID, key + " is set");
        }
      }
      return CatalogAuth.none();
    }
    if (clientId.isEmpty() || clientId.get().isEmpty()) {
      throw requiredWhen(OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET + " is set");
    }
    if (clientSecret.isEmpty()) {
      throw requiredWhen(OAUTH2_CLIENT_SECRET, OAUTH2_CLIENT_ID + " is set");
    }
    if (clientId.get().contains(":")) {
      throw new InvalidConfigException(
          "Invalid value for "
              + OAUTH2_CLIENT_ID
              + " ("
              + settings.origin(OAUTH2_CLIENT_ID)
              + "): it must not contain ':' (Iceberg sends id and secret as one 'id:secret')");
    }
    Optional<URI> serverUri =
        settings
            .string(OAUTH2_SERVER_URI)
            .map(text -> settings.parse(OAUTH2_SERVER_URI, text, S3Config::httpUri));
    Optional<String> scope =
        settings.string(OAUTH2_SCOPE).map(String::trim).filter(value -> !value.isEmpty());
    return new CatalogAuth.ClientCredentials(clientId.get(), clientSecret.get(), serverUri, scope);
  }

  private static Map<String, String> passThrough(Settings settings) {
    Map<String, String> properties = new TreeMap<>();
    for (String key : settings.keys()) {
      if (key.startsWith(PROPERTY_PREFIX)) {
        String icebergKey = key.substring(PROPERTY_PREFIX.length());
        if (icebergKey.isBlank()) {
          throw new InvalidConfigException(
              "Invalid config: "
                  + key
                  + " ("
                  + settings.origin(key)
                  + ") names no Iceberg property");
        }
        properties.put(icebergKey, settings.string(key).orElseThrow());
      }
    }
    return properties;
  }

  /** Catches typos such as {@code catalog.tokn} before they silently fall back to a default. */
  private static void checkUnknownKeys(Settings settings) {
    for (String key : settings.keys()) {
      if (key.startsWith(CATALOG_PREFIX)
          && !key.startsWith(PROPERTY_PREFIX)
          && !CATALOG_KEYS.contains(key)) {
        throw new InvalidConfigException(
            "Invalid config: unknown key "
                + key
                + " ("
                + settings.origin(key)
                + "); catalog keys are "
                + String.join(", ", new TreeSet<>(CATALOG_KEYS))
                + " and "
                + PROPERTY_PREFIX
                + "<iceberg-property>");
      }
    }
  }

  /**
   * A local directory as an absolute path; {@code file:} URIs are accepted, other schemes are not.
   */
  private static Path localDirectory(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new InvalidConfigException("it is blank");
    }
    boolean fileUri = trimmed.regionMatches(true, 0, "file:", 0, 5);
    if (!fileUri && URI_WITH_SCHEME.matcher(trimmed).lookingAt()) {
      throw new InvalidConfigException(
          "a local catalog keeps its tables in a local directory; for object storage set "
              + TYPE
              + "=rest");
    }
    Path path;
    try {
      path = (fileUri ? Path.of(java.net.URI.create(trimmed)) : Path.of(trimmed)).toAbsolutePath();
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw new InvalidConfigException("not a local directory path");
    }
    if (path.toString().contains("?")) {
      // The SQLite JDBC URL is built from this path, and sqlite-jdbc reads '?' as its options.
      throw new InvalidConfigException("the local catalog's directory path must not contain '?'");
    }
    return path.normalize();
  }

  static InvalidConfigException requiredWhen(String key, String condition) {
    return new InvalidConfigException(
        "Invalid config: "
            + key
            + " is required when "
            + condition
            + " (set "
            + Settings.environmentName(key)
            + ", or "
            + key
            + " in the config file)");
  }

  private static InvalidConfigException onlyForRest(String key, Settings settings) {
    return new InvalidConfigException(
        "Invalid config: "
            + key
            + " is set ("
            + settings.origin(key)
            + ") but "
            + TYPE
            + " is local ("
            + settings.origin(TYPE)
            + "); set "
            + Settings.environmentName(TYPE)
            + "=rest to use a REST catalog, or remove "
            + key);
  }

  /**
   * Every key this class reads, for {@link Settings#withEnvironment(Map, Set)}: the catalog keys,
   * the S3 keys, the transport keys, and the {@code -file} variants of the secret ones.
   * Pass-through keys are not listed: they come from the config file or flags.
   */
  public static Set<String> keys() {
    Set<String> keys = new TreeSet<>(CATALOG_KEYS);
    keys.addAll(S3Config.KEYS);
    keys.addAll(TransportConfig.KEYS);
    return Set.copyOf(keys);
  }

  /**
   * Whether {@code key} holds a credential, so that {@link Settings#withFlags} refuses it: floe's
   * secret keys, and pass-through keys whose Iceberg name looks like a credential ({@code
   * catalog.property.header.Authorization}). The {@code -file} variants are paths, not secrets.
   */
  public static boolean isSecret(String key) {
    if (SECRET_KEYS.contains(key) || S3Config.SECRET_KEYS.contains(key)) {
      return true;
    }
    if (key.startsWith(PROPERTY_PREFIX)) {
      return Redaction.looksSecret(key.substring(PROPERTY_PREFIX.length()));
    }
    if (key.startsWith(S3Config.PREFIX) && !S3Config.KEYS.contains(key)) {
      return Redaction.looksSecret(key);
    }
    return false;
  }

  /** The local warehouse directory. */
  public Path localWarehouse() {
    if (type != CatalogType.LOCAL) {
      throw new IllegalStateException("Cannot give a local warehouse for a " + type + " catalog");
    }
    return Path.of(warehouse.orElseThrow());
  }

  @Override
  public String toString() {
    return "CatalogConfig{type="
        + type
        + ", name="
        + name
        + uri.map(value -> ", uri=" + value).orElse("")
        + warehouse.map(value -> ", warehouse=" + value).orElse("")
        + (type == CatalogType.REST
            ? ", auth=" + auth + ", vendedCredentials=" + vendedCredentials
            : "")
        + (type == CatalogType.REST ? ", s3=" + s3 : "")
        + transport.caBundle().map(bundle -> ", caBundle=" + bundle).orElse("")
        + (properties.isEmpty()
            ? ""
            : ", properties=" + Redaction.toString(new TreeMap<>(properties)))
        + "}";
  }
}
