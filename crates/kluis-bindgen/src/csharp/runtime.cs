/// <summary>
/// A failure inside the bindings rather than one of the library's own errors:
/// a Rust panic, a native library that does not match these bindings, or a
/// value that cannot cross to Rust.
/// </summary>
public class InternalException : Exception
{
    /// <summary>An internal error described by <paramref name="message"/>.</summary>
    public InternalException(string message) : base(message)
    {
    }
}

// ---------------------------------------------------------------------------
// The uniffi ABI (contract version 30): buffers, call status, handles.
// Everything below is internal to the bindings.
// ---------------------------------------------------------------------------

/// <summary>Bytes owned by Rust (uniffi's <c>RustBuffer</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UniffiRustBuffer
{
    internal ulong Capacity;
    internal ulong Len;
    internal IntPtr Data;

    internal static UniffiRustBuffer Alloc(int size)
    {
        var status = new UniffiRustCallStatus();
        UniffiRustBuffer buffer = UniffiNative.RustBufferAlloc((ulong)size, ref status);
        UniffiCall.Check(ref status, null);
        if (size > 0 && buffer.Data == IntPtr.Zero)
        {
            throw new InternalException("RustBuffer allocation of " + size + " bytes failed");
        }
        return buffer;
    }

    internal static void Free(UniffiRustBuffer buffer)
    {
        var status = new UniffiRustCallStatus();
        UniffiNative.RustBufferFree(buffer, ref status);
        UniffiCall.Check(ref status, null);
    }

    /// <summary>A new RustBuffer holding <paramref name="count"/> bytes of <paramref name="bytes"/>.</summary>
    internal static UniffiRustBuffer FromBytes(byte[] bytes, int count)
    {
        UniffiRustBuffer buffer = Alloc(count);
        if (count > 0)
        {
            Marshal.Copy(bytes, 0, buffer.Data, count);
        }
        buffer.Len = (ulong)count;
        return buffer;
    }

    /// <summary>Copies the contents into a managed array and frees the RustBuffer.</summary>
    internal static byte[] TakeBytes(UniffiRustBuffer buffer)
    {
        try
        {
            if (buffer.Len > int.MaxValue)
            {
                throw new InternalException("a RustBuffer of " + buffer.Len + " bytes is too large for .NET");
            }
            var bytes = new byte[(int)buffer.Len];
            if (bytes.Length > 0)
            {
                Marshal.Copy(buffer.Data, bytes, 0, bytes.Length);
            }
            return bytes;
        }
        finally
        {
            Free(buffer);
        }
    }
}

/// <summary>Bytes owned by C#, lent to Rust for one call (uniffi's <c>ForeignBytes</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UniffiForeignBytes
{
    internal int Len;
    internal IntPtr Data;

    internal UniffiForeignBytes(int len, IntPtr data)
    {
        Len = len;
        Data = data;
    }
}

/// <summary>The outcome of a call across the FFI, in either direction.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UniffiRustCallStatus
{
    internal sbyte Code;
    internal UniffiRustBuffer ErrorBuf;
}

internal static class UniffiCall
{
    internal const sbyte Success = 0;
    internal const sbyte Error = 1;
    internal const sbyte UnexpectedError = 2;

    /// <summary>
    /// Throws what a call's status reports: the lifted error for an error the
    /// function declares, <see cref="InternalException"/> for a panic.
    /// </summary>
    internal static void Check(ref UniffiRustCallStatus status, Func<UniffiRustBuffer, Exception> liftError)
    {
        if (status.Code == Success)
        {
            return;
        }
        if (status.Code == Error)
        {
            if (liftError != null)
            {
                throw liftError(status.ErrorBuf);
            }
            UniffiRustBuffer.Free(status.ErrorBuf);
            throw new InternalException("the native library returned an error that this function does not declare");
        }
        if (status.Code == UnexpectedError)
        {
            if (status.ErrorBuf.Len > 0)
            {
                throw new InternalException(UniffiConverterString.Instance.Lift(status.ErrorBuf));
            }
            throw new InternalException("Rust panic");
        }
        throw new InternalException("unknown call status " + status.Code);
    }

