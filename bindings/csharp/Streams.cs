// Hand-written .NET streams over the generated Sealer and Opener (Kluis.cs).
// They only move bytes between System.IO streams and those objects; all
// cryptography happens in Rust. C# 6, like the generated code.

using System;
using System.Collections.Generic;
using System.IO;

namespace Kluis
{
    /// <summary>
    /// A write-only stream that seals what is written to it: the envelope goes to
    /// the output stream as it becomes ready, and <see cref="Finish"/> (or
    /// <c>Dispose</c>, as with <c>CryptoStream</c>) writes its final chunk. Until
    /// then the output is not a complete envelope.
    /// </summary>
    /// <example>
    /// <code>
    /// using (var file = File.Create("report.pdf.kluis"))
    /// using (var sealing = new SealingStream(file, new List&lt;Secret&gt; { new Secret.Password("...") }))
    /// {
    ///     source.CopyTo(sealing);
    /// }
    /// </code>
    /// </example>
    public sealed class SealingStream : Stream
    {
        private readonly Stream output;
        private readonly Sealer sealer;
        private readonly bool ownsSealer;
        private readonly bool leaveOpen;
        private bool finished;
        private bool failed;
        private bool disposed;
        private long written;

        /// <summary>
        /// Seals into <paramref name="output"/> for <paramref name="secrets"/> (1 to 16,
        /// at most 4 passwords). The header, and its Argon2 work for passwords, is
        /// made here. <paramref name="output"/> is closed with this stream unless
        /// <paramref name="leaveOpen"/>.
        /// </summary>
        public SealingStream(Stream output, IList<Secret> secrets, SealOptions options = null, bool leaveOpen = false)
            : this(CheckWritable(output), NewSealer(secrets, options), true, leaveOpen)
        {
        }

        /// <summary>
        /// Seals with <paramref name="sealer"/> (which this stream finishes but does
        /// not dispose) into <paramref name="output"/>.
        /// </summary>
        public SealingStream(Stream output, Sealer sealer, bool leaveOpen = false)
            : this(CheckWritable(output), sealer, false, leaveOpen)
        {
            if (sealer == null)
            {
                throw new ArgumentNullException(nameof(sealer));
            }
        }

        private SealingStream(Stream output, Sealer sealer, bool ownsSealer, bool leaveOpen)
        {
            this.output = output;
            this.sealer = sealer;
            this.ownsSealer = ownsSealer;
            this.leaveOpen = leaveOpen;
        }

        private static Stream CheckWritable(Stream output)
        {
            if (output == null)
            {
                throw new ArgumentNullException(nameof(output));
            }
            if (!output.CanWrite)
            {
                throw new ArgumentException("the output stream is not writable", nameof(output));
            }
            return output;
        }

        private static Sealer NewSealer(IList<Secret> secrets, SealOptions options)
        {
            if (secrets == null)
            {
                throw new ArgumentNullException(nameof(secrets));
            }
            return new Sealer(new List<Secret>(secrets), options);
        }

        /// <summary>The number of plaintext bytes written so far.</summary>
        public long PlaintextLength
        {
            get { return written; }
        }

        /// <summary>False: a sealing stream is write-only.</summary>
        public override bool CanRead
        {
            get { return false; }
        }

        /// <summary>False.</summary>
        public override bool CanSeek
        {
            get { return false; }
        }

        /// <summary>True until the stream is finished or disposed.</summary>
        public override bool CanWrite
        {
            get { return !finished && !disposed; }
        }

        /// <summary>Not supported.</summary>
        public override long Length
        {
            get { throw new NotSupportedException(); }
        }

        /// <summary>Not supported.</summary>
        public override long Position
        {
            get { throw new NotSupportedException(); }
            set { throw new NotSupportedException(); }
        }

        /// <summary>Seals <paramref name="count"/> bytes and writes the envelope bytes now ready.</summary>
        public override void Write(byte[] buffer, int offset, int count)
        {
            CheckRange(buffer, offset, count);
            if (disposed)
            {
                throw new ObjectDisposedException(nameof(SealingStream));
            }
            if (finished)
            {
                throw new InvalidOperationException("the envelope is already finished");
            }
            if (count == 0)
            {
                return;
            }
            byte[] piece = buffer;
            if (offset != 0 || count != buffer.Length)
            {
                piece = new byte[count];
                Buffer.BlockCopy(buffer, offset, piece, 0, count);
            }
            try
            {
                byte[] ready = sealer.Write(piece);
                output.Write(ready, 0, ready.Length);
                written += count;
            }
            catch
            {
                failed = true;
                throw;
            }
        }

