package dev.floe.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkSystemSetting;

/** How opening a catalog applies the JVM-wide AWS SDK settings. */
class CatalogFactoryTest {
  @Test
  void sdkSettingsAlreadyChosenForTheProcessAreKept() {
    Map<SdkSystemSetting, String> wanted =
        Map.of(
            SdkSystemSetting.AWS_REQUEST_CHECKSUM_CALCULATION, "when_required",
            SdkSystemSetting.AWS_RESPONSE_CHECKSUM_VALIDATION, "when_required");

    Properties fresh = new Properties();
    CatalogFactory.applySdkSettings(wanted, fresh, Map.of());
    assertThat(fresh)
        .containsOnly(
            entry("aws.requestChecksumCalculation", "when_required"),
            entry("aws.responseChecksumValidation", "when_required"));

    Properties chosen = new Properties();
    chosen.setProperty("aws.requestChecksumCalculation", "when_supported");
    Map<String, String> env = new HashMap<>();
    env.put("AWS_RESPONSE_CHECKSUM_VALIDATION", "WHEN_SUPPORTED");
    CatalogFactory.applySdkSettings(wanted, chosen, env);
    assertThat(chosen).containsOnly(entry("aws.requestChecksumCalculation", "when_supported"));
  }
}