    /// <summary>Reports an exception thrown by C# code that Rust called, as an unexpected error.</summary>
    internal static void SetUnexpected(ref UniffiRustCallStatus status, Exception error)
    {
        status.Code = UnexpectedError;
        try
        {
            status.ErrorBuf = UniffiConverterString.Instance.Lower(error.GetType().FullName + ": " + error.Message);
        }
        catch (Exception)
        {
            status.ErrorBuf = new UniffiRustBuffer();
        }
    }
}

internal static class UniffiCheck
{
    /// <summary>Refuses null for a value whose Rust type is not optional.</summary>
    internal static void NotNull(object value, string what)
    {
        if (value == null)
        {
            throw new ArgumentNullException(what, what + " is null, but its Rust type is not optional");
        }
    }
}

/// <summary>Reads uniffi's serialisation (big-endian) from a copy of a RustBuffer.</summary>
internal sealed class UniffiReader
{
    private readonly byte[] data;
    private int position;

    internal UniffiReader(byte[] data)
    {
        this.data = data;
    }

    internal static UniffiReader FromRustBuffer(UniffiRustBuffer buffer)
    {
        return new UniffiReader(UniffiRustBuffer.TakeBytes(buffer));
    }

    private int Take(int count)
    {
        if (count < 0 || data.Length - position < count)
        {
            throw new InternalException("a buffer from Rust ends too early");
        }
        int at = position;
        position += count;
        return at;
    }

    internal void CheckEnd()
    {
        if (position != data.Length)
        {
            throw new InternalException("a buffer from Rust has " + (data.Length - position) + " bytes left over");
        }
    }

    internal byte ReadUInt8()
    {
        return data[Take(1)];
    }

    internal sbyte ReadInt8()
    {
        return unchecked((sbyte)data[Take(1)]);
    }

    internal ushort ReadUInt16()
    {
        int i = Take(2);
        return (ushort)((data[i] << 8) | data[i + 1]);
    }

    internal short ReadInt16()
    {
        return unchecked((short)ReadUInt16());
    }

    internal uint ReadUInt32()
    {
        int i = Take(4);
        return ((uint)data[i] << 24) | ((uint)data[i + 1] << 16) | ((uint)data[i + 2] << 8) | data[i + 3];
    }

    internal int ReadInt32()
    {
        return unchecked((int)ReadUInt32());
    }

    internal ulong ReadUInt64()
    {
        ulong high = ReadUInt32();
        return (high << 32) | ReadUInt32();
    }

    internal long ReadInt64()
    {
        return unchecked((long)ReadUInt64());
    }

    internal float ReadFloat32()
    {
        byte[] bytes = BitConverter.GetBytes(ReadUInt32());
        return BitConverter.ToSingle(bytes, 0);
    }

    internal double ReadFloat64()
    {
        return BitConverter.Int64BitsToDouble(ReadInt64());
    }

    internal byte[] ReadBytes(int count)
    {
        int at = Take(count);
        var bytes = new byte[count];
        Buffer.BlockCopy(data, at, bytes, 0, count);
        return bytes;
    }

    /// <summary>A length or count, which must not be negative.</summary>
    internal int ReadLength()
    {
        int n = ReadInt32();
        if (n < 0)
        {
            throw new InternalException("negative length " + n + " in a buffer from Rust");
        }
        return n;
    }
}

/// <summary>Writes uniffi's serialisation (big-endian), then copies it into a RustBuffer.</summary>
internal sealed class UniffiWriter
{
    private byte[] data = new byte[64];
    private int length;

    private int Reserve(int count)
    {
        if (data.Length - length < count)
        {
            int size = Math.Max(data.Length * 2, length + count);
            var bigger = new byte[size];
            Buffer.BlockCopy(data, 0, bigger, 0, length);
            data = bigger;
        }
        int at = length;
        length += count;
        return at;
    }

    internal UniffiRustBuffer ToRustBuffer()
    {
        return UniffiRustBuffer.FromBytes(data, length);
    }

    internal void WriteUInt8(byte value)
    {
        // Reserve first: it may replace `data`.
        int i = Reserve(1);
        data[i] = value;
    }

    internal void WriteInt8(sbyte value)
    {
        WriteUInt8(unchecked((byte)value));
    }

