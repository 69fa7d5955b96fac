package dev.floe.cli;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.S3Clients;
import dev.floe.core.RunLimits;
import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Settings;
import dev.floe.core.source.FileSource;
import dev.floe.core.source.S3ObjectReader;
import dev.floe.core.source.S3PrefixSource;
import dev.floe.core.source.Source;
import dev.floe.core.source.SourceConfig;
import dev.floe.core.source.SpoolSource;
import dev.floe.core.source.StdinSource;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;

/** Where an ingest run takes its batches from: files, standard input, a spool folder or an S3 prefix. */
final class SourceOptions {
  @Parameters(paramLabel = "SOURCE", arity = "0..*",
      description = "Input files (NDJSON or JSON array; plain, gzip or zstd), '-' for standard input, or one s3://bucket/prefix/.")
  List<String> sources = new ArrayList<>();

  @Option(names = "--spool", paramLabel = "DIR",
      description = "Take finished batch files from DIR; move each to DIR/done/ after its commit, or DIR/failed/ when unreadable.")
  Path spool;

  /**
   * Builds the one source the arguments name; the S3 client is made only for an S3 prefix. A spool
   * or S3 prefix lists batches within the run's {@code limits}, the same the run applies.
   */
  Source open(Settings settings, RunLimits limits, InputStream stdin, Clock clock) {
    SourceConfig config = SourceConfig.from(settings);
    if (spool != null) {
      if (!sources.isEmpty()) {
        throw new InvalidConfigException("Invalid arguments: give either --spool or input files, not both");
      }
      return new SpoolSource(spool, config.settleTime(), limits, clock);
    }
    if (sources.isEmpty()) {
      throw new InvalidConfigException("Invalid arguments: name input files, '-' for standard input, an s3:// prefix, or --spool DIR");
    }
    if (sources.stream().anyMatch(s -> s.equals("-") || s.startsWith("s3://"))) {
      if (sources.size() != 1) {
        throw new InvalidConfigException("Invalid arguments: '-' and an s3:// prefix must be the only source of a run");
      }
      String only = sources.get(0);
      if (only.equals("-")) {
        return new StdinSource(stdin);
      }
      CatalogConfig catalog = CatalogConfig.from(settings);
      S3Client s3 = S3Clients.create(catalog);
      S3ObjectReader reader = config.s3DirectGet() ? S3Clients.objectReader(catalog, s3) : S3ObjectReader.of(s3);
      return new S3PrefixSource(s3, reader, only, config.settleTime(), limits, config.leaseTtl(), config.keepDone(), clock);
    }
    return new FileSource(sources.stream().map(Path::of).toList());
  }
}
