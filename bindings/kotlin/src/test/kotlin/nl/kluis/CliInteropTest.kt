package nl.kluis

import nl.kluis.Support.randomBytes
import nl.kluis.Support.runCli
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File

class CliInteropTest {
    private fun keyFile(dir: File): Pair<File, Secret> {
        val raw = randomBytes(32)
        val f = File(dir, "key.hex").apply { writeText(raw.joinToString("") { "%02x".format(it) } + "\n") }
        return f to Secret.Key(raw)
    }

    @Test
    fun `CLI seals, Kotlin opens`(@TempDir dir: File) {
        val (kf, secret) = keyFile(dir)
        val source = File(dir, "offerte.pdf").apply { writeBytes(randomBytes(200_000)) }
        val sealed = File(dir, "offerte.pdf.kluis")
        runCli("seal", source.path, "-o", sealed.path, "--key-file", kf.path)
        val out = File(dir, "back.pdf")
        val metadata = openFile(sealed.path, out.path, secret)
        assertArrayEquals(source.readBytes(), out.readBytes())
        assertEquals("offerte.pdf", metadata?.name)
        assertEquals(200_000uL, metadata?.size)
        Opener(secret).use { opener ->
            val streamed = Support.concat(Support.pieces(sealed.readBytes(), 999).map { opener.write(it) } + listOf(opener.finish()))
            assertArrayEquals(source.readBytes(), streamed)
        }
    }

    @Test
    fun `Kotlin seals, CLI opens`(@TempDir dir: File) {
        val (kf, secret) = keyFile(dir)
        val source = File(dir, "notes.txt").apply { writeBytes(randomBytes(150_000)) }
        val sealed = File(dir, "notes.txt.kluis")
        sealFile(source.path, sealed.path, listOf(secret), SealOptions(metadata = Metadata(name = "notes.txt", size = 150_000uL)))
        val out = File(dir, "back.txt")
        runCli("open", sealed.path, "-o", out.path, "--key-file", kf.path)
        assertArrayEquals(source.readBytes(), out.readBytes())
    }

    @Test
    fun `password envelopes both ways`(@TempDir dir: File) {
        val password = "zeven woorden voor de kluis"
        val pwFile = File(dir, "pw.txt").apply { writeText(password + "\n") }
        val secret = Secret.Password(password)
        val data = randomBytes(10_000)
        val envelope = Sealer(listOf(secret), SealOptions(argon2 = Argon2Params(mKib = 8192u, t = 1u, p = 1u))).use {
            it.write(data.copyOf(5000)) + it.write(data.copyOfRange(5000, 10_000)) + it.finish()
        }
        File(dir, "a.kluis").writeBytes(envelope)
        runCli("open", File(dir, "a.kluis").path, "-o", File(dir, "a.out").path, "--password-file", pwFile.path)
        assertArrayEquals(data, File(dir, "a.out").readBytes())

        File(dir, "b.bin").writeBytes(data)
        runCli("seal", File(dir, "b.bin").path, "-o", File(dir, "b.kluis").path, "--password-file", pwFile.path, "--argon2", "m=8192,t=1,p=1")
        assertArrayEquals(data, openBytes(File(dir, "b.kluis").readBytes(), secret).plaintext)
    }

    @Test
    fun `CLI refuses what Kotlin refuses`(@TempDir dir: File) {
        val (kf, secret) = keyFile(dir)
        val envelope = sealBytes("abc".toByteArray(), listOf(secret))
        envelope[envelope.size - 3] = (envelope[envelope.size - 3].toInt() xor 1).toByte()
        File(dir, "bad.kluis").writeBytes(envelope)
        val out = File(dir, "out")
        assertNotEquals(0, runCli("open", File(dir, "bad.kluis").path, "-o", out.path, "--key-file", kf.path, check = false))
        assertFalse(out.exists())
        assertThrows<KluisException.Tampered> { openBytes(envelope, secret) }
    }
}