    internal void WriteUInt16(ushort value)
    {
        int i = Reserve(2);
        data[i] = (byte)(value >> 8);
        data[i + 1] = (byte)value;
    }

    internal void WriteInt16(short value)
    {
        WriteUInt16(unchecked((ushort)value));
    }

    internal void WriteUInt32(uint value)
    {
        int i = Reserve(4);
        data[i] = (byte)(value >> 24);
        data[i + 1] = (byte)(value >> 16);
        data[i + 2] = (byte)(value >> 8);
        data[i + 3] = (byte)value;
    }

    internal void WriteInt32(int value)
    {
        WriteUInt32(unchecked((uint)value));
    }

    internal void WriteUInt64(ulong value)
    {
        WriteUInt32((uint)(value >> 32));
        WriteUInt32((uint)value);
    }

    internal void WriteInt64(long value)
    {
        WriteUInt64(unchecked((ulong)value));
    }

    internal void WriteFloat32(float value)
    {
        WriteUInt32(BitConverter.ToUInt32(BitConverter.GetBytes(value), 0));
    }

    internal void WriteFloat64(double value)
    {
        WriteInt64(BitConverter.DoubleToInt64Bits(value));
    }

    internal void WriteBytes(byte[] bytes)
    {
        int at = Reserve(bytes.Length);
        Buffer.BlockCopy(bytes, 0, data, at, bytes.Length);
    }
}

// ---------------------------------------------------------------------------
// Converters: read and write each type in a buffer; lift and lower it at the FFI.
// ---------------------------------------------------------------------------

internal abstract class UniffiConverter<T>
{
    internal abstract T Read(UniffiReader reader);

    internal abstract void Write(T value, UniffiWriter writer);

    internal T LiftFromRustBuffer(UniffiRustBuffer buffer)
    {
        UniffiReader reader = UniffiReader.FromRustBuffer(buffer);
        T value = Read(reader);
        reader.CheckEnd();
        return value;
    }

    internal UniffiRustBuffer LowerIntoRustBuffer(T value)
    {
        var writer = new UniffiWriter();
        Write(value, writer);
        return writer.ToRustBuffer();
    }
}

internal sealed class UniffiConverterUInt8 : UniffiConverter<byte>
{
    internal static readonly UniffiConverterUInt8 Instance = new UniffiConverterUInt8();

    internal override byte Read(UniffiReader reader)
    {
        return reader.ReadUInt8();
    }

    internal override void Write(byte value, UniffiWriter writer)
    {
        writer.WriteUInt8(value);
    }
}

internal sealed class UniffiConverterInt8 : UniffiConverter<sbyte>
{
    internal static readonly UniffiConverterInt8 Instance = new UniffiConverterInt8();

    internal override sbyte Read(UniffiReader reader)
    {
        return reader.ReadInt8();
    }

    internal override void Write(sbyte value, UniffiWriter writer)
    {
        writer.WriteInt8(value);
    }
}

internal sealed class UniffiConverterUInt16 : UniffiConverter<ushort>
{
    internal static readonly UniffiConverterUInt16 Instance = new UniffiConverterUInt16();

    internal override ushort Read(UniffiReader reader)
    {
        return reader.ReadUInt16();
    }

    internal override void Write(ushort value, UniffiWriter writer)
    {
        writer.WriteUInt16(value);
    }
}

internal sealed class UniffiConverterInt16 : UniffiConverter<short>
{
    internal static readonly UniffiConverterInt16 Instance = new UniffiConverterInt16();

    internal override short Read(UniffiReader reader)
    {
        return reader.ReadInt16();
    }

    internal override void Write(short value, UniffiWriter writer)
    {
        writer.WriteInt16(value);
    }
}

internal sealed class UniffiConverterUInt32 : UniffiConverter<uint>
{
    internal static readonly UniffiConverterUInt32 Instance = new UniffiConverterUInt32();

    internal override uint Read(UniffiReader reader)
    {
        return reader.ReadUInt32();
    }

    internal override void Write(uint value, UniffiWriter writer)
    {
        writer.WriteUInt32(value);
    }
}

internal sealed class UniffiConverterInt32 : UniffiConverter<int>
{
    internal static readonly UniffiConverterInt32 Instance = new UniffiConverterInt32();

