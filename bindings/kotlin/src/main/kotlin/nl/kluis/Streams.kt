// Hand-written conveniences for JVM streams on top of the generated
// bindings (target/generated-sources/uniffi/nl/kluis/kluis_ffi.kt). They only
// move bytes between java.io streams and the Sealer/Opener objects.
package nl.kluis

import java.io.InputStream
import java.io.OutputStream

private const val DEFAULT_BUFFER = 1 shl 20

/**
 * Seals everything [input] yields into [output] (the complete envelope) and
 * finishes the sealer. Returns the number of plaintext bytes. Closes neither stream.
 */
@Throws(KluisException::class, java.io.IOException::class)
fun Sealer.sealStream(input: InputStream, output: OutputStream, bufferSize: Int = DEFAULT_BUFFER): Long {
    val buf = ByteArray(bufferSize)
    var total = 0L
    while (true) {
        val n = input.read(buf)
        if (n < 0) break
        if (n == 0) continue
        output.write(write(if (n == buf.size) buf else buf.copyOf(n)))
        total += n
    }
    output.write(finish())
    output.flush()
    return total
}

/**
 * Opens the envelope that [input] yields, writing to [output] only
 * authenticated plaintext, and checks that it is complete. Returns the number
 * of plaintext bytes. On an exception, what was written is an authenticated
 * prefix that the caller should discard. Closes neither stream.
 */
@Throws(KluisException::class, java.io.IOException::class)
fun Opener.openStream(input: InputStream, output: OutputStream, bufferSize: Int = DEFAULT_BUFFER): Long {
    val buf = ByteArray(bufferSize)
    var total = 0L
    while (true) {
        val n = input.read(buf)
        if (n < 0) break
        if (n == 0) continue
        val plain = write(if (n == buf.size) buf else buf.copyOf(n))
        output.write(plain)
        total += plain.size
    }
    val last = finish()
    output.write(last)
    output.flush()
    return total + last.size
}
