package io.drover.state;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * PBKDF2-HMAC-SHA512 (RFC 8018) for a 256-bit key, the same function and bytes as the JDK's
 * {@code PBKDF2WithHmacSHA512} (the passphrase taken as UTF-8), at under half its cost in the CLI's JVM.
 *
 * <p>Why not the JDK's: the CLI runs with the quick compiler only ({@code bin/drover}), where the JDK's SHA-512
 * runs without its CPU intrinsics, and its HMAC hashes the padded key again for every one of the 600,000
 * iterations: four SHA-512 blocks per iteration, 2.1 s of CPU per command here. This one hashes the two padded
 * keys once and starts every iteration from their saved state (as Go's and OpenSSL's do), so an iteration is two
 * blocks, each laid out in place with no allocation. The cost for an attacker is unchanged: it is the same
 * function, and attackers' implementations did this all along.
 */
final class Pbkdf2 {
    private static final int BLOCK_LONGS = 16;
    private static final int HASH_LONGS = 8;
    /** The length in bits of what the second block of an inner or outer hash holds: one padded-key block and one hash. */
    private static final long TWO_PART_BITS = (128 + 64) * 8;

    private static final long[] IV = {
        0x6a09e667f3bcc908L, 0xbb67ae8584caa73bL, 0x3c6ef372fe94f82bL, 0xa54ff53a5f1d36f1L,
        0x510e527fade682d1L, 0x9b05688c2b3e6c1fL, 0x1f83d9abfb41bd6bL, 0x5be0cd19137e2179L};

    private static final long[] K = {
        0x428a2f98d728ae22L, 0x7137449123ef65cdL, 0xb5c0fbcfec4d3b2fL, 0xe9b5dba58189dbbcL,
        0x3956c25bf348b538L, 0x59f111f1b605d019L, 0x923f82a4af194f9bL, 0xab1c5ed5da6d8118L,
        0xd807aa98a3030242L, 0x12835b0145706fbeL, 0x243185be4ee4b28cL, 0x550c7dc3d5ffb4e2L,
        0x72be5d74f27b896fL, 0x80deb1fe3b1696b1L, 0x9bdc06a725c71235L, 0xc19bf174cf692694L,
        0xe49b69c19ef14ad2L, 0xefbe4786384f25e3L, 0x0fc19dc68b8cd5b5L, 0x240ca1cc77ac9c65L,
        0x2de92c6f592b0275L, 0x4a7484aa6ea6e483L, 0x5cb0a9dcbd41fbd4L, 0x76f988da831153b5L,
        0x983e5152ee66dfabL, 0xa831c66d2db43210L, 0xb00327c898fb213fL, 0xbf597fc7beef0ee4L,
        0xc6e00bf33da88fc2L, 0xd5a79147930aa725L, 0x06ca6351e003826fL, 0x142929670a0e6e70L,
        0x27b70a8546d22ffcL, 0x2e1b21385c26c926L, 0x4d2c6dfc5ac42aedL, 0x53380d139d95b3dfL,
        0x650a73548baf63deL, 0x766a0abb3c77b2a8L, 0x81c2c92e47edaee6L, 0x92722c851482353bL,
        0xa2bfe8a14cf10364L, 0xa81a664bbc423001L, 0xc24b8b70d0f89791L, 0xc76c51a30654be30L,
        0xd192e819d6ef5218L, 0xd69906245565a910L, 0xf40e35855771202aL, 0x106aa07032bbd1b8L,
        0x19a4c116b8d2d0c8L, 0x1e376c085141ab53L, 0x2748774cdf8eeb99L, 0x34b0bcb5e19b48a8L,
        0x391c0cb3c5c95a63L, 0x4ed8aa4ae3418acbL, 0x5b9cca4f7763e373L, 0x682e6ff3d6b2b8a3L,
        0x748f82ee5defb2fcL, 0x78a5636f43172f60L, 0x84c87814a1f0ab72L, 0x8cc702081a6439ecL,
        0x90befffa23631e28L, 0xa4506cebde82bde9L, 0xbef9a3f7b2c67915L, 0xc67178f2e372532bL,
        0xca273eceea26619cL, 0xd186b8c721c0c207L, 0xeada7dd6cde0eb1eL, 0xf57d4f7fee6ed178L,
        0x06f067aa72176fbaL, 0x0a637dc5a2c898a6L, 0x113f9804bef90daeL, 0x1b710b35131c471bL,
        0x28db77f523047d84L, 0x32caab7b40c72493L, 0x3c9ebe0a15c9bebcL, 0x431d67c49c100d4cL,
        0x4cc5d4becb3e42b6L, 0x597f299cfc657e2aL, 0x5fcb6fab3ad6faecL, 0x6c44198c4a475817L};