    internal override int Read(UniffiReader reader)
    {
        return reader.ReadInt32();
    }

    internal override void Write(int value, UniffiWriter writer)
    {
        writer.WriteInt32(value);
    }
}

internal sealed class UniffiConverterUInt64 : UniffiConverter<ulong>
{
    internal static readonly UniffiConverterUInt64 Instance = new UniffiConverterUInt64();

    internal override ulong Read(UniffiReader reader)
    {
        return reader.ReadUInt64();
    }

    internal override void Write(ulong value, UniffiWriter writer)
    {
        writer.WriteUInt64(value);
    }
}

internal sealed class UniffiConverterInt64 : UniffiConverter<long>
{
    internal static readonly UniffiConverterInt64 Instance = new UniffiConverterInt64();

    internal override long Read(UniffiReader reader)
    {
        return reader.ReadInt64();
    }

    internal override void Write(long value, UniffiWriter writer)
    {
        writer.WriteInt64(value);
    }
}

internal sealed class UniffiConverterFloat32 : UniffiConverter<float>
{
    internal static readonly UniffiConverterFloat32 Instance = new UniffiConverterFloat32();

    internal override float Read(UniffiReader reader)
    {
        return reader.ReadFloat32();
    }

    internal override void Write(float value, UniffiWriter writer)
    {
        writer.WriteFloat32(value);
    }
}

internal sealed class UniffiConverterFloat64 : UniffiConverter<double>
{
    internal static readonly UniffiConverterFloat64 Instance = new UniffiConverterFloat64();

    internal override double Read(UniffiReader reader)
    {
        return reader.ReadFloat64();
    }

    internal override void Write(double value, UniffiWriter writer)
    {
        writer.WriteFloat64(value);
    }
}

/// <summary>Booleans cross the FFI as one signed byte, 0 or 1.</summary>
internal sealed class UniffiConverterBoolean : UniffiConverter<bool>
{
    internal static readonly UniffiConverterBoolean Instance = new UniffiConverterBoolean();

    internal bool Lift(sbyte value)
    {
        return value != 0;
    }

    internal sbyte Lower(bool value)
    {
        return value ? (sbyte)1 : (sbyte)0;
    }

    internal override bool Read(UniffiReader reader)
    {
        return Lift(reader.ReadInt8());
    }

    internal override void Write(bool value, UniffiWriter writer)
    {
        writer.WriteInt8(Lower(value));
    }
}

/// <summary>
/// Strings cross the FFI as the bare UTF-8 bytes of a RustBuffer, and are
/// serialised as a length and the bytes. Lone surrogates are refused.
/// </summary>
internal sealed class UniffiConverterString : UniffiConverter<string>
{
    internal static readonly UniffiConverterString Instance = new UniffiConverterString();
    private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);

    internal string Lift(UniffiRustBuffer buffer)
    {
        return Utf8.GetString(UniffiRustBuffer.TakeBytes(buffer));
    }

    internal UniffiRustBuffer Lower(string value)
    {
        UniffiCheck.NotNull(value, "a string");
        byte[] bytes = Utf8.GetBytes(value);
        return UniffiRustBuffer.FromBytes(bytes, bytes.Length);
    }

    internal override string Read(UniffiReader reader)
    {
        return Utf8.GetString(reader.ReadBytes(reader.ReadLength()));
    }

    internal override void Write(string value, UniffiWriter writer)
    {
        UniffiCheck.NotNull(value, "a string");
        byte[] bytes = Utf8.GetBytes(value);
        writer.WriteInt32(bytes.Length);
        writer.WriteBytes(bytes);
    }
}

/// <summary>Byte arrays: a length and the bytes, copied once each way at the FFI.</summary>
internal sealed class UniffiConverterBytes : UniffiConverter<byte[]>
{
    internal static readonly UniffiConverterBytes Instance = new UniffiConverterBytes();

    internal byte[] Lift(UniffiRustBuffer buffer)
    {
        try
        {
            if (buffer.Len < 4 || buffer.Len > int.MaxValue)
            {
                throw new InternalException("a byte array from Rust has a bad buffer length " + buffer.Len);
            }
            int n = BigEndian(Marshal.ReadInt32(buffer.Data));
            if (n < 0 || (ulong)n + 4 != buffer.Len)
            {
                throw new InternalException("a byte array from Rust has a bad length " + n);
            }
            var bytes = new byte[n];
            if (n > 0)
            {
                Marshal.Copy(IntPtr.Add(buffer.Data, 4), bytes, 0, n);
            }
            return bytes;
        }
        finally
        {
            UniffiRustBuffer.Free(buffer);
        }
    }

