package dev.gantry.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Versions are content hashes: the first 16 hex digits of the SHA-256 of the canonical JSON. */
public final class ContentHash {

  private ContentHash() {}

  public static String of(Object value) {
    return ofBytes(CanonicalJson.toBytes(value));
  }

  public static String ofBytes(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JRE", e);
    }
  }
}
