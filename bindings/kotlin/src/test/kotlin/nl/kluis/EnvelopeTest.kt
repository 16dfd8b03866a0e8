package nl.kluis

import nl.kluis.Support.fast
import nl.kluis.Support.fastArgon2
import nl.kluis.Support.newKey
import nl.kluis.Support.randomBytes
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File

class EnvelopeTest {
    @Test
    fun `bytes round trip with a key`() {
        val key = newKey()
        val envelope = sealBytes("vertrouwelijk".toByteArray(), listOf(key))
        val opened = openBytes(envelope, key)
        assertArrayEquals("vertrouwelijk".toByteArray(), opened.plaintext)
        assertNull(opened.metadata)
    }

    @Test
    fun `password, metadata and several secrets`() {
        val key = newKey()
        val password = Secret.Password(password = "paard batterij nietje")
        val metadata = Metadata(
            name = "notulen.txt", mediaType = "text/plain", size = 5uL,
            modified = "2026-11-26T12:00:00Z", extraJson = """{"x-client":"test"}""",
        )
        val envelope = sealBytes("hallo".toByteArray(), listOf(password, key), SealOptions(argon2 = fastArgon2, metadata = metadata))
        for (secret in listOf(password, key)) {
            val opened = openBytes(envelope, secret)
            assertArrayEquals("hallo".toByteArray(), opened.plaintext)
            assertEquals(metadata, opened.metadata)
        }
    }

    @Test
    fun `sizes around chunk boundaries`() {
        val key = newKey()
        for (size in listOf(0, 1, 4095, 4096, 4097, 3 * 4096)) {
            val data = randomBytes(size)
            assertArrayEquals(data, openBytes(sealBytes(data, listOf(key), SealOptions(chunkSize = 4096uL)), key).plaintext)
        }
    }

    @Test
    fun `inspect needs no secret`() {
        val envelope = sealBytes(
            "abc".toByteArray(), listOf(Secret.Password("a long enough password"), newKey()),
            SealOptions(argon2 = fastArgon2, chunkSize = 8192uL),
        )
        val info = inspect(envelope)
        assertEquals(1.toUByte(), info.version)
        assertEquals(8192uL, info.chunkSize)
        assertEquals(listOf(SlotInfo.Password(fastArgon2), SlotInfo.Key), info.slots)
        assertEquals(info, inspect(envelope.copyOf(info.headerLen.toInt())))
    }

    @Test
    fun `file round trip`(@TempDir dir: File) {
        val key = newKey()
        val source = File(dir, "report.pdf").apply { writeBytes(randomBytes(300_000)) }
        val sealed = File(dir, "report.pdf.kluis")
        sealFile(source.path, sealed.path, listOf(key), SealOptions(metadata = Metadata(name = "report.pdf", size = 300_000uL)))
        val out = File(dir, "out.pdf")
        val metadata = openFile(sealed.path, out.path, key)
        assertArrayEquals(source.readBytes(), out.readBytes())
        assertEquals("report.pdf", metadata?.name)
    }

    @Test
    fun `open_file leaves the output alone on failure`(@TempDir dir: File) {
        val key = newKey()
        val source = File(dir, "in.bin").apply { writeBytes(randomBytes(200_000)) }
        val sealed = File(dir, "in.kluis")
        sealFile(source.path, sealed.path, listOf(key), SealOptions(chunkSize = 4096uL))
        val bytes = sealed.readBytes()
        bytes[bytes.size - 10] = (bytes[bytes.size - 10].toInt() xor 1).toByte()
        sealed.writeBytes(bytes)
        val out = File(dir, "out.bin").apply { writeText("left alone") }
        assertThrows<KluisException.Tampered> { openFile(sealed.path, out.path, key) }
        assertEquals("left alone", out.readText())
        assertEquals(setOf("in.bin", "in.kluis", "out.bin"), dir.list()!!.toSet())
    }

    @Test
    fun `seal options are validated`() {
        val key = newKey()
        assertThrows<KluisException.InvalidArgument> { sealBytes(byteArrayOf(1), listOf(key), SealOptions(chunkSize = 1000uL)) }
        assertTrue(fast.argon2 == fastArgon2)
    }
}