    internal UniffiRustBuffer Lower(byte[] value)
    {
        UniffiCheck.NotNull(value, "a byte array");
        UniffiRustBuffer buffer = UniffiRustBuffer.Alloc(value.Length + 4);
        Marshal.WriteInt32(buffer.Data, BigEndian(value.Length));
        if (value.Length > 0)
        {
            Marshal.Copy(value, 0, IntPtr.Add(buffer.Data, 4), value.Length);
        }
        buffer.Len = (ulong)value.Length + 4;
        return buffer;
    }

    /// <summary>Swaps between big-endian and this machine's order.</summary>
    private static int BigEndian(int value)
    {
        if (!BitConverter.IsLittleEndian)
        {
            return value;
        }
        uint v = unchecked((uint)value);
        return unchecked((int)((v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24)));
    }

    internal override byte[] Read(UniffiReader reader)
    {
        return reader.ReadBytes(reader.ReadLength());
    }

    internal override void Write(byte[] value, UniffiWriter writer)
    {
        UniffiCheck.NotNull(value, "a byte array");
        writer.WriteInt32(value.Length);
        writer.WriteBytes(value);
    }
}

/// <summary>
/// Points in time: seconds since the Unix epoch (signed) and nanoseconds, at
/// the 100 ns precision of .NET (finer nanoseconds are truncated).
/// </summary>
internal sealed class UniffiConverterTimestamp : UniffiConverter<DateTimeOffset>
{
    internal static readonly UniffiConverterTimestamp Instance = new UniffiConverterTimestamp();
    private static readonly long EpochTicks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    internal override DateTimeOffset Read(UniffiReader reader)
    {
        long seconds = reader.ReadInt64();
        uint nanoseconds = reader.ReadUInt32();
        if (nanoseconds >= 1000000000u)
        {
            throw new InternalException("a timestamp from Rust has " + nanoseconds + " nanoseconds");
        }
        long ticks = seconds >= 0
            ? checked(seconds * TimeSpan.TicksPerSecond + nanoseconds / 100)
            : checked(seconds * TimeSpan.TicksPerSecond - nanoseconds / 100);
        return new DateTimeOffset(checked(EpochTicks + ticks), TimeSpan.Zero);
    }

    internal override void Write(DateTimeOffset value, UniffiWriter writer)
    {
        long ticks = value.UtcTicks - EpochTicks;
        long sign = ticks < 0 ? -1 : 1;
        long magnitude = ticks < 0 ? -ticks : ticks;
        writer.WriteInt64(sign * (magnitude / TimeSpan.TicksPerSecond));
        writer.WriteUInt32((uint)(magnitude % TimeSpan.TicksPerSecond) * 100u);
    }
}

/// <summary>Lengths of time: seconds and nanoseconds, never negative.</summary>
internal sealed class UniffiConverterDuration : UniffiConverter<TimeSpan>
{
    internal static readonly UniffiConverterDuration Instance = new UniffiConverterDuration();

    internal override TimeSpan Read(UniffiReader reader)
    {
        ulong seconds = reader.ReadUInt64();
        uint nanoseconds = reader.ReadUInt32();
        if (seconds > (ulong)(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerSecond) || nanoseconds >= 1000000000u)
        {
            throw new InternalException("a duration from Rust does not fit a TimeSpan");
        }
        return new TimeSpan(checked((long)seconds * TimeSpan.TicksPerSecond + nanoseconds / 100));
    }

    internal override void Write(TimeSpan value, UniffiWriter writer)
    {
        if (value.Ticks < 0)
        {
            throw new ArgumentOutOfRangeException("value", value, "a Rust Duration cannot be negative");
        }
        writer.WriteUInt64((ulong)(value.Ticks / TimeSpan.TicksPerSecond));
        writer.WriteUInt32((uint)(value.Ticks % TimeSpan.TicksPerSecond) * 100u);
    }
}

