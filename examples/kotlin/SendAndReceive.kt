// Kluis in Kotlin, first five minutes: send and receive a transfer.
// The sender mails the link; the password goes another way (phone, chat).
// Compiled and run by the tests in bindings/kotlin (ExamplesTest).
package nl.kluis.examples.transfer

import nl.kluis.DirectoryTransport
import nl.kluis.FileSource
import nl.kluis.TransferRequest
import nl.kluis.generatePassword
import nl.kluis.openTransfer
import nl.kluis.parseLink
import nl.kluis.ratePassword
import nl.kluis.sendTransfer
import java.io.File
import java.nio.file.Files

fun main() {
    val dir = Files.createTempDirectory("kluis-example").toFile()
    try {
        // A folder store (DirectoryTransport.openDefault() uses ~/.local/share/kluis/store).
        val link: String
        val password = generatePassword() // e.g. k7mq-3xpz-h9wd-2rtf-bn4c-e8ya
        DirectoryTransport(File(dir, "store").path).use { store ->
            // Sender
            val request = TransferRequest(
                sender = "ann@example.org",
                recipients = listOf("bob@example.org"),
                subject = "Contract",
                message = "Bob, the signed contract.",
                files = listOf(FileSource.Bytes(name = "contract.pdf", data = "%PDF-1.7 ...".toByteArray(), mediaType = null)),
                password = password,
                expiresInSeconds = 7uL * 86400uL,
            )
            val sent = sendTransfer(store, request)
            link = store.link(sent.transferId)
            println("mail this link: $link")
        }

        // A password chosen by a person is rated first.
        println("'password123' acceptable? ${ratePassword("password123").acceptable}")

        // Recipient
        val parsed = parseLink(link)
        DirectoryTransport(parsed.storePath!!).use { store ->
            openTransfer(store, parsed.transferId, password).use { received ->
                val info = received.info()
                println("from ${info.sender}: ${info.subject}, message: ${info.message}")
                val downloads = File(dir, "Downloads").apply { mkdir() }
                received.downloadAll(downloads.path).forEach { println("saved $it") }
                check(File(downloads, "contract.pdf").readText() == "%PDF-1.7 ...")
            }
        }
    } finally {
        dir.deleteRecursively()
    }
}