        /// <summary>
        /// Seals the final chunk and writes it: the output then holds the whole
        /// envelope. Later writes throw; calling it again does nothing.
        /// </summary>
        public void Finish()
        {
            if (finished)
            {
                return;
            }
            if (disposed)
            {
                throw new ObjectDisposedException(nameof(SealingStream));
            }
            finished = true;
            try
            {
                byte[] last = sealer.Finish();
                output.Write(last, 0, last.Length);
                output.Flush();
            }
            catch
            {
                failed = true;
                throw;
            }
        }

        /// <summary>Flushes the output stream (the envelope stays open: see <see cref="Finish"/>).</summary>
        public override void Flush()
        {
            output.Flush();
        }

        /// <summary>Not supported.</summary>
        public override int Read(byte[] buffer, int offset, int count)
        {
            throw new NotSupportedException("a sealing stream is write-only");
        }

        /// <summary>Not supported.</summary>
        public override long Seek(long offset, SeekOrigin origin)
        {
            throw new NotSupportedException();
        }

        /// <summary>Not supported.</summary>
        public override void SetLength(long value)
        {
            throw new NotSupportedException();
        }

        /// <summary>Finishes the envelope (unless a write failed), then closes what this stream owns.</summary>
        protected override void Dispose(bool disposing)
        {
            if (disposing && !disposed)
            {
                try
                {
                    if (!finished && !failed)
                    {
                        Finish();
                    }
                }
                finally
                {
                    disposed = true;
                    if (ownsSealer)
                    {
                        sealer.Dispose();
                    }
                    if (!leaveOpen)
                    {
                        output.Dispose();
                    }
                }
            }
            base.Dispose(disposing);
        }