internal sealed class UniffiConverterOptionalRef<T> : UniffiConverter<T> where T : class
{
    private readonly UniffiConverter<T> inner;

    internal UniffiConverterOptionalRef(UniffiConverter<T> inner)
    {
        this.inner = inner;
    }

    internal override T Read(UniffiReader reader)
    {
        byte tag = reader.ReadUInt8();
        if (tag == 0)
        {
            return null;
        }
        if (tag != 1)
        {
            throw new InternalException("bad optional tag " + tag);
        }
        return inner.Read(reader);
    }

    internal override void Write(T value, UniffiWriter writer)
    {
        if (value == null)
        {
            writer.WriteUInt8(0);
        }
        else
        {
            writer.WriteUInt8(1);
            inner.Write(value, writer);
        }
    }
}

internal sealed class UniffiConverterOptionalValue<T> : UniffiConverter<T?> where T : struct
{
    private readonly UniffiConverter<T> inner;

    internal UniffiConverterOptionalValue(UniffiConverter<T> inner)
    {
        this.inner = inner;
    }

    internal override T? Read(UniffiReader reader)
    {
        byte tag = reader.ReadUInt8();
        if (tag == 0)
        {
            return null;
        }
        if (tag != 1)
        {
            throw new InternalException("bad optional tag " + tag);
        }
        return inner.Read(reader);
    }

    internal override void Write(T? value, UniffiWriter writer)
    {
        if (value.HasValue)
        {
            writer.WriteUInt8(1);
            inner.Write(value.Value, writer);
        }
        else
        {
            writer.WriteUInt8(0);
        }
    }
}

internal sealed class UniffiConverterSequence<T> : UniffiConverter<List<T>>
{
    private readonly UniffiConverter<T> inner;

    internal UniffiConverterSequence(UniffiConverter<T> inner)
    {
        this.inner = inner;
    }

    internal override List<T> Read(UniffiReader reader)
    {
        int count = reader.ReadLength();
        var list = new List<T>(Math.Min(count, 1024));
        for (int i = 0; i < count; i++)
        {
            list.Add(inner.Read(reader));
        }
        return list;
    }

    internal override void Write(List<T> value, UniffiWriter writer)
    {
        UniffiCheck.NotNull(value, "a list");
        writer.WriteInt32(value.Count);
        foreach (T item in value)
        {
            inner.Write(item, writer);
        }
    }
}

internal sealed class UniffiConverterSet<T> : UniffiConverter<HashSet<T>>
{
    private readonly UniffiConverter<T> inner;

    internal UniffiConverterSet(UniffiConverter<T> inner)
    {
        this.inner = inner;
    }

    internal override HashSet<T> Read(UniffiReader reader)
    {
        int count = reader.ReadLength();
        var set = new HashSet<T>();
        for (int i = 0; i < count; i++)
        {
            set.Add(inner.Read(reader));
        }
        return set;
    }

    internal override void Write(HashSet<T> value, UniffiWriter writer)
    {
        UniffiCheck.NotNull(value, "a set");
        writer.WriteInt32(value.Count);
        foreach (T item in value)
        {
            inner.Write(item, writer);
        }
    }
}

internal sealed class UniffiConverterMap<K, V> : UniffiConverter<Dictionary<K, V>>
{
    private readonly UniffiConverter<K> keys;
    private readonly UniffiConverter<V> values;

    internal UniffiConverterMap(UniffiConverter<K> keys, UniffiConverter<V> values)
    {
        this.keys = keys;
        this.values = values;
    }

    internal override Dictionary<K, V> Read(UniffiReader reader)
    {
        int count = reader.ReadLength();
        var map = new Dictionary<K, V>();
        for (int i = 0; i < count; i++)
        {
            K key = keys.Read(reader);
            map[key] = values.Read(reader);
        }
        return map;
    }

    internal override void Write(Dictionary<K, V> value, UniffiWriter writer)
    {
        UniffiCheck.NotNull(value, "a dictionary");
        writer.WriteInt32(value.Count);
        foreach (KeyValuePair<K, V> entry in value)
        {
            keys.Write(entry.Key, writer);
            values.Write(entry.Value, writer);
        }
    }
}

