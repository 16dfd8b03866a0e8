package nl.kluis

import java.io.File
import java.security.SecureRandom

/** Shared test helpers. */
object Support {
    /** The repository root (set by the pom for Surefire; else found from the working directory). */
    val repo: File = File(System.getProperty("kluis.repo") ?: "../..").canonicalFile

    /** Cheap Argon2 for password tests (never for real passwords). */
    val fastArgon2 = Argon2Params(mKib = 1024u, t = 1u, p = 1u)
    val fast = SealOptions(argon2 = fastArgon2)

    private val random = SecureRandom()

    fun randomBytes(n: Int): ByteArray = ByteArray(n).also { random.nextBytes(it) }

    fun newKey(): Secret.Key = Secret.Key(key = randomBytes(32))

    /** The kluis CLI: $KLUIS_CLI, else target/release/kluis, else target/debug/kluis. */
    fun cli(): String {
        System.getenv("KLUIS_CLI")?.let { return it }
        for (profile in listOf("release", "debug")) {
            val f = File(repo, "target/$profile/kluis")
            if (f.canExecute()) return f.path
        }
        error("the kluis CLI was not found: run `cargo build -p kluis-cli --release` or set KLUIS_CLI")
    }

    /** Runs the CLI; returns the exit code, fails the test with its output if [check] and non-zero. */
    fun runCli(vararg args: String, check: Boolean = true): Int {
        val process = ProcessBuilder(listOf(cli(), "--quiet") + args).redirectErrorStream(true).start()
        val output = process.inputStream.bufferedReader().readText()
        val code = process.waitFor()
        if (check && code != 0) throw AssertionError("kluis ${args.joinToString(" ")} failed ($code): $output")
        return code
    }

    fun pieces(data: ByteArray, size: Int): List<ByteArray> =
        (data.indices step size).map { data.copyOfRange(it, minOf(it + size, data.size)) }

    fun concat(parts: List<ByteArray>): ByteArray {
        val out = java.io.ByteArrayOutputStream()
        parts.forEach { out.write(it) }
        return out.toByteArray()
    }
}
