package nl.kluis

/**
 * A small JSON reader for the test-vector files (the test classpath has no
 * JSON library): objects as maps, arrays as lists, numbers as Long or
 * Double, strings with every escape. Throws on anything that is not JSON.
 */
object MiniJson {
    fun parse(text: String): Any? {
        val r = Reader(text)
        val value = r.value()
        r.space()
        require(r.at == text.length) { "JSON: trailing text at ${r.at}" }
        return value
    }

    private class Reader(val s: String) {
        var at = 0

        fun space() {
            while (at < s.length && s[at] in " \t\r\n") at++
        }

        fun value(): Any? {
            space()
            require(at < s.length) { "JSON: unexpected end" }
            return when (s[at]) {
                '{' -> obj()
                '[' -> arr()
                '"' -> str()
                't' -> word("true", true)
                'f' -> word("false", false)
                'n' -> word("null", null)
                else -> num()
            }
        }

        fun word(w: String, v: Any?): Any? {
            require(s.startsWith(w, at)) { "JSON: bad literal at $at" }
            at += w.length
            return v
        }

        fun obj(): Map<String, Any?> {
            val m = LinkedHashMap<String, Any?>()
            at++
            space()
            if (s[at] == '}') return m.also { at++ }
            while (true) {
                space()
                val k = str()
                space()
                require(s[at++] == ':') { "JSON: ':' expected at ${at - 1}" }
                m[k] = value()
                space()
                when (s[at++]) {
                    ',' -> continue
                    '}' -> return m
                    else -> throw IllegalArgumentException("JSON: ',' or '}' expected at ${at - 1}")
                }
            }
        }

        fun arr(): List<Any?> {
            val l = ArrayList<Any?>()
            at++
            space()
            if (s[at] == ']') return l.also { at++ }
            while (true) {
                l.add(value())
                space()
                when (s[at++]) {
                    ',' -> continue
                    ']' -> return l
                    else -> throw IllegalArgumentException("JSON: ',' or ']' expected at ${at - 1}")
                }
            }
        }

        fun str(): String {
            require(s[at] == '"') { "JSON: string expected at $at" }
            at++
            val b = StringBuilder()
            while (true) {
                val c = s[at++]
                when (c) {
                    '"' -> return b.toString()
                    '\\' -> {
                        val e = s[at++]
                        when (e) {
                            '"', '\\', '/' -> b.append(e)
                            'b' -> b.append('\b')
                            'f' -> b.append('\u000c')
                            'n' -> b.append('\n')
                            'r' -> b.append('\r')
                            't' -> b.append('\t')
                            'u' -> b.append(s.substring(at, at + 4).toInt(16).toChar()).also { at += 4 }
                            else -> throw IllegalArgumentException("JSON: bad escape at ${at - 1}")
                        }
                    }
                    else -> b.append(c)
                }
            }
        }

        fun num(): Any {
            val start = at
            while (at < s.length && s[at] in "-+.eE0123456789") at++
            val t = s.substring(start, at)
            require(t.isNotEmpty()) { "JSON: unexpected '${s[start]}' at $start" }
            return t.toLongOrNull() ?: t.toDouble()
        }
    }
}
