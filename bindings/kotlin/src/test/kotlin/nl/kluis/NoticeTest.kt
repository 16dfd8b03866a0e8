package nl.kluis

import nl.kluis.Support.fastArgon2
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File

/** The recipient notice, the mail text `kluis send` prints and a Kluis server mails, in English and Dutch. */
class NoticeTest {
    private val link = "https://kluis.example.org/t/" + "a".repeat(26)

    /** A server link is opened in a browser, where the receive page asks for the password told by phone or SMS. */
    private val browser = mapOf(
        Language.EN to listOf("Open this link in your browser:", "by phone\nor by text message (SMS): it is not in this mail."),
        Language.NL to listOf("Open deze link in uw browser:", "via de telefoon\nof per sms. Het wachtwoord staat niet in deze mail."),
    )

    @Test
    fun `the notice renders in English and Dutch`() {
        val subjects = mapOf(
            Language.EN to "Encrypted files from ann@example.org",
            Language.NL to "Versleutelde bestanden van ann@example.org",
        )
        for ((language, subject) in subjects) {
            val notice = recipientNotice("ann@example.org", link, 1_700_604_800uL, language)
            assertEquals(subject, notice.subject)
            assertTrue("\n    $link\n" in notice.body, notice.body)
            for (sentence in browser.getValue(language)) assertTrue(sentence in notice.body, notice.body)
            assertTrue(notice.body.endsWith("\n    kluis receive $link\n"), notice.body)
            assertTrue("2023-11-21 22:13 UTC" in notice.body, notice.body)
        }
        val english = recipientNotice("ann@example.org", link, 0uL, Language.EN)
        assertEquals(english, recipientNotice("ann@example.org", link, 0uL))
        val dutch = recipientNotice("ann@example.org", link, 0uL, Language.NL)
        assertNotEquals(english.body, dutch.body)
        assertTrue("wachtwoord" in dutch.body && "password" in english.body)
    }

    @Test
    fun `the notice of a sent transfer has the link and no secret`(@TempDir dir: File) {
        val password = generatePassword()
        DirectoryTransport(File(dir, "store").path).use { store ->
            val request = TransferRequest(
                sender = "ann@example.org",
                recipients = listOf("bob@example.org"),
                files = listOf(FileSource.Bytes(name = "jaarverslag.pdf", data = "%PDF".toByteArray(), mediaType = null)),
                password = password,
                subject = "Vertrouwelijk jaarverslag",
                message = "Alleen voor Bob.",
            )
            val sent = sendTransfer(store, request, SendOptions(argon2 = fastArgon2))
            val transferLink = store.link(sent.transferId)
            for (language in Language.entries) {
                val notice = recipientNotice("ann@example.org", transferLink, sent.expiresAt, language)
                assertTrue(transferLink in notice.body)
                // A shared folder's link has no page: the notice says `kluis receive`.
                assertFalse(browser.getValue(language)[0] in notice.body, notice.body)
                assertTrue("\n    kluis receive $transferLink\n" in notice.body, notice.body)
                for (secret in listOf(password, "Vertrouwelijk jaarverslag", "jaarverslag.pdf", "Alleen voor Bob.")) {
                    assertFalse(secret in notice.subject + notice.body, "$language: $secret")
                }
            }
        }
    }

    @Test
    fun `only a transfer link is accepted`() {
        for (bad in listOf("", "$link#password=geheim", "$link?k=1", "https://kluis.example.org/")) {
            val e = assertThrows<KluisException.InvalidArgument> { recipientNotice("ann@example.org", bad, 0uL) }
            assertTrue("not a transfer link" in e.message!!, e.message)
        }
    }
}
