package dev.floe.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkSystemSetting;

/**
 * {@code FLOE_S3_PROFILE=r2} alone supplies what Cloudflare R2 needs (region {@code auto},
 * path-style addressing, no chunked encoding, SDK checksums only when required), and a store that
 * speaks plain S3 accepts the result end to end.
 *
 * <p>The profile's checksum settings belong to floe's S3 clients only, never to the JVM: this test
 * clears the AWS SDK's JVM-wide checksum properties before (restoring them after) and checks that
 * the run set neither.
 */
@ExtendWith(ServersExtension.class)
class R2ProfileIT {
  private static final List<SdkSystemSetting> JVM_WIDE =
      List.of(
          SdkSystemSetting.AWS_REQUEST_CHECKSUM_CALCULATION,
          SdkSystemSetting.AWS_RESPONSE_CHECKSUM_VALIDATION);

  @TempDir Path dir;
  private final Map<String, String> saved = new LinkedHashMap<>();
  private RestTarget target;

  @BeforeEach
  void clearSdkSettings() {
    for (SdkSystemSetting setting : JVM_WIDE) {
      saved.put(setting.property(), System.getProperty(setting.property()));
      System.clearProperty(setting.property());
    }
  }

  @AfterEach
  void restoreSdkSettingsAndDropTable() {
    saved.forEach(
        (property, value) -> {
          if (value == null) {
            System.clearProperty(property);
          } else {
            System.setProperty(property, value);
          }
        });
    if (target != null) {
      target.close();
    }
  }

  @Test
  void r2ProfileIngestsAndReadsBackThroughS3(Endpoints endpoints) {
    target = RestTarget.create(endpoints, "r2");
    Path input = RestTarget.generate(dir.resolve("events.ndjson"), 10_000, 41);
    // No region and no path-style: the profile must supply both (virtual-host addressing cannot
    // reach a bucket on 127.0.0.1).
    InProcessCli cli =
        new InProcessCli(target.cliEnv())
            .with("FLOE_S3_REGION", null)
            .with("FLOE_S3_PATH_STYLE", null)
            .with("FLOE_S3_PROFILE", "r2");

    InProcessCli.Run run =
        cli.run("ingest", "--json", "-D", "dead-letter.dir=" + dir.resolve("dead-letters"), input.toString());

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.json().get("events_written").asLong()).isEqualTo(10_000);
    assertThat(run.console()).contains("s3 profile r2");
    for (SdkSystemSetting setting : JVM_WIDE) {
      assertThat(System.getProperty(setting.property())).as(setting.property()).isNull();
    }
    ExpectedRows.ofNdjson(input).assertSameAs(ExpectedRows.ofTable(target.load()));
  }
}
