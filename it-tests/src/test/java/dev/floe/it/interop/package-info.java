/**
 * floe against engines and catalogs other than the ones it was built with, all real processes on
 * 127.0.0.1 sharing the harness's s3proxy:
 *
 * <ul>
 *   <li>{@link dev.floe.it.interop.NessieCatalogIT}: floe's end-to-end path (generate, ingest with
 *       the command line, read back with Iceberg's generic reader, re-ingest commits nothing) on a
 *       second Iceberg REST catalog, Nessie 0.99 ({@link dev.floe.it.interop.LocalNessie}, Java 21+
 *       found by {@link dev.floe.it.interop.JavaRuntimes}).
 *   <li>{@link dev.floe.it.interop.SparkInteropIT}: Spark 4.1 with Iceberg's Spark runtime reads a
 *       table floe wrote, and floe appends to a table Spark created, through the harness's REST
 *       catalog fixture. Spark runs in its own JVM ({@code servers/SparkSqlDriver.java}, driven
 *       over JSON lines by {@link dev.floe.it.interop.SparkSql}), one for the whole test JVM.
 * </ul>
 *
 * <p>Their classpaths come from {@code servers/interop/pom.xml}, resolved in the {@code
 * pre-integration-test} phase like the other servers'.
 */
package dev.floe.it.interop;
