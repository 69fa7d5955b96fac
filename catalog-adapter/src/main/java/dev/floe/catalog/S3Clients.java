package dev.floe.catalog;

import org.apache.iceberg.aws.AwsClientFactory;
import org.apache.iceberg.aws.S3FileIOAwsClientFactories;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.aws.s3.S3FileIOAwsClientFactory;
import dev.floe.core.source.S3ObjectReader;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 clients for floe's own S3 work besides the table (the S3-prefix source, its lease and
 * claims, S3 dead letters), configured exactly as the table's {@link S3FileIO}: they come from the
 * client factory S3FileIO would pick, given the same derived properties, so endpoint, region, path
 * style, credentials, R2's checksum settings and {@code transport.ca-bundle} never drift apart.
 *
 * <p>No S3FileIO is kept around: an unreferenced one is closed by its finalizer, and with it the
 * client it made.
 */
public final class S3Clients {
  private S3Clients() {}

  /** A new client; the caller closes it. */
  public static S3Client create(CatalogConfig config) {
    Object factory =
        S3FileIOAwsClientFactories.initialize(IcebergCatalogProperties.s3Properties(config));
    if (factory instanceof S3FileIOAwsClientFactory s3Factory) {
      return s3Factory.s3();
    }
    if (factory instanceof AwsClientFactory awsFactory) {
      return awsFactory.s3();
    }
    throw new IllegalStateException(
        "Cannot build an S3 client: Iceberg returned a " + factory.getClass().getName());
  }

  /**
   * How an S3 prefix's objects are read with {@code s3} (a client of {@link #create}): GETs signed
   * and sent directly over the SDK's HTTP client where that does what the client would ({@link
   * DirectS3Reader}), else the client's own. The caller closes it.
   */
  public static S3ObjectReader objectReader(CatalogConfig config, S3Client s3) {
    return DirectS3Reader.create(s3, IcebergCatalogProperties.s3Properties(config));
  }
}
