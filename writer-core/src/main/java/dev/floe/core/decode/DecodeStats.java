package dev.floe.core.decode;

/**
 * What one {@link EventDecoder#decode} call read.
 *
 * <p>For NDJSON, {@code lines} is the number of the last line handled, so every line is either a
 * record, a reject or blank. For a JSON array it is the line of the last token read.
 *
 * @param lines lines of the decompressed input handled, blank lines included
 * @param records records delivered
 * @param rejected rejects delivered
 * @param bytes decompressed bytes read
 */
public record DecodeStats(long lines, long records, long rejected, long bytes) {}
