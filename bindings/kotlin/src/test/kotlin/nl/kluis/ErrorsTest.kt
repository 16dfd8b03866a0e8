package nl.kluis

import nl.kluis.Support.newKey
import nl.kluis.Support.randomBytes
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import kotlin.reflect.KClass

class ErrorsTest {
    private val kit = File(Support.repo, "docs/test-vectors/malformed")

    /** The core's error kinds (docs/FORMAT.md section 10) and the exception each throws. */
    private val kindToClass: Map<String, KClass<out KluisException>> = mapOf(
        "BadMagic" to KluisException.Malformed::class,
        "UnsupportedVersion" to KluisException.Malformed::class,
        "MalformedHeader" to KluisException.Malformed::class,
        "LimitsExceeded" to KluisException.LimitsExceeded::class,
        "WrongSecret" to KluisException.WrongSecret::class,
        "HeaderTampered" to KluisException.Tampered::class,
        "ChunkTampered" to KluisException.Tampered::class,
        "TrailingData" to KluisException.Tampered::class,
        "SizeMismatch" to KluisException.Tampered::class,
        "Truncated" to KluisException.Truncated::class,
    )

    private data class Case(val expect: String, val file: String, val secret: Secret)

    /** cases.json, read with two regular expressions (its keys are sorted: about, expect, file, secret). */
    private fun cases(): List<Case> {
        val text = File(kit, "cases.json").readText()
        val secretsBlock = text.substringAfter("\"secrets\"")
        val secrets = Regex(""""((?:wrong-)?(?:key|password))":\s*"([^"]*)"""").findAll(secretsBlock).associate { m ->
            val (name, value) = m.destructured
            name to if (name.endsWith("key")) Secret.Key(value.chunked(2).map { it.toInt(16).toByte() }.toByteArray()) else Secret.Password(value)
        }
        val cases = Regex(""""expect":\s*"(\w+)",\s*"file":\s*"([^"]+)",\s*"secret":\s*"([^"]+)"""").findAll(text).map { m ->
            val (expect, file, secret) = m.destructured
            Case(expect, file, secrets.getValue(secret))
        }.toList()
        assertTrue(cases.size >= 60, "cases.json: only ${cases.size} cases parsed")
        return cases
    }

    private fun assertKind(expected: KClass<out KluisException>, block: () -> Unit) {
        val e = assertThrows<KluisException> { block() }
        assertEquals(expected, e::class, "got ${e::class.simpleName}: ${e.message}")
    }

    @TestFactory
    fun `malformed kit through openBytes`(): List<DynamicTest> = cases().map { c ->
        DynamicTest.dynamicTest(c.file) {
            assertKind(kindToClass.getValue(c.expect)) { openBytes(File(kit, c.file).readBytes(), c.secret) }
        }
    }

    @TestFactory
    fun `malformed kit through an Opener in 1013-byte pieces`(): List<DynamicTest> = cases().map { c ->
        DynamicTest.dynamicTest(c.file) {
            val envelope = File(kit, c.file).readBytes()
            Opener(c.secret).use { opener ->
                assertKind(kindToClass.getValue(c.expect)) {
                    Support.pieces(envelope, 1013).forEach { opener.write(it) }
                    opener.finish()
                }
            }
        }
    }

    @Test
    fun `messages are readable`() {
        val key = newKey()
        val e = assertThrows<KluisException.WrongSecret> { openBytes(sealBytes(byteArrayOf(1), listOf(key)), newKey()) }
        assertEquals("wrong password or key", e.message)
        val envelope = sealBytes(ByteArray(10), listOf(key))
        envelope[envelope.size - 1] = (envelope.last().toInt() xor 1).toByte()
        val t = assertThrows<KluisException.Tampered> { openBytes(envelope, key) }
        assertTrue(t.message!!.startsWith("chunk 0 failed to authenticate"), t.message)
    }

    @Test
    fun `every envelope kind`(@TempDir dir: File) {
        val key = newKey()
        val long = sealBytes(randomBytes(70_000), listOf(key))
        assertKind(KluisException.Truncated::class) { openBytes(long.copyOf(long.size - (70_000 - 65_536 + 16)), key) }
        val pw = Secret.Password("een wachtwoord")
        val cheap = sealBytes(byteArrayOf(1), listOf(pw), Support.fast)
        assertKind(KluisException.LimitsExceeded::class) { openBytes(cheap, pw, OpenLimits(maxMKib = 512u)) }
        assertKind(KluisException.Malformed::class) { openBytes("not an envelope".toByteArray(), key) }
        assertKind(KluisException.Malformed::class) { inspect("KL".toByteArray()) }
        assertKind(KluisException.Io::class) { openFile(File(dir, "missing").path, File(dir, "out").path, key) }
    }

    @Test
    fun `invalid arguments`() {
        val key = newKey()
        val calls: List<() -> Unit> = listOf(
            { sealBytes(byteArrayOf(1), listOf()) },
            { sealBytes(byteArrayOf(1), listOf(Secret.Key(ByteArray(5)))) },
            { sealBytes(byteArrayOf(1), listOf(Secret.Password(""))) },
            { sealBytes(byteArrayOf(1), List(17) { key }) },
            { sealBytes(byteArrayOf(1), listOf(key), SealOptions(argon2 = Argon2Params(mKib = 8u, t = 0u, p = 1u))) },
            { sealBytes(byteArrayOf(1), listOf(key), SealOptions(metadata = Metadata(name = "../etc/passwd"))) },
            { sealBytes(byteArrayOf(1), listOf(key), SealOptions(metadata = Metadata(extraJson = "[1]"))) },
            { Opener(Secret.Key(ByteArray(31))).close() },
            { Sealer(listOf(key), SealOptions(metadata = Metadata(size = 10uL))).use { it.write(ByteArray(5)); it.finish() } },
            { Sealer(listOf(key), SealOptions(metadata = Metadata(size = 10uL))).use { it.write(ByteArray(5)); it.write(ByteArray(6)) } },
        )
        for (call in calls) assertKind(KluisException.InvalidArgument::class, call)
    }

    @Test
    fun `kinds are distinct subclasses of one exception`() {
        val kinds = listOf(
            KluisException.WrongSecret("x"), KluisException.Tampered("x"), KluisException.Truncated("x"),
            KluisException.LimitsExceeded("x"), KluisException.Malformed("x"), KluisException.Expired("x"),
            KluisException.NotFound("x"), KluisException.WeakPassword("x"), KluisException.AlreadyExists("x"),
            KluisException.InvalidArgument("x"), KluisException.Transport("x"), KluisException.Io("x"),
        )
        assertEquals(kinds.size, kinds.map { it::class }.toSet().size)
        assertTrue(kinds.all { it.message == "x" })
    }
}