// ---------------------------------------------------------------------------
// Rust objects: a handle (an Arc) freed once by Dispose or the finalizer, and
// never while a call is cloning it.
// ---------------------------------------------------------------------------

/// <summary>Marks the constructor that wraps a handle received from Rust.</summary>
internal sealed class UniffiHandleMarker
{
    internal static readonly UniffiHandleMarker Instance = new UniffiHandleMarker();

    private UniffiHandleMarker()
    {
    }
}

/// <summary>The native clone and free functions of one object type.</summary>
internal sealed class UniffiHandleOps
{
    internal readonly string TypeName;
    internal readonly Func<ulong, ulong> Clone;
    internal readonly Action<ulong> Free;

    internal UniffiHandleOps(string typeName, Func<ulong, ulong> clone, Action<ulong> free)
    {
        TypeName = typeName;
        Clone = clone;
        Free = free;
    }
}

/// <summary>
/// Owns the handle of one Rust object. Each call clones the handle (Rust
/// consumes the clone) while a counter keeps the original alive; Dispose, or
/// the finalizer if Dispose is never called, gives up the original once.
/// </summary>
internal sealed class UniffiObjectHandle
{
    private readonly ulong handle;
    private readonly UniffiHandleOps ops;
    // 1 for the object itself plus one per clone in progress; 0 once freed.
    private long callCounter = 1;
    // 1 once Dispose or the finalizer has run.
    private int released;

    internal UniffiObjectHandle(ulong handle, UniffiHandleOps ops)
    {
        this.handle = handle;
        this.ops = ops;
    }

    ~UniffiObjectHandle()
    {
        try
        {
            if (Interlocked.Exchange(ref released, 1) == 0 && !Environment.HasShutdownStarted)
            {
                Release();
            }
        }
        catch (Exception)
        {
            // A finalizer must not throw; the Rust object leaks instead.
        }
    }

    /// <summary>A new handle to the same object, for one call that consumes it.</summary>
    internal ulong CloneHandle()
    {
        long count;
        do
        {
            count = Interlocked.Read(ref callCounter);
            if (count == 0)
            {
                throw new ObjectDisposedException(ops.TypeName);
            }
            if (count == long.MaxValue)
            {
                throw new InternalException(ops.TypeName + ": too many calls in progress");
            }
        }
        while (Interlocked.CompareExchange(ref callCounter, count + 1, count) != count);
        try
        {
            return ops.Clone(handle);
        }
        finally
        {
            Release();
            GC.KeepAlive(this);
        }
    }

    /// <summary>Gives up the object's own handle; later calls throw ObjectDisposedException.</summary>
    internal void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0)
        {
            Release();
            GC.SuppressFinalize(this);
        }
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref callCounter) == 0)
        {
            ops.Free(handle);
        }
    }
}

// ---------------------------------------------------------------------------
// C# objects that Rust holds (callback interfaces, traits implemented in C#):
// Rust gets an odd handle into this map and frees it when done.
// ---------------------------------------------------------------------------

internal sealed class UniffiHandleMap<T> where T : class
{
    private readonly Dictionary<ulong, T> map = new Dictionary<ulong, T>();
    private readonly object mapLock = new object();
    // Odd handles: uniffi tells foreign handles from Rust ones by the lowest bit.
    private ulong next = 1;

    internal ulong Insert(T value)
    {
        lock (mapLock)
        {
            ulong handle = next;
            next += 2;
            map[handle] = value;
            return handle;
        }
    }

    internal T Get(ulong handle)
    {
        lock (mapLock)
        {
            T value;
            if (!map.TryGetValue(handle, out value))
            {
                throw new InternalException("unknown foreign handle " + handle);
            }
            return value;
        }
    }

    internal ulong Clone(ulong handle)
    {
        return Insert(Get(handle));
    }

    internal T Remove(ulong handle)
    {
        lock (mapLock)
        {
            T value;
            if (!map.TryGetValue(handle, out value))
            {
                throw new InternalException("unknown foreign handle " + handle);
            }
            map.Remove(handle);
            return value;
        }
    }

    internal int Count
    {
        get
        {
            lock (mapLock)
            {
                return map.Count;
            }
        }
    }
}

