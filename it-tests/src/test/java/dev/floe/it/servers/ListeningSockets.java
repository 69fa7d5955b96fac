package dev.floe.it.servers;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The local addresses of listening TCP sockets, read from Linux's {@code /proc/net/tcp} and {@code
 * /proc/net/tcp6}: a look at the bind address that needs no traffic to other addresses.
 */
final class ListeningSockets {
  private static final Path TCP = Path.of("/proc/net/tcp");
  private static final Path TCP6 = Path.of("/proc/net/tcp6");
  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  static boolean available() {
    return Files.isReadable(TCP);
  }

  /**
   * Addresses that sockets in state LISTEN on {@code port} are bound to. An IPv4-mapped IPv6
   * address (how Java's dual-stack sockets show 127.0.0.1) comes back as its IPv4 address.
   */
  static List<InetAddress> localAddresses(int port) throws IOException {
    List<InetAddress> addresses = new ArrayList<>();
    for (Path table : List.of(TCP, TCP6)) {
      if (!Files.isReadable(table)) {
        continue;
      }
      List<String> lines = Files.readAllLines(table);
      for (String line : lines.subList(1, lines.size())) {
        // "  sl  local_address rem_address   st ...", local_address = ADDRESS:PORT in hex
        String[] fields = line.trim().split("\\s+");
        String[] local = fields[1].split(":");
        if (fields[3].equals(LISTEN) && Integer.parseInt(local[1], 16) == port) {
          addresses.add(InetAddress.getByAddress(kernelOrder(local[0])));
        }
      }
    }
    return addresses;
  }

  /** The kernel prints each 32-bit word of the address in the machine's byte order. */
  private static byte[] kernelOrder(String hex) {
    byte[] words = HexFormat.of().parseHex(hex);
    if (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN) {
      return words;
    }
    byte[] address = new byte[words.length];
    for (int word = 0; word < words.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        address[word + i] = words[word + 3 - i];
      }
    }
    return address;
  }
}
