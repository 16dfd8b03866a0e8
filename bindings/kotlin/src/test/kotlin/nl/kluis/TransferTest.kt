package nl.kluis

import nl.kluis.Support.fastArgon2
import nl.kluis.Support.randomBytes
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.security.MessageDigest

class TransferTest {
    private val send = SendOptions(argon2 = fastArgon2, pieceSize = 64uL * 1024uL)

    private fun request(password: String, files: List<FileSource>, expiresIn: ULong = 604800uL, allowWeak: Boolean = false) =
        TransferRequest(
            sender = "ann@example.org",
            recipients = listOf("bob@example.org", "carol@example.org"),
            files = files,
            password = password,
            subject = "Offerte",
            message = "Bob, hierbij de offerte.",
            expiresInSeconds = expiresIn,
            allowWeakPassword = allowWeak,
        )

    private fun sha256(b: ByteArray) = MessageDigest.getInstance("SHA-256").digest(b).joinToString("") { "%02x".format(it) }

    @Test
    fun `directory store, link, receive, download`(@TempDir dir: File) {
        val report = File(dir, "report.pdf").apply { writeBytes(randomBytes(300_000)) }
        val password = generatePassword()
        DirectoryTransport(File(dir, "store").path).use { store ->
            val files = listOf(
                FileSource.Path(path = report.path, name = null, mediaType = null),
                FileSource.Bytes(name = "notes.txt", data = "remember the milk".toByteArray(), mediaType = "text/plain"),
            )
            val sent = sendTransfer(store, request(password, files), send)
            assertEquals(26, sent.transferId.length)
            assertEquals(7uL * 86400uL, sent.expiresAt - sent.createdAt)
            val link = store.link(sent.transferId)
            assertTrue(link.startsWith("file://") && password !in link)

            val parsed = parseLink(link)
            assertEquals(sent.transferId, parsed.transferId)
            DirectoryTransport(parsed.storePath!!).use { theirs ->
                openTransfer(theirs, parsed.transferId, password).use { received ->
                    val info = received.info()
                    assertEquals("ann@example.org", info.sender)
                    assertEquals(listOf("bob@example.org", "carol@example.org"), info.recipients)
                    assertEquals("Bob, hierbij de offerte.", info.message)
                    assertEquals(listOf("report.pdf", "notes.txt"), info.files.map { it.name })
                    assertEquals(sha256(report.readBytes()), info.files[0].sha256)
                    assertArrayEquals("remember the milk".toByteArray(), received.readFile(1u))
                    val downloads = File(dir, "downloads").apply { mkdir() }
                    val paths = received.downloadAll(downloads.path)
                    assertEquals(listOf("report.pdf", "notes.txt"), paths.map { File(it).name })
                    assertArrayEquals(report.readBytes(), File(downloads, "report.pdf").readBytes())
                    assertThrows<KluisException.AlreadyExists> { received.downloadFile(0u, downloads.path) }
                    received.downloadFile(0u, downloads.path, overwrite = true)
                    val other = received.downloadFileTo(1u, File(dir, "elsewhere.txt").path)
                    assertEquals("remember the milk", File(other).readText())
                }
            }
        }
    }

    @Test
    fun `a Kotlin transport carries a whole transfer`(@TempDir dir: File) {
        val transport = MapTransport()
        val password = generatePassword()
        val data = randomBytes(200_000)
        val files = listOf(
            FileSource.Bytes(name = "a.bin", data = data, mediaType = null),
            FileSource.Bytes(name = "a.bin", data = "second file, same name".toByteArray(), mediaType = null),
        )
        val sent = sendTransfer(transport, request(password, files), send)
        assertTrue(transport.calls.getValue("putRange") >= 4)
        assertEquals(3, transport.calls["finishBlob"])
        assertEquals(sent.expiresAt, transport.expires[sent.transferId])
        assertEquals(sent.storedBytes, transport.complete.filterKeys { it.first == sent.transferId }.values.sumOf { it.size.toULong() })
        // Announced once, before the upload: every blob with its sealed size.
        val plan = transport.plans.single()
        assertEquals(sent.transferId, plan.transferId)
        assertEquals("manifest", plan.blobs.last().name)
        assertEquals(sent.storedBytes, plan.blobs.sumOf { it.size })

        openTransfer(transport, sent.transferId, password, ReceiveOptions(pieceSize = 4096uL)).use { received ->
            assertEquals(listOf("a.bin", "a (2).bin"), received.info().files.map { it.saveName })
            assertArrayEquals(data, received.readFile(0u))
            assertTrue(transport.calls.getValue("readRange") > 200_000 / 4096)
            received.downloadAll(dir.path)
            assertEquals("second file, same name", File(dir, "a (2).bin").readText())
        }
        assertEquals(listOf<String>(), purgeExpired(transport, now = sent.expiresAt - 1uL))
        assertEquals(listOf(sent.transferId), purgeExpired(transport, now = sent.expiresAt))
        assertThrows<KluisException.NotFound> { openTransfer(transport, sent.transferId, password) }
    }

