package nl.kluis

/**
 * A Transport written in Kotlin: the whole store in maps. It follows the
 * contract of `kluis_transfer::Transport` and throws [TransportException]s,
 * which the transfer code maps to `KluisException.NotFound` / `.Transport`.
 */
open class MapTransport : Transport {
    val partial = HashMap<Pair<String, String>, ByteArray>()
    val complete = HashMap<Pair<String, String>, ByteArray>()
    val expires = HashMap<String, ULong>()
    val transfers = HashSet<String>()
    val calls = HashMap<String, Int>()
    val plans = ArrayList<TransferPlan>()
    private val lock = Any()

    private fun count(name: String) { calls[name] = (calls[name] ?: 0) + 1 }

    // Called before every upload attempt: idempotent. A plain store keeps
    // only the announcement, for the tests to look at.
    override fun beginTransfer(plan: TransferPlan) = synchronized(lock) {
        count("beginTransfer")
        plans.add(plan)
        Unit
    }

    override fun putRange(transferId: String, blob: String, offset: ULong, data: ByteArray) = synchronized(lock) {
        count("putRange")
        val key = transferId to blob
        if (transferId in expires) throw TransportException.Conflict("transfer $transferId is finished")
        if (key in complete) throw TransportException.Conflict("$blob is already complete")
        val old = partial[key] ?: ByteArray(0)
        if (offset > old.size.toULong()) throw TransportException.Conflict("offset $offset past the end (${old.size})")
        partial[key] = old.copyOf(offset.toInt()) + data
        transfers.add(transferId)
        Unit
    }

    override fun partialLen(transferId: String, blob: String): ULong? = synchronized(lock) {
        partial[transferId to blob]?.size?.toULong()
    }

    override fun finishBlob(transferId: String, blob: String, totalLen: ULong) = synchronized(lock) {
        count("finishBlob")
        val key = transferId to blob
        complete[key]?.let {
            if (it.size.toULong() != totalLen) throw TransportException.Conflict("complete with another length")
            return@synchronized
        }
        val bytes = partial[key] ?: throw TransportException.NotFound("$blob of $transferId")
        if (bytes.size.toULong() != totalLen) throw TransportException.Conflict("${bytes.size} bytes, not $totalLen")
        complete[key] = partial.remove(key)!!
    }

    override fun completeLen(transferId: String, blob: String): ULong? = synchronized(lock) {
        complete[transferId to blob]?.size?.toULong()
    }

    override fun readRange(transferId: String, blob: String, offset: ULong, length: ULong): ByteArray = synchronized(lock) {
        count("readRange")
        val bytes = complete[transferId to blob] ?: throw TransportException.NotFound("$blob of $transferId")
        val start = minOf(offset, bytes.size.toULong()).toInt()
        val end = minOf(offset + length, bytes.size.toULong()).toInt()
        bytes.copyOfRange(start, end)
    }

    override fun finishTransfer(transferId: String, expiresAt: ULong) = synchronized(lock) {
        if (transferId !in transfers) throw TransportException.NotFound(transferId)
        if ((transferId to "manifest") !in complete) throw TransportException.Conflict("the manifest is not complete")
        if ((expires[transferId] ?: expiresAt) != expiresAt) throw TransportException.Conflict("finished with another expiry")
        expires[transferId] = expiresAt
    }

    override fun expiry(transferId: String): ULong? = synchronized(lock) {
        if (transferId !in transfers) throw TransportException.NotFound(transferId)
        expires[transferId]
    }

    override fun deleteTransfer(transferId: String) = synchronized(lock) {
        transfers.remove(transferId)
        expires.remove(transferId)
        partial.keys.removeIf { it.first == transferId }
        complete.keys.removeIf { it.first == transferId }
        Unit
    }

    override fun listExpired(now: ULong): List<String> = synchronized(lock) {
        expires.filterValues { it <= now }.keys.sorted()
    }
}
