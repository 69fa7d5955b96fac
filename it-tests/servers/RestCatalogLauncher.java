import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.compression.gzip.GzipCompression;
import org.eclipse.jetty.compression.server.CompressionHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Serves Apache Iceberg's REST catalog test fixture on 127.0.0.1 only.
 *
 * <p>The fixture's own main ({@code org.apache.iceberg.rest.RESTCatalogServer}) listens on every
 * interface. This launcher assembles the same stack, a {@code RESTCatalogServlet} over a {@code
 * RESTServerCatalogAdapter} over a catalog built from {@code CATALOG_*} environment variables,
 * behind the same gzip handler, and binds its connector to the loopback address. It mirrors the
 * 1.11 fixture, with three deliberate differences: the bind address, no {@code SO_REUSEPORT}
 * (another process must not be able to share the port), and the catalog properties are not logged
 * (they carry the S3 secret key).
 *
 * <p>Run it in source-file mode with the fixture's classpath, which it-tests resolves with Maven:
 * {@code java -cp "$(cat target/servers/rest-catalog.classpath)" servers/RestCatalogLauncher.java}.
 * Configuration comes from the environment as for the stock server: {@code CATALOG_} is dropped,
 * {@code __} becomes {@code -}, {@code _} becomes {@code .}, the rest is lower-cased (so {@code
 * CATALOG_REST_PORT} is {@code rest.port}, {@code CATALOG_S3_ACCESS__KEY__ID} is {@code
 * s3.access-key-id}). {@code CATALOG_WAREHOUSE} and {@code CATALOG_REST_PORT} are required.
 *
 * <p>The process exits when its standard input reaches end of file, so it does not outlive the test
 * JVM that started it, even when that JVM is killed.
 */
public class RestCatalogLauncher {
  private static final String BIND_ADDRESS = "127.0.0.1";
  private static final String CATALOG_ENV_PREFIX = "CATALOG_";

  public static void main(String[] args) throws Exception {
    Map<String, String> config = catalogConfig(System.getenv());
    int port = Integer.parseInt(required(config, "rest.port"));
    String warehouse = required(config, "warehouse");
    // The stock server's defaults: a JDBC catalog on SQLite with the V1 schema.
    config.putIfAbsent("catalog-impl", JdbcCatalog.class.getName());
    config.putIfAbsent("uri", "jdbc:sqlite::memory:");
    config.putIfAbsent("jdbc.schema-version", "V1");
    String name = config.getOrDefault("catalog.name", "rest_backend");

    Catalog catalog = CatalogUtil.buildIcebergCatalog(name, config, new Configuration());
    Server server = newServer(newAdapter(catalog, config), port);
    exitWhenStdinCloses(server);
    server.start();
    System.out.printf(
        "Iceberg REST catalog fixture %s (%s, warehouse %s) listening on http://%s:%d/%n",
        name, config.get("catalog-impl"), warehouse, BIND_ADDRESS, port);
    server.join();
  }

  static Map<String, String> catalogConfig(Map<String, String> env) {
    Map<String, String> config = new HashMap<>();
    env.forEach(
        (key, value) -> {
          if (key.startsWith(CATALOG_ENV_PREFIX)) {
            String property =
                key.substring(CATALOG_ENV_PREFIX.length())
                    .replace("__", "-")
                    .replace('_', '.')
                    .toLowerCase(Locale.ROOT);
            config.put(property, value);
          }
        });
    return config;
  }

  private static String required(Map<String, String> config, String key) {
    String value = config.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid REST catalog configuration: missing " + key + " (set its CATALOG_ variable)");
    }
    return value;
  }

  /**
   * The fixture's adapter adds credential vending (include-credentials) to RESTCatalogAdapter. It
   * and its context are package-private, and a source-file program is loaded by its own class
   * loader, so it cannot share their package: construct them reflectively.
   */
  private static RESTCatalogAdapter newAdapter(Catalog catalog, Map<String, String> config)
      throws ReflectiveOperationException {
    Class<?> contextClass =
        Class.forName("org.apache.iceberg.rest.RESTCatalogServer$CatalogContext");
    Object context =
        construct(contextClass, new Class<?>[] {Catalog.class, Map.class}, catalog, config);
    Class<?> adapterClass = Class.forName("org.apache.iceberg.rest.RESTServerCatalogAdapter");
    return (RESTCatalogAdapter) construct(adapterClass, new Class<?>[] {contextClass}, context);
  }

  private static Object construct(Class<?> type, Class<?>[] parameterTypes, Object... args)
      throws ReflectiveOperationException {
    Constructor<?> constructor = type.getDeclaredConstructor(parameterTypes);
    constructor.setAccessible(true);
    return constructor.newInstance(args);
  }

  private static Server newServer(RESTCatalogAdapter adapter, int port) {
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    context.addServlet(new ServletHolder(new RESTCatalogServlet(adapter)), "/*");
    CompressionHandler compression = new CompressionHandler();
    compression.putCompression(new GzipCompression());
    context.insertHandler(compression);

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(BIND_ADDRESS);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(context);
    return server;
  }

  private static void exitWhenStdinCloses(Server server) {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // the parent never writes; wait for end of file
                }
              } catch (IOException e) {
                // a broken pipe means the parent is gone as well
              }
              try {
                server.stop();
              } catch (Exception e) {
                e.printStackTrace();
              }
              System.exit(0);
            },
            "exit-with-parent");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