    @Test
    fun `transfer error kinds`() {
        val transport = MapTransport()
        val password = generatePassword()
        val files = listOf(FileSource.Bytes(name = "x.txt", data = ByteArray(1000) { 'x'.code.toByte() }, mediaType = null))
        val sent = sendTransfer(transport, request(password, files, expiresIn = 3600uL), send)
        val tid = sent.transferId
        assertThrows<KluisException.WrongSecret> { openTransfer(transport, tid, "not-the-password") }
        assertThrows<KluisException.NotFound> { openTransfer(transport, "a".repeat(26), password) }
        val expired = assertThrows<KluisException.Expired> { openTransfer(transport, tid, password, ReceiveOptions(now = sent.expiresAt)) }
        assertTrue("expired" in expired.message!!)
        assertThrows<KluisException.InvalidArgument> { openTransfer(transport, "not an id", password) }

        openTransfer(transport, tid, password).use { received ->
            val blobKey = transport.complete.keys.single { it.first == tid && it.second != "manifest" }
            val damaged = transport.complete.getValue(blobKey).clone()
            damaged[damaged.size - 1] = (damaged.last().toInt() xor 1).toByte()
            transport.complete[blobKey] = damaged
            assertThrows<KluisException.Tampered> { received.readFile(0u) }
            transport.complete.remove(blobKey)
            assertThrows<KluisException.NotFound> { received.readFile(0u) }
            assertThrows<KluisException.InvalidArgument> { received.readFile(5u) }
        }
    }

    @Test
    fun `weak passwords are refused unless allowed`() {
        val transport = MapTransport()
        val files = listOf(FileSource.Bytes(name = "x.txt", data = byteArrayOf(1), mediaType = null))
        assertThrows<KluisException.WeakPassword> { sendTransfer(transport, request("password123", files), send) }
        val sent = sendTransfer(transport, request("password123", files, allowWeak = true), send)
        openTransfer(transport, sent.transferId, "password123").use { assertArrayEquals(byteArrayOf(1), it.readFile(0u)) }
    }

    @Test
    fun `exceptions thrown by a Kotlin transport`() {
        val files = listOf(FileSource.Bytes(name = "x.txt", data = byteArrayOf(1), mediaType = null))
        val failing = object : MapTransport() {
            override fun putRange(transferId: String, blob: String, offset: ULong, data: ByteArray) =
                throw TransportException.Io("disk full")
        }
        val e = assertThrows<KluisException.Transport> { sendTransfer(failing, request(generatePassword(), files), send) }
        assertTrue("disk full" in e.message!!, e.message)
        val broken = object : MapTransport() {
            override fun putRange(transferId: String, blob: String, offset: ULong, data: ByteArray) =
                throw IllegalStateException("a bug in the transport")
        }
        val b = assertThrows<KluisException.Transport> { sendTransfer(broken, request(generatePassword(), files), send) }
        assertTrue("a bug in the transport" in b.message!!, b.message)
    }

    @Test
    fun `generated and rated passwords`() {
        val pw = generatePassword()
        assertEquals(6, pw.split("-").size)
        assertTrue(pw.split("-").all { it.length == 4 })
        assertEquals(10, generatePassword(PasswordStyle.WORDS).split("-").size)
        assertTrue(ratePassword(pw).acceptable)
        val weak = ratePassword("password123")
        assertFalse(weak.acceptable)
        assertTrue(weak.score < 3u)
        assertTrue(weak.reason!!.isNotEmpty())
        assertTrue(ratePassword("bakkerijjansen", listOf("p.jansen@bakkerij.nl")).guessesLog10 < ratePassword("bakkerijjansen").guessesLog10)
        val strong = ratePassword("Tulpen fietsen 7 keer langs de Amstel")
        assertTrue(strong.acceptable)
        assertNull(strong.reason)
    }
}
