/**
 * End-to-end tests of floe against the real S3 API and Iceberg REST catalog servers of {@code
 * dev.floe.it.servers}: the CLI ({@link dev.floe.it.e2e.CliRestIT}, run in-process through {@link
 * dev.floe.it.e2e.InProcessCli}) and the library ({@link dev.floe.it.e2e.LibraryRestIT}) ingest
 * generated events and an independent Iceberg client reads them back; multipart uploads ({@link
 * dev.floe.it.e2e.MultipartUploadIT}), the {@code r2} S3 profile ({@link
 * dev.floe.it.e2e.R2ProfileIT}), the catalog bearer token ({@link dev.floe.it.e2e.CatalogTokenIT},
 * through a {@link dev.floe.it.e2e.RecordingRelay}), the cron job's S3-prefix source with its
 * lease and claims ({@link dev.floe.it.e2e.S3PrefixSourceIT}), and TLS to S3 and to the catalog
 * with and without {@code transport.ca-bundle} ({@link dev.floe.it.e2e.TlsTransportIT}). Each test works in its own namespace
 * and key prefix, so the tests are independent and also run against long-lived external servers.
 */
package dev.floe.it.e2e;
