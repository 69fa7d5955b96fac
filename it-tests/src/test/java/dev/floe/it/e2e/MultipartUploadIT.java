package dev.floe.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Data files larger than S3FileIO's part size go up as multipart uploads, and read back intact. The
 * proof that an object was assembled from parts is its ETag: S3 (and s3proxy) give a multipart
 * object {@code "<md5 of the part md5s>-<part count>"} instead of the MD5 of its bytes.
 */
@ExtendWith(ServersExtension.class)
class MultipartUploadIT {
  private static final long PART_SIZE = S3FileIOProperties.MULTIPART_SIZE_MIN;

  @TempDir Path dir;
  private RestTarget target;

  @AfterEach
  void dropTable() {
    if (target != null) {
      target.close();
    }
  }

  @Test
  void dataFilesLargerThanThePartSizeAreUploadedInParts(Endpoints endpoints) {
    target = RestTarget.create(endpoints, "multipart");
    Path input = RestTarget.generate(dir.resolve("events.ndjson"), 50_000, 31);
    InProcessCli.Run run =
        new InProcessCli(target.cliEnv())
            .run(
                "ingest", "--json",
                "-D", "table.partition-spec=none", // one file of all events, well above the part size
                "-D", S3FileIOProperties.MULTIPART_SIZE + "=" + PART_SIZE,
                "-D", "dead-letter.dir=" + dir.resolve("dead-letters"),
                input.toString());
    assertThat(run.exitCode()).as("%s", run).isZero();

    Table table = target.load();
    List<DataFile> files = DataFiles.of(table);
    assertThat(files).isNotEmpty();
    try (S3Client s3 = endpoints.newS3Client()) {
      for (DataFile file : files) {
        URI location = URI.create(file.location());
        HeadObjectResponse head = s3.headObject(b -> b.bucket(location.getHost()).key(location.getPath().substring(1)));
        assertThat(head.contentLength()).isEqualTo(file.fileSizeInBytes()).isGreaterThan(2 * PART_SIZE);
        long parts = (head.contentLength() + PART_SIZE - 1) / PART_SIZE;
        assertThat(head.eTag()).as("ETag of %s", location).matches("\"?[0-9a-f]{32}-" + parts + "\"?");
      }
    }
    ExpectedRows.ofNdjson(input).assertSameAs(ExpectedRows.ofTable(table));
  }
}
