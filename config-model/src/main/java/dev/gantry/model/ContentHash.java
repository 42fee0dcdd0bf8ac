package dev.gantry.model;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Versions are content hashes: the first 16 hex digits of the SHA-256 of the canonical JSON. */
public final class ContentHash {

  private ContentHash() {}

  /**
   * The hash of {@code value}'s canonical JSON. The JSON is streamed into the digest instead of
   * being materialised first, so hashing a large routing part (tens of MB at ten thousand routes)
   * costs no extra heap; the result is byte-for-byte the hash of {@link CanonicalJson#toBytes}.
   */
  public static String of(Object value) {
    MessageDigest digest = sha256();
    try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
      CanonicalJson.mapper().writeValue(out, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 8);
  }

  public static String ofBytes(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes), 0, 8);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JRE", e);
    }
  }
}