[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal delegate void UniffiCallbackInterfaceFree(ulong handle);

[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal delegate ulong UniffiCallbackInterfaceClone(ulong handle);

/// <summary>
/// Marks methods that Rust calls through a function pointer, for Unity's
/// IL2CPP (which matches the attribute by name); other runtimes ignore it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class MonoPInvokeCallbackAttribute : Attribute
{
    internal MonoPInvokeCallbackAttribute(Type type)
    {
        DelegateType = type;
    }

    internal Type DelegateType { get; private set; }
}

/// <summary>A vtable that Rust keeps for the life of the process.</summary>
internal static class UniffiVTable
{
    internal static IntPtr Allocate(int entries)
    {
        return Marshal.AllocHGlobal(IntPtr.Size * entries);
    }

    internal static void Set(IntPtr vtable, int index, IntPtr function)
    {
        Marshal.WriteIntPtr(vtable, IntPtr.Size * index, function);
    }
}

// ---------------------------------------------------------------------------
// Value equality of records and enum variants (arrays and collections by content).
// ---------------------------------------------------------------------------

internal static class UniffiEquality
{
    internal static bool AreEqual(object a, object b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        if (a == null || b == null)
        {
            return false;
        }
        var bytesA = a as byte[];
        if (bytesA != null)
        {
            var bytesB = b as byte[];
            if (bytesB == null || bytesA.Length != bytesB.Length)
            {
                return false;
            }
            for (int i = 0; i < bytesA.Length; i++)
            {
                if (bytesA[i] != bytesB[i])
                {
                    return false;
                }
            }
            return true;
        }
        var dictA = a as System.Collections.IDictionary;
        if (dictA != null)
        {
            var dictB = b as System.Collections.IDictionary;
            if (dictB == null || dictA.Count != dictB.Count)
            {
                return false;
            }
            foreach (System.Collections.DictionaryEntry entry in dictA)
            {
                if (!dictB.Contains(entry.Key) || !AreEqual(entry.Value, dictB[entry.Key]))
                {
                    return false;
                }
            }
            return true;
        }
        var listA = a as System.Collections.IList;
        if (listA != null)
        {
            var listB = b as System.Collections.IList;
            if (listB == null || listA.Count != listB.Count)
            {
                return false;
            }
            for (int i = 0; i < listA.Count; i++)
            {
                if (!AreEqual(listA[i], listB[i]))
                {
                    return false;
                }
            }
            return true;
        }
        if (a is System.Collections.IEnumerable && !(a is string))
        {
            // A set: the same elements in any order.
            var itemsA = new List<object>();
            foreach (object item in (System.Collections.IEnumerable)a)
            {
                itemsA.Add(item);
            }
            var itemsB = new List<object>();
            var enumerableB = b as System.Collections.IEnumerable;
            if (enumerableB == null)
            {
                return false;
            }
            foreach (object item in enumerableB)
            {
                itemsB.Add(item);
            }
            if (itemsA.Count != itemsB.Count)
            {
                return false;
            }
            foreach (object item in itemsA)
            {
                int at = itemsB.FindIndex(other => AreEqual(item, other));
                if (at < 0)
                {
                    return false;
                }
                itemsB.RemoveAt(at);
            }
            return true;
        }
        return a.Equals(b);
    }

    internal static int Hash(object value)
    {
        if (value == null)
        {
            return 0;
        }
        if (value is string)
        {
            return value.GetHashCode();
        }
        var dict = value as System.Collections.IDictionary;
        if (dict != null)
        {
            int h = dict.Count;
            foreach (System.Collections.DictionaryEntry entry in dict)
            {
                h ^= Hash(entry.Key) * 31 + Hash(entry.Value);
            }
            return h;
        }
        var list = value as System.Collections.IList;
        if (list != null)
        {
            int h = 17;
            foreach (object item in list)
            {
                h = unchecked(h * 31 + Hash(item));
            }
            return h;
        }
        var items = value as System.Collections.IEnumerable;
        if (items != null)
        {
            int h = 0;
            foreach (object item in items)
            {
                h ^= Hash(item);
            }
            return h;
        }
        return value.GetHashCode();
    }

    internal static int Combine(int hash, object value)
    {
        return unchecked(hash * 31 + Hash(value));
    }
}
