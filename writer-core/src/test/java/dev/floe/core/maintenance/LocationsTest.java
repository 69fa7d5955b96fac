package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.io.FileInfo;
import org.junit.jupiter.api.Test;

class LocationsTest {
  @Test
  void spellsEachLocationOneWay() {
    assertThat(Locations.normalize("s3a://bucket/wh/t/data/f.parquet")).isEqualTo("s3://bucket/wh/t/data/f.parquet");
    assertThat(Locations.normalize("S3N://bucket/wh/f")).isEqualTo("s3://bucket/wh/f");
    assertThat(Locations.normalize("s3://bucket/a//b")).isEqualTo("s3://bucket/a//b");
    assertThat(Locations.normalize("file:/tmp/wh/f")).isEqualTo("file:///tmp/wh/f");
    assertThat(Locations.normalize("file:///tmp/wh/f")).isEqualTo("file:///tmp/wh/f");
    assertThat(Locations.normalize("file://localhost/tmp/wh/f")).isEqualTo("file:///tmp/wh/f");
    assertThat(Locations.normalize("/tmp/wh/f")).isEqualTo("file:///tmp/wh/f");
    assertThat(Locations.normalize("gs://b/x y/f")).isEqualTo("gs://b/x y/f");
    assertThat(Locations.directory("s3://b/t")).isEqualTo("s3://b/t/");
    assertThat(Locations.directory("s3://b/t/")).isEqualTo("s3://b/t/");
  }

  @Test
  void anOrphanIsUnreferencedAndOldEnough() {
    Instant cutOff = Instant.parse("2026-11-01T00:00:00Z");
    long old = cutOff.toEpochMilli() - 1;
    long young = cutOff.toEpochMilli();
    List<FileInfo> listed =
        List.of(
            new FileInfo("s3a://b/t/data/live.parquet", 10, old),
            new FileInfo("s3://b/t/data/orphan.parquet", 20, old),
            new FileInfo("s3://b/t/data/new.parquet", 30, young),
            new FileInfo("s3://b/t/metadata/v3.metadata.json", 40, old));

    OrphanSweep.Classification found =
        OrphanSweep.classify(
            listed, Set.of("s3://b/t/data/live.parquet", "s3://b/t/metadata/v3.metadata.json"), cutOff);

    assertThat(found.orphans()).extracting(FileInfo::location).containsExactly("s3://b/t/data/orphan.parquet");
    assertThat(found.orphanBytes()).isEqualTo(20);
    assertThat(found.referenced()).isEqualTo(2);
    assertThat(found.tooYoung()).isEqualTo(1);
    assertThat(found.listed()).isEqualTo(4);
  }
}