    private Pbkdf2() {}

    /** The 256-bit key of {@code passphrase} and {@code salt} after {@code iterations} rounds. */
    static byte[] deriveKey(char[] passphrase, byte[] salt, int iterations) {
        byte[] key = utf8(passphrase);
        try {
            if (key.length > 128) { // HMAC hashes a key longer than its block first
                byte[] hashed = sha512().digest(key);
                Arrays.fill(key, (byte) 0);
                key = hashed;
            }
            long[] inner = padState(key, (byte) 0x36);
            long[] outer = padState(key, (byte) 0x5c);
            // U1 = HMAC(P, salt || INT(1)): the salt is of any length, so through the JDK's HMAC once.
            long[] u = toLongs(firstBlock(key, salt));
            long[] t = u.clone();
            long[] w = new long[80];
            for (int i = 1; i < iterations; i++) {
                iterate(inner, outer, u, t, w);
            }
            byte[] out = new byte[32];
            ByteBuffer.wrap(out).asLongBuffer().put(t, 0, 4);
            Arrays.fill(u, 0);
            Arrays.fill(t, 0);
            Arrays.fill(w, 0);
            return out;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** U(i+1) = HMAC(P, U(i)) from the saved inner and outer states, and T ^= U(i+1): two SHA-512 blocks. */
    private static void iterate(long[] inner, long[] outer, long[] u, long[] t, long[] w) {
        lastBlock(w, u);
        System.arraycopy(inner, 0, u, 0, HASH_LONGS);
        compress(u, w);
        lastBlock(w, u);
        System.arraycopy(outer, 0, u, 0, HASH_LONGS);
        compress(u, w);
        for (int j = 0; j < HASH_LONGS; j++) {
            t[j] ^= u[j];
        }
    }

    /** The final block of a hash over one 128-byte block and a 64-byte message: the message, then SHA-512's padding. */
    private static void lastBlock(long[] w, long[] message) {
        System.arraycopy(message, 0, w, 0, HASH_LONGS);
        w[8] = 0x8000000000000000L;
        Arrays.fill(w, 9, 15, 0L);
        w[15] = TWO_PART_BITS;
    }

    /** SHA-512's state after the key XOR pad, the first block of every inner (or outer) hash. */
    private static long[] padState(byte[] key, byte pad) {
        byte[] block = new byte[128];
        Arrays.fill(block, pad);
        for (int i = 0; i < key.length; i++) {
            block[i] ^= key[i];
        }
        long[] w = new long[80];
        ByteBuffer.wrap(block).asLongBuffer().get(w, 0, BLOCK_LONGS);
        Arrays.fill(block, (byte) 0);
        long[] state = IV.clone();
        compress(state, w);
        Arrays.fill(w, 0);
        return state;
    }

    private static byte[] firstBlock(byte[] key, byte[] salt) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA512");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA512"));
            mac.update(salt);
            return mac.doFinal(new byte[] {0, 0, 0, 1});
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA512", e); // every JDK must have it
        }
    }

    /** SHA-512's compression function on the 16 words of w[0..15] (w[16..79] is scratch). */
    static void compress(long[] state, long[] w) {
        for (int t = BLOCK_LONGS; t < 80; t++) {
            long x = w[t - 2];
            long y = w[t - 15];
            w[t] = (Long.rotateRight(x, 19) ^ Long.rotateRight(x, 61) ^ (x >>> 6)) + w[t - 7]
                    + (Long.rotateRight(y, 1) ^ Long.rotateRight(y, 8) ^ (y >>> 7)) + w[t - 16];
        }
        long a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        // Eight rounds per pass, the variables taking turns in their roles: no shuffling of eight values each round.
        for (int t = 0; t < 80; t += 8) {
            h += Long.rotateRight(e, 14) ^ Long.rotateRight(e, 18) ^ Long.rotateRight(e, 41);
            h += ((e & f) ^ (~e & g)) + K[t + 0] + w[t + 0];
            d += h;
            h += (Long.rotateRight(a, 28) ^ Long.rotateRight(a, 34) ^ Long.rotateRight(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
            g += Long.rotateRight(d, 14) ^ Long.rotateRight(d, 18) ^ Long.rotateRight(d, 41);
            g += ((d & e) ^ (~d & f)) + K[t + 1] + w[t + 1];
            c += g;
            g += (Long.rotateRight(h, 28) ^ Long.rotateRight(h, 34) ^ Long.rotateRight(h, 39)) + ((h & a) ^ (h & b) ^ (a & b));
            f += Long.rotateRight(c, 14) ^ Long.rotateRight(c, 18) ^ Long.rotateRight(c, 41);
            f += ((c & d) ^ (~c & e)) + K[t + 2] + w[t + 2];
            b += f;
            f += (Long.rotateRight(g, 28) ^ Long.rotateRight(g, 34) ^ Long.rotateRight(g, 39)) + ((g & h) ^ (g & a) ^ (h & a));
            e += Long.rotateRight(b, 14) ^ Long.rotateRight(b, 18) ^ Long.rotateRight(b, 41);
            e += ((b & c) ^ (~b & d)) + K[t + 3] + w[t + 3];
            a += e;
            e += (Long.rotateRight(f, 28) ^ Long.rotateRight(f, 34) ^ Long.rotateRight(f, 39)) + ((f & g) ^ (f & h) ^ (g & h));
            d += Long.rotateRight(a, 14) ^ Long.rotateRight(a, 18) ^ Long.rotateRight(a, 41);
            d += ((a & b) ^ (~a & c)) + K[t + 4] + w[t + 4];
            h += d;
            d += (Long.rotateRight(e, 28) ^ Long.rotateRight(e, 34) ^ Long.rotateRight(e, 39)) + ((e & f) ^ (e & g) ^ (f & g));
            c += Long.rotateRight(h, 14) ^ Long.rotateRight(h, 18) ^ Long.rotateRight(h, 41);
            c += ((h & a) ^ (~h & b)) + K[t + 5] + w[t + 5];
            g += c;
            c += (Long.rotateRight(d, 28) ^ Long.rotateRight(d, 34) ^ Long.rotateRight(d, 39)) + ((d & e) ^ (d & f) ^ (e & f));
            b += Long.rotateRight(g, 14) ^ Long.rotateRight(g, 18) ^ Long.rotateRight(g, 41);
            b += ((g & h) ^ (~g & a)) + K[t + 6] + w[t + 6];
            f += b;
            b += (Long.rotateRight(c, 28) ^ Long.rotateRight(c, 34) ^ Long.rotateRight(c, 39)) + ((c & d) ^ (c & e) ^ (d & e));
            a += Long.rotateRight(f, 14) ^ Long.rotateRight(f, 18) ^ Long.rotateRight(f, 41);
            a += ((f & g) ^ (~f & h)) + K[t + 7] + w[t + 7];
            e += a;
            a += (Long.rotateRight(b, 28) ^ Long.rotateRight(b, 34) ^ Long.rotateRight(b, 39)) + ((b & c) ^ (b & d) ^ (c & d));
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    private static long[] toLongs(byte[] hash) {
        long[] out = new long[HASH_LONGS];
        ByteBuffer.wrap(hash).asLongBuffer().get(out);
        Arrays.fill(hash, (byte) 0);
        return out;
    }

    private static byte[] utf8(char[] chars) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[encoded.remaining()];
        encoded.get(out);
        Arrays.fill(encoded.array(), (byte) 0);
        return out;
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-512", e); // every JDK must have it
        }
    }
}
