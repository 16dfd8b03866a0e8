package nl.kluis

import nl.kluis.Support.newKey
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.lang.reflect.Modifier

/**
 * A record built with no arguments is the Rust default: uniffi writes each
 * record's defaults into the Kotlin code as literals, and the `default*()`
 * functions return the Rust crates' own defaults. A literal that drifts
 * from Rust fails here (kluis-ffi's Rust tests compare the same literals).
 */
class DefaultsTest {
    /** The record's properties by name (its backing fields, read by reflection). */
    private fun fields(record: Any): Map<String, Any?> =
        record.javaClass.declaredFields
            .filter { !Modifier.isStatic(it.modifiers) }
            .associate { field -> field.isAccessible = true; field.name to field.get(record) }

    private fun assertFieldsEqual(rust: Any, built: Any) {
        val expected = fields(rust)
        val actual = fields(built)
        assertTrue(expected.isNotEmpty())
        assertEquals(expected.keys, actual.keys)
        for ((name, value) in expected) {
            assertEquals(value, actual[name], "${rust.javaClass.simpleName}.$name: ${actual[name]} here, $value in Rust")
        }
        assertEquals(rust, built)
    }

    @Test
    fun `records built without arguments are the Rust defaults`() {
        assertFieldsEqual(defaultArgon2Params(), Argon2Params())
        assertFieldsEqual(defaultMetadata(), Metadata())
        assertFieldsEqual(defaultSealOptions(), SealOptions())
        assertFieldsEqual(defaultOpenLimits(), OpenLimits())
        assertFieldsEqual(defaultSendOptions(), SendOptions())
        assertFieldsEqual(defaultReceiveOptions(), ReceiveOptions())
        assertFieldsEqual(defaultHttpOptions(), HttpOptions())
    }

    @Test
    fun `a transfer request takes the Rust defaults for what is left out`() {
        val built = TransferRequest(sender = "ann@example.org", recipients = listOf("bob@example.org"), files = listOf(), password = "pw")
        assertFieldsEqual(defaultTransferRequest("ann@example.org", listOf("bob@example.org"), listOf(), "pw"), built)
    }

    @Test
    fun `a changed field is no longer the default`() {
        val changed = SealOptions(chunkSize = defaultSealOptions().chunkSize * 2uL)
        assertNotEquals(defaultSealOptions(), changed)
        assertNotEquals(fields(defaultSealOptions())["chunkSize"], fields(changed)["chunkSize"])
    }

    @Test
    fun `calls without options use the exported defaults`() {
        val envelope = sealBytes(byteArrayOf(1), listOf(newKey()))
        assertEquals(defaultSealOptions().chunkSize, inspect(envelope).chunkSize)
        assertEquals(defaultArgon2Params(), defaultSealOptions().argon2)
        assertEquals(defaultArgon2Params(), defaultSendOptions().argon2)
    }
}
