// Kluis in Kotlin, first five minutes: seal and open bytes, files and streams.
// Compiled and run by the tests in bindings/kotlin (ExamplesTest).
package nl.kluis.examples.sealopen

import nl.kluis.KluisException
import nl.kluis.Metadata
import nl.kluis.Opener
import nl.kluis.SealOptions
import nl.kluis.Sealer
import nl.kluis.Secret
import nl.kluis.inspect
import nl.kluis.openBytes
import nl.kluis.openFile
import nl.kluis.sealBytes
import nl.kluis.sealFile
import java.io.File
import java.nio.file.Files
import java.security.SecureRandom

fun main() {
    // A password (Argon2id; the default cost is 64 MiB, 3 passes) and a raw 32-byte key.
    val password = Secret.Password(password = "paard batterij nietje")
    val myKey = Secret.Key(key = ByteArray(32).also { SecureRandom().nextBytes(it) })

    // Bytes in memory: either secret opens the envelope.
    val options = SealOptions(metadata = Metadata(name = "notulen.txt", mediaType = "text/plain"))
    val envelope = sealBytes("vertrouwelijk".toByteArray(), listOf(password, myKey), options)
    val opened = openBytes(envelope, myKey)
    println("opened: ${String(opened.plaintext)} named ${opened.metadata?.name}")

    // What anyone can see without a secret.
    println("slots: ${inspect(envelope).slots}")

    // Errors are classes, one per kind.
    try {
        openBytes(envelope, Secret.Password("fout"))
    } catch (e: KluisException.WrongSecret) {
        println("refused: ${e.message}")
    }

    val dir = Files.createTempDirectory("kluis-example").toFile()
    try {
        // Files: the output appears only once complete (atomic).
        val source = File(dir, "report.pdf").apply { writeBytes(ByteArray(100_000)) }
        sealFile(source.path, "${source.path}.kluis", listOf(myKey))
        val metadata = openFile("${source.path}.kluis", File(dir, "copy.pdf").path, myKey)
        println("file round trip ok; metadata: $metadata")

        // Streams: pieces of any size; only authenticated plaintext comes out.
        // Objects are AutoCloseable: `use` frees the Rust side at once.
        val pieces = Sealer(listOf(myKey)).use { listOf(it.write("part one, ".toByteArray()), it.write("part two".toByteArray()), it.finish()) }
        val plaintext = Opener(myKey).use { opener -> pieces.map { opener.write(it) }.reduce(ByteArray::plus) + opener.finish() }
        println("stream: ${String(plaintext)}")
        check(String(plaintext) == "part one, part two")
    } finally {
        dir.deleteRecursively()
    }
}
