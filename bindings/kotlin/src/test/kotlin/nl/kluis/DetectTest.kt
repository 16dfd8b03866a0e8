package nl.kluis

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File

/**
 * The sensitive-content detector (docs/DETECT.md) through the FFI: the
 * shared vectors (docs/test-vectors/detect-vectors.json) and files, with
 * the assertions of the Python tests.
 */
class DetectTest {
    private val numberKinds = setOf("bsn", "iban", "credit_card", "id_document", "driving_licence")

    @Suppress("UNCHECKED_CAST")
    private val vectors: List<Map<String, Any?>> by lazy {
        val doc = MiniJson.parse(File(Support.repo, "docs/test-vectors/detect-vectors.json").readText()) as Map<String, Any?>
        doc["vectors"] as List<Map<String, Any?>>
    }

    @Suppress("UNCHECKED_CAST")
    @TestFactory
    fun `the shared vectors`(): List<DynamicTest> {
        assertTrue(vectors.size >= 30, "only ${vectors.size} vectors read")
        return vectors.map { v ->
            DynamicTest.dynamicTest(v["name"] as String) {
                val text = v["text"] as String
                val found = scanText(text)
                val got = found.map { Triple(it.kind, it.start.toLong(), it.end.toLong()) }
                val want = (v["findings"] as List<Map<String, Any?>>).map {
                    Triple(it["kind"] as String, it["start"] as Long, it["end"] as Long)
                }
                assertEquals(want, got)
                val bytes = text.toByteArray(Charsets.UTF_8)
                for (f in found) {
                    assertTrue(f.reason.isNotEmpty() && f.reasonNl.isNotEmpty() && f.confidence > 0f && f.confidence <= 1f)
                    if (f.kind in numberKinds) {
                        val number = String(bytes.copyOfRange(f.start.toInt(), f.end.toInt()), Charsets.UTF_8)
                        assertFalse(number in f.excerpt, "${f.excerpt} shows $number")
                    }
                }
            }
        }
    }

    @Test
    fun `scanFile reads a document and refuses what it cannot read`(@TempDir dir: File) {
        val note = File(dir, "brief.html").apply { writeText("<p>Burgerservicenummer: <b>111222333</b></p>") }
        val found = scanFile(note.path)
        assertEquals(listOf("bsn" to "contains a valid citizen service number (BSN)"), found.map { it.kind to it.reason })
        assertEquals("bevat een geldig burgerservicenummer (BSN)", found[0].reasonNl)
        assertThrows<KluisException.Io> { scanFile(File(dir, "missing.txt").path) }
        val binary = File(dir, "tool.bin").apply { writeBytes(byteArrayOf(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0)) }
        assertThrows<KluisException.Malformed> { scanFile(binary.path) }
    }
}
