package dev.gantry.proxy.balance;

/**
 * 64-bit hashing for consistent hashing: FNV-1a over the input followed by MurmurHash3's fmix64
 * finaliser, which spreads FNV's weak low bits over the whole word. Stable across JVMs and releases
 * (unlike {@link String#hashCode()} mixing or a seeded hash), which is what keeps a key on the same
 * endpoint on every replica and after every reload.
 */
final class Hashing {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Hashing() {}

  static long hash(CharSequence s) {
    long h = FNV_OFFSET;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      h = (h ^ (c & 0xff)) * FNV_PRIME;
      h = (h ^ (c >>> 8)) * FNV_PRIME;
    }
    return fmix64(h);
  }

  static long hash(byte[] bytes) {
    long h = FNV_OFFSET;
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * FNV_PRIME;
    }
    return fmix64(h);
  }

  static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
