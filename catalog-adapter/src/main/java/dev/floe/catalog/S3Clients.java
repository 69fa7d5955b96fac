package dev.floe.catalog;

import org.apache.iceberg.aws.s3.S3FileIO;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 clients for floe's own S3 work besides the table (the S3-prefix source, its lease and
 * claims), configured exactly as the table's {@link S3FileIO}: they are built by one, from the same
 * derived properties, so endpoint, region, path style, credentials and R2's checksum settings never
 * drift apart.
 */
public final class S3Clients {
  private S3Clients() {}

  public static S3Client create(CatalogConfig config) {
    if (config.type() == CatalogType.REST) {
      CatalogFactory.applySdkSettings(config);
    }
    S3FileIO io = new S3FileIO();
    io.initialize(CatalogFactory.s3Properties(config));
    return io.client();
  }
}
