package nl.kluis

import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.ByteArrayOutputStream
import java.io.PrintStream

/** The examples in examples/kotlin (compiled with the tests, see the pom) run as they are. */
class ExamplesTest {
    private fun output(block: () -> Unit): String {
        val saved = System.out
        val buffer = ByteArrayOutputStream()
        System.setOut(PrintStream(buffer, true))
        try {
            block()
        } finally {
            System.setOut(saved)
        }
        return buffer.toString().also { print(it) }
    }

    @Test
    fun `seal and open example`() {
        val out = output { nl.kluis.examples.sealopen.main() }
        assertTrue("stream: part one, part two" in out, out)
    }

    @Test
    fun `send and receive example`() {
        val out = output { nl.kluis.examples.transfer.main() }
        assertTrue("mail this link: file://" in out && "saved " in out, out)
    }
}