        internal static void CheckRange(byte[] buffer, int offset, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException(nameof(buffer));
            }
            if (offset < 0 || count < 0 || buffer.Length - offset < count)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), "offset and count are outside the buffer");
            }
        }
    }

    /// <summary>
    /// A read-only stream of the plaintext of the envelope read from an input
    /// stream. It returns only authenticated plaintext, and at the end of the
    /// input checks that the envelope is complete: a truncated or tampered
    /// envelope makes <c>Read</c> throw (<see cref="KluisException.Truncated"/>,
    /// <see cref="KluisException.Tampered"/>, ...), after which the plaintext
    /// already read must be discarded.
    /// </summary>
    /// <example>
    /// <code>
    /// using (var opening = new OpeningStream(File.OpenRead("report.pdf.kluis"), new Secret.Password("...")))
    /// using (var file = File.Create("report.pdf"))
    /// {
    ///     opening.CopyTo(file);
    /// }
    /// </code>
    /// </example>
    public sealed class OpeningStream : Stream
    {
        private static readonly byte[] Empty = new byte[0];
        private readonly Stream input;
        private readonly Opener opener;
        private readonly bool ownsOpener;
        private readonly bool leaveOpen;
        private byte[] readBuffer;
        private byte[] pending = Empty;
        private int pendingOffset;
        private bool finished;
        private bool disposed;
        private long produced;
        private Metadata metadata;

        /// <summary>
        /// Opens the envelope read from <paramref name="input"/> with
        /// <paramref name="secret"/>; <paramref name="limits"/> null means the
        /// default limits. <paramref name="input"/> is closed with this stream
        /// unless <paramref name="leaveOpen"/>.
        /// </summary>
        public OpeningStream(Stream input, Secret secret, OpenLimits limits = null, bool leaveOpen = false)
            : this(CheckReadable(input), new Opener(secret, limits), true, leaveOpen)
        {
        }

        /// <summary>Opens with <paramref name="opener"/> (which this stream does not dispose).</summary>
        public OpeningStream(Stream input, Opener opener, bool leaveOpen = false)
            : this(CheckReadable(input), opener, false, leaveOpen)
        {
            if (opener == null)
            {
                throw new ArgumentNullException(nameof(opener));
            }
        }

        private OpeningStream(Stream input, Opener opener, bool ownsOpener, bool leaveOpen)
        {
            this.input = input;
            this.opener = opener;
            this.ownsOpener = ownsOpener;
            this.leaveOpen = leaveOpen;
            BufferSize = 1 << 20;
        }

        private static Stream CheckReadable(Stream input)
        {
            if (input == null)
            {
                throw new ArgumentNullException(nameof(input));
            }
            if (!input.CanRead)
            {
                throw new ArgumentException("the input stream is not readable", nameof(input));
            }
            return input;
        }

        /// <summary>How many envelope bytes to read from the input at a time (default 1 MiB).</summary>
        public int BufferSize { get; set; }

        /// <summary>
        /// The sealed metadata, once the header has been verified (null before,
        /// or when the envelope has none). It stays available after the end.
        /// </summary>
        public Metadata Metadata
        {
            get
            {
                if (metadata == null && !finished)
                {
                    metadata = opener.Metadata();
                }
                return metadata;
            }
        }

        /// <summary>The number of plaintext bytes returned so far.</summary>
        public long PlaintextLength
        {
            get { return produced; }
        }

        /// <summary>True until disposed.</summary>
        public override bool CanRead
        {
            get { return !disposed; }
        }

        /// <summary>False.</summary>
        public override bool CanSeek
        {
            get { return false; }
        }

        /// <summary>False: an opening stream is read-only.</summary>
        public override bool CanWrite
        {
            get { return false; }
        }

        /// <summary>Not supported.</summary>
        public override long Length
        {
            get { throw new NotSupportedException(); }
        }

        /// <summary>Not supported.</summary>
        public override long Position
        {
            get { throw new NotSupportedException(); }
            set { throw new NotSupportedException(); }
        }

        /// <summary>
        /// Reads authenticated plaintext; 0 at the end, once the whole envelope
        /// has been verified.
        /// </summary>
        public override int Read(byte[] buffer, int offset, int count)
        {
            SealingStream.CheckRange(buffer, offset, count);
            if (disposed)
            {
                throw new ObjectDisposedException(nameof(OpeningStream));
            }
            if (count == 0)
            {
                return 0;
            }
            while (pendingOffset == pending.Length)
            {
                if (finished)
                {
                    return 0;
                }
                if (readBuffer == null || readBuffer.Length != Math.Max(1, BufferSize))
                {
                    readBuffer = new byte[Math.Max(1, BufferSize)];
                }
                int n = input.Read(readBuffer, 0, readBuffer.Length);
                if (n <= 0)
                {
                    // The opener forgets the metadata when it finishes.
                    if (metadata == null)
                    {
                        metadata = opener.Metadata();
                    }
                    finished = true;
                    pending = opener.Finish();
                }
                else if (n == readBuffer.Length)
                {
                    pending = opener.Write(readBuffer);
                }
                else
                {
                    var piece = new byte[n];
                    Buffer.BlockCopy(readBuffer, 0, piece, 0, n);
                    pending = opener.Write(piece);
                }
                pendingOffset = 0;
            }
            int take = Math.Min(count, pending.Length - pendingOffset);
            Buffer.BlockCopy(pending, pendingOffset, buffer, offset, take);
            pendingOffset += take;
            produced += take;
            return take;
        }

        /// <summary>Does nothing (the stream is read-only).</summary>
        public override void Flush()
        {
        }

        /// <summary>Not supported.</summary>
        public override void Write(byte[] buffer, int offset, int count)
        {
            throw new NotSupportedException("an opening stream is read-only");
        }

        /// <summary>Not supported.</summary>
        public override long Seek(long offset, SeekOrigin origin)
        {
            throw new NotSupportedException();
        }

        /// <summary>Not supported.</summary>
        public override void SetLength(long value)
        {
            throw new NotSupportedException();
        }

        /// <summary>Closes what this stream owns.</summary>
        protected override void Dispose(bool disposing)
        {
            if (disposing && !disposed)
            {
                disposed = true;
                if (ownsOpener)
                {
                    opener.Dispose();
                }
                if (!leaveOpen)
                {
                    input.Dispose();
                }
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>Copying whole streams through a <see cref="Sealer"/> or an <see cref="Opener"/>.</summary>
    public static class KluisStreams
    {
        /// <summary>
        /// Seals everything <paramref name="input"/> yields into <paramref name="output"/>
        /// (the complete envelope) and finishes the sealer. Returns the number of
        /// plaintext bytes. Closes neither stream.
        /// </summary>
        public static long SealStream(this Sealer sealer, Stream input, Stream output, int bufferSize = 1 << 20)
        {
            if (sealer == null)
            {
                throw new ArgumentNullException(nameof(sealer));
            }
            using (var sealing = new SealingStream(output, sealer, true))
            {
                CopyAll(input, sealing, bufferSize);
                sealing.Finish();
                return sealing.PlaintextLength;
            }
        }

        /// <summary>
        /// Opens the envelope that <paramref name="input"/> yields, writing only
        /// authenticated plaintext to <paramref name="output"/>, and checks that it
        /// is complete. Returns the number of plaintext bytes. On an exception,
        /// what was written is an authenticated prefix that the caller should
        /// discard. Closes neither stream.
        /// </summary>
        public static long OpenStream(this Opener opener, Stream input, Stream output, int bufferSize = 1 << 20)
        {
            if (output == null)
            {
                throw new ArgumentNullException(nameof(output));
            }
            using (var opening = new OpeningStream(input, opener, true))
            {
                opening.BufferSize = bufferSize;
                CopyAll(opening, output, bufferSize);
                output.Flush();
                return opening.PlaintextLength;
            }
        }

        private static void CopyAll(Stream from, Stream to, int bufferSize)
        {
            if (from == null)
            {
                throw new ArgumentNullException("input");
            }
            var buffer = new byte[Math.Max(1, bufferSize)];
            int n;
            while ((n = from.Read(buffer, 0, buffer.Length)) > 0)
            {
                to.Write(buffer, 0, n);
            }
        }
    }
}
