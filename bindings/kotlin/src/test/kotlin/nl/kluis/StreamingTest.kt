package nl.kluis

import nl.kluis.Support.concat
import nl.kluis.Support.newKey
import nl.kluis.Support.pieces
import nl.kluis.Support.randomBytes
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import kotlin.random.Random

class StreamingTest {
    private val plaintext = randomBytes(300_001)
    private val small = SealOptions(chunkSize = 4096uL)

    /** Tiny splits mean one JNA call per few bytes (tens of µs each): a shorter input, still 5 chunks. */
    private fun inputFor(split: Int) = if (split < 100) plaintext.copyOf(20_001) else plaintext

    private fun sealStream(parts: List<ByteArray>, secrets: List<Secret>, options: SealOptions? = null): ByteArray =
        Sealer(secrets, options).use { sealer -> concat(parts.map { sealer.write(it) } + listOf(sealer.finish())) }

    private fun openStream(parts: List<ByteArray>, secret: Secret): ByteArray =
        Opener(secret).use { opener -> concat(parts.map { opener.write(it) } + listOf(opener.finish())) }

    @ParameterizedTest
    @ValueSource(ints = [1, 7, 13, 4095, 4097, 65535, 65537, 1 shl 20])
    fun `sealer with odd splits`(split: Int) {
        val key = newKey()
        val data = inputFor(split)
        val envelope = sealStream(pieces(data, split), listOf(key), small)
        assertArrayEquals(data, openBytes(envelope, key).plaintext)
        assertEquals(sealBytes(data, listOf(key), small).size, envelope.size)
    }

    @ParameterizedTest
    @ValueSource(ints = [1, 7, 13, 4095, 4097, 65535, 65537, 1 shl 20])
    fun `opener with odd splits`(split: Int) {
        val key = newKey()
        val data = inputFor(split)
        val envelope = sealBytes(data, listOf(key), small)
        assertArrayEquals(data, openStream(pieces(envelope, split), key))
    }

    @Test
    fun `random splits both ways`() {
        val rng = Random(20261126)
        fun randomPieces(data: ByteArray): List<ByteArray> {
            val out = mutableListOf<ByteArray>()
            var i = 0
            while (i < data.size) {
                val n = listOf(0, 1, 3, 17, 4096, 5000, 70000)[rng.nextInt(7)]
                out.add(data.copyOfRange(i, minOf(i + n, data.size)))
                i += n
            }
            return out
        }
        val key = newKey()
        repeat(5) {
            val envelope = sealStream(randomPieces(plaintext), listOf(key), small)
            assertArrayEquals(plaintext, openStream(randomPieces(envelope), key))
        }
    }

    @Test
    fun `only authenticated plaintext is released`() {
        val key = newKey()
        val chunk = 4096
        val data = randomBytes(5 * chunk)
        val envelope = sealBytes(data, listOf(key), small)
        val headerLen = inspect(envelope).headerLen.toInt()
        val at = headerLen + 3 * (chunk + 16) + 5
        envelope[at] = (envelope[at].toInt() xor 0x40).toByte()
        Opener(key).use { opener ->
            val released = ByteArrayOutputStream()
            assertThrows<KluisException.Tampered> {
                for (piece in pieces(envelope, 1000)) released.write(opener.write(piece))
            }
            assertArrayEquals(data.copyOf(3 * chunk), released.toByteArray())
            assertThrows<KluisException.Tampered> { opener.finish() }
        }
    }

    @Test
    fun `a full chunk is held back until the next byte`() {
        val key = newKey()
        val data = randomBytes(2 * 4096)
        val envelope = sealBytes(data, listOf(key), small)
        val h = inspect(envelope).headerLen.toInt()
        Opener(key).use { opener ->
            assertEquals(0, opener.write(envelope.copyOfRange(0, h + 4096 + 16)).size)
            assertArrayEquals(data.copyOf(4096), opener.write(envelope.copyOfRange(h + 4096 + 16, h + 4096 + 17)))
            assertEquals(0, opener.write(envelope.copyOfRange(h + 4096 + 17, envelope.size)).size)
            assertArrayEquals(data.copyOfRange(4096, 8192), opener.finish())
        }
    }

    @Test
    fun `finish fails on truncation`() {
        val key = newKey()
        val envelope = sealBytes(randomBytes(3 * 4096), listOf(key), small)
        Opener(key).use { opener ->
            opener.write(envelope.copyOf(envelope.size - (4096 + 16)))
            assertThrows<KluisException.Truncated> { opener.finish() }
        }
    }

    @Test
    fun `metadata appears once the header is verified`() {
        val secret = Secret.Password("stroom van bytes")
        val envelope = sealBytes(ByteArray(3000) { 7 }, listOf(secret), SealOptions(argon2 = Support.fastArgon2, metadata = Metadata(name = "s.bin")))
        Opener(secret).use { opener ->
            assertNull(opener.metadata())
            val first = opener.write(envelope.copyOf(envelope.size - 1))
            assertEquals("s.bin", opener.metadata()?.name)
            assertArrayEquals(ByteArray(3000) { 7 }, first + opener.write(envelope.copyOfRange(envelope.size - 1, envelope.size)) + opener.finish())
        }
    }

    @Test
    fun `sealer cannot be used after finish`() {
        Sealer(listOf(newKey())).use { sealer ->
            sealer.finish()
            assertThrows<KluisException.InvalidArgument> { sealer.write(byteArrayOf(1)) }
            assertThrows<KluisException.InvalidArgument> { sealer.finish() }
        }
    }

    @Test
    fun `java io streams through the helpers`() {
        val key = newKey()
        val sealed = ByteArrayOutputStream()
        val n = Sealer(listOf(key), small).use { it.sealStream(ByteArrayInputStream(plaintext), sealed, bufferSize = 777) }
        assertEquals(plaintext.size.toLong(), n)
        val opened = ByteArrayOutputStream()
        Opener(key).use { it.openStream(ByteArrayInputStream(sealed.toByteArray()), opened, bufferSize = 1000) }
        assertArrayEquals(plaintext, opened.toByteArray())
    }

    @Test
    fun `objects are shared between threads`() {
        val key = newKey()
        val pool = Executors.newFixedThreadPool(4)
        val parts = java.util.Collections.synchronizedList(mutableListOf<ByteArray>())
        Sealer(listOf(key), small).use { sealer ->
            val lock = Any()
            repeat(4) {
                pool.submit { repeat(50) { synchronized(lock) { parts.add(sealer.write(ByteArray(1000) { 'z'.code.toByte() })) } } }
            }
            pool.shutdown()
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS))
            parts.add(sealer.finish())
        }
        assertArrayEquals(ByteArray(200_000) { 'z'.code.toByte() }, openBytes(concat(parts), key).plaintext)
    }

    @Test
    fun `long calls block only their own thread`() {
        val counter = AtomicLong()
        val stop = AtomicBoolean(false)
        val counting = Thread { while (!stop.get()) counter.incrementAndGet() }
        counting.start()
        try {
            Thread.sleep(50)
            val before = counter.get()
            sealBytes(byteArrayOf(1), listOf(Secret.Password("default Argon2 cost"))) // 64 MiB, 3 passes
            assertTrue(counter.get() - before > 10_000)
        } finally {
            stop.set(true)
            counting.join()
        }
    }
}
