// Sealer and Opener piece by piece, the Stream adapters, and threads.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kluis.Testing;
using static Kluis.Tests.Support;

namespace Kluis.Tests
{
    /// <summary>A read-only stream over bytes that returns at most <c>step</c> bytes per read.</summary>
    public sealed class TrickleStream : MemoryStream
    {
        private readonly int step;

        public TrickleStream(byte[] data, int step) : base(data, false)
        {
            this.step = step;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            return base.Read(buffer, offset, Math.Min(count, step));
        }
    }

    public class StreamingTests
    {
        private readonly byte[] plaintext = RandomBytes(300001);
        private readonly SealOptions small = new SealOptions(chunkSize: 4096);

        private static byte[] SealPieces(IEnumerable<byte[]> parts, List<Secret> secrets, SealOptions options)
        {
            using (var sealer = new Sealer(secrets, options))
            {
                var output = parts.Select(p => sealer.Write(p)).ToList();
                output.Add(sealer.Finish());
                return Concat(output);
            }
        }

        private static byte[] OpenPieces(IEnumerable<byte[]> parts, Secret secret)
        {
            using (var opener = new Opener(secret))
            {
                var output = parts.Select(p => opener.Write(p)).ToList();
                output.Add(opener.Finish());
                return Concat(output);
            }
        }

        [Test]
        [Case(1)]
        [Case(7)]
        [Case(13)]
        [Case(4095)]
        [Case(4097)]
        [Case(65535)]
        [Case(65537)]
        [Case(1 << 20)]
        public void SealerWithOddSplits(int split)
        {
            Secret key = NewKey();
            byte[] envelope = SealPieces(Pieces(plaintext, split), Secrets(key), small);
            Assert.Bytes(plaintext, KluisMethods.OpenBytes(envelope, key).Plaintext);
            Assert.Equal(KluisMethods.SealBytes(plaintext, Secrets(key), small).Length, envelope.Length);
        }

        [Test]
        [Case(1)]
        [Case(7)]
        [Case(13)]
        [Case(4095)]
        [Case(4097)]
        [Case(65535)]
        [Case(65537)]
        [Case(1 << 20)]
        public void OpenerWithOddSplits(int split)
        {
            Secret key = NewKey();
            byte[] envelope = KluisMethods.SealBytes(plaintext, Secrets(key), small);
            Assert.Bytes(plaintext, OpenPieces(Pieces(envelope, split), key));
        }

        [Test]
        public void RandomSplitsBothWays()
        {
            var rng = new Random(20261126);
            int[] sizes = { 0, 1, 2, 3, 17, 4096, 5000, 70000 };
            Func<byte[], List<byte[]>> randomPieces = data =>
            {
                var output = new List<byte[]>();
                int i = 0;
                while (i < data.Length)
                {
                    int n = sizes[rng.Next(sizes.Length)];
                    output.Add(Slice(data, i, Math.Min(i + n, data.Length)));
                    i += n;
                }
                return output;
            };
            Secret key = NewKey();
            for (int round = 0; round < 5; round++)
            {
                byte[] envelope = SealPieces(randomPieces(plaintext), Secrets(key), small);
                Assert.Bytes(plaintext, OpenPieces(randomPieces(envelope), key));
            }
        }

        [Test]
        public void OnlyAuthenticatedPlaintextIsReleased()
        {
            Secret key = NewKey();
            const int chunk = 4096;
            byte[] data = RandomBytes(5 * chunk);
            byte[] envelope = KluisMethods.SealBytes(data, Secrets(key), small);
            int headerLen = (int)KluisMethods.Inspect(envelope).HeaderLen;
            envelope[headerLen + 3 * (chunk + 16) + 5] ^= 0x40;
            using (var opener = new Opener(key))
            {
                var released = new MemoryStream();
                Assert.Throws<KluisException.Tampered>(() =>
                {
                    foreach (byte[] piece in Pieces(envelope, 1000))
                    {
                        byte[] plain = opener.Write(piece);
                        released.Write(plain, 0, plain.Length);
                    }
                });
                Assert.Bytes(Slice(data, 0, 3 * chunk), released.ToArray());
                Assert.Throws<KluisException.Tampered>(() => opener.Finish());
            }
        }

        [Test]
        public void AFullChunkIsHeldBackUntilTheNextByte()
        {
            Secret key = NewKey();
            byte[] data = RandomBytes(2 * 4096);
            byte[] envelope = KluisMethods.SealBytes(data, Secrets(key), small);
            int h = (int)KluisMethods.Inspect(envelope).HeaderLen;
            using (var opener = new Opener(key))
            {
                Assert.Equal(0, opener.Write(Slice(envelope, 0, h + 4096 + 16)).Length);
                Assert.Bytes(Slice(data, 0, 4096), opener.Write(Slice(envelope, h + 4096 + 16, h + 4096 + 17)));
                Assert.Equal(0, opener.Write(Slice(envelope, h + 4096 + 17, envelope.Length)).Length);
                Assert.Bytes(Slice(data, 4096, 8192), opener.Finish());
            }
        }

        [Test]
        public void FinishFailsOnTruncation()
        {
            Secret key = NewKey();
            byte[] envelope = KluisMethods.SealBytes(RandomBytes(3 * 4096), Secrets(key), small);
            using (var opener = new Opener(key))
            {
                opener.Write(Slice(envelope, 0, envelope.Length - (4096 + 16)));
                Assert.ThrowsExactly<KluisException.Truncated>(() => opener.Finish());
            }
        }

        [Test]
        public void MetadataAppearsOnceTheHeaderIsVerified()
        {
            var secret = new Secret.Password("stroom van bytes");
            byte[] data = Enumerable.Repeat((byte)7, 3000).ToArray();
            byte[] envelope = KluisMethods.SealBytes(data, Secrets(secret), new SealOptions(argon2: FastArgon2, metadata: new Metadata(name: "s.bin")));
            using (var opener = new Opener(secret))
            {
                Assert.Null(opener.Metadata());
                byte[] first = opener.Write(Slice(envelope, 0, envelope.Length - 1));
                Assert.Equal("s.bin", opener.Metadata().Name);
                byte[] rest = opener.Write(Slice(envelope, envelope.Length - 1, envelope.Length));
                Assert.Bytes(data, Concat(new[] { first, rest, opener.Finish() }));
            }
        }

        [Test]
        public void SealerCannotBeUsedAfterFinish()
        {
            using (var sealer = new Sealer(Secrets(NewKey())))
            {
                sealer.Write(new byte[] { 1 });
                sealer.Finish();
                Assert.Throws<KluisException.InvalidArgument>(() => sealer.Write(new byte[] { 2 }));
                Assert.Throws<KluisException.InvalidArgument>(() => sealer.Finish());
            }
        }

        [Test]
        [Case(1)]
        [Case(777)]
        [Case(4096)]
        [Case(65537)]
        public void SealingAndOpeningStreams(int step)
        {
            Secret key = NewKey();
            var sealedOutput = new MemoryStream();
            using (var sealing = new SealingStream(sealedOutput, Secrets(key), small, leaveOpen: true))
            {
                foreach (byte[] piece in Pieces(plaintext, step))
                {
                    sealing.Write(piece, 0, piece.Length);
                }
                Assert.Equal((long)plaintext.Length, sealing.PlaintextLength);
            }
            byte[] envelope = sealedOutput.ToArray();
            Assert.Bytes(plaintext, KluisMethods.OpenBytes(envelope, key).Plaintext);

            var opened = new MemoryStream();
            using (var opening = new OpeningStream(new TrickleStream(envelope, step), key) { BufferSize = step })
            {
                var buffer = new byte[step + 3];
                int n;
                while ((n = opening.Read(buffer, 1, step + 2)) > 0)
                {
                    opened.Write(buffer, 1, n);
                }
                Assert.Equal((long)plaintext.Length, opening.PlaintextLength);
            }
            Assert.Bytes(plaintext, opened.ToArray());
        }

        [Test]
        public void StreamAdaptersWithFilesAndMetadata()
        {
            using (var dir = new TempDir())
            {
                var secret = new Secret.Password("bestanden als stromen");
                File.WriteAllBytes(dir.File("in.bin"), plaintext);
                using (var input = File.OpenRead(dir.File("in.bin")))
                using (var sealing = new SealingStream(File.Create(dir.File("in.kluis")), Secrets(secret),
                    new SealOptions(argon2: FastArgon2, metadata: new Metadata(name: "in.bin"))))
                {
                    input.CopyTo(sealing);
                }
                using (var opening = new OpeningStream(File.OpenRead(dir.File("in.kluis")), secret))
                using (var output = File.Create(dir.File("out.bin")))
                {
                    Assert.Null(opening.Metadata);
                    opening.CopyTo(output);
                    Assert.Equal("in.bin", opening.Metadata.Name);
                }
                Assert.Bytes(plaintext, File.ReadAllBytes(dir.File("out.bin")));
            }
        }

        [Test]
        public void OpeningStreamRefusesATruncatedEnvelope()
        {
            Secret key = NewKey();
            byte[] envelope = KluisMethods.SealBytes(plaintext, Secrets(key), small);
            // Without its final chunk (the last 300001 % 4096 bytes and their tag).
            var cut = new MemoryStream(Slice(envelope, 0, envelope.Length - (plaintext.Length % 4096 + 16)));
            using (var opening = new OpeningStream(cut, key))
            {
                Assert.Throws<KluisException.Truncated>(() => opening.CopyTo(Stream.Null));
            }
        }

        [Test]
        public void ExtensionMethodsCopyWholeStreams()
        {
            Secret key = NewKey();
            var sealedOutput = new MemoryStream();
            using (var sealer = new Sealer(Secrets(key), small))
            {
                Assert.Equal((long)plaintext.Length, sealer.SealStream(new MemoryStream(plaintext), sealedOutput, 777));
            }
            var opened = new MemoryStream();
            using (var opener = new Opener(key))
            {
                Assert.Equal((long)plaintext.Length, opener.OpenStream(new MemoryStream(sealedOutput.ToArray()), opened, 1000));
            }
            Assert.Bytes(plaintext, opened.ToArray());
        }

        [Test]
        public void DisposingTwiceIsHarmlessAndLaterCallsThrow()
        {
            var sealer = new Sealer(Secrets(NewKey()));
            sealer.Dispose();
            sealer.Dispose();
            Assert.Throws<ObjectDisposedException>(() => sealer.Write(new byte[] { 1 }));
            Assert.Throws<ObjectDisposedException>(() => sealer.Finish());
            Secret key = NewKey();
            var opener = new Opener(key);
            using (opener)
            {
                opener.Write(Slice(KluisMethods.SealBytes(new byte[1], Secrets(key)), 0, 3));
            }
            opener.Dispose();
            Assert.Throws<ObjectDisposedException>(() => opener.Metadata());
            var stream = new SealingStream(new MemoryStream(), Secrets(NewKey()));
            stream.Dispose();
            stream.Dispose();
            Assert.Throws<ObjectDisposedException>(() => stream.Write(new byte[1], 0, 1));
        }

        [Test]
        public void UndisposedObjectsAreFreedByTheFinalizer()
        {
            // Thousands of sealers left to the garbage collector: the finalizer
            // frees each Rust object once (a double free would crash the process).
            for (int round = 0; round < 5; round++)
            {
                for (int i = 0; i < 1000; i++)
                {
                    var sealer = new Sealer(Secrets(NewKey()), small);
                    sealer.Write(new byte[10]);
                    if (i % 2 == 0)
                    {
                        sealer.Dispose();
                    }
                }
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }

        [Test]
        public void ObjectsAreSharedBetweenThreads()
        {
            Secret key = NewKey();
            var parts = new List<byte[]>();
            var gate = new object();
            using (var sealer = new Sealer(Secrets(key), small))
            {
                var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
                {
                    for (int i = 0; i < 50; i++)
                    {
                        lock (gate)
                        {
                            parts.Add(sealer.Write(Enumerable.Repeat((byte)'z', 1000).ToArray()));
                        }
                    }
                })).ToArray();
                Task.WaitAll(tasks);
                parts.Add(sealer.Finish());
            }
            Assert.Bytes(Enumerable.Repeat((byte)'z', 200000).ToArray(), KluisMethods.OpenBytes(Concat(parts), key).Plaintext);
        }

        [Test]
        public void ConcurrentCallsOnOneObjectAndDisposeRacingThem()
        {
            // Calls from several threads run concurrently on one object; a
            // Dispose in the middle lets the calls in progress finish and makes
            // later ones throw ObjectDisposedException, never crash.
            Secret key = NewKey();
            byte[] envelope = KluisMethods.SealBytes(RandomBytes(1000), Secrets(key));
            var opener = new Opener(key);
            opener.Write(envelope);
            int disposedSeen = 0;
            var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                for (int i = 0; i < 500; i++)
                {
                    try
                    {
                        Assert.Null(opener.Metadata());
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref disposedSeen);
                        return;
                    }
                }
            })).ToArray();
            Thread.Sleep(5);
            opener.Dispose();
            Task.WaitAll(tasks);
            Assert.Throws<ObjectDisposedException>(() => opener.Metadata());
        }

        [Test]
        public void LongCallsBlockOnlyTheirOwnThread()
        {
            long counter = 0;
            bool stop = false;
            var counting = new Thread(() =>
            {
                while (!Volatile.Read(ref stop))
                {
                    Interlocked.Increment(ref counter);
                }
            });
            counting.Start();
            try
            {
                Thread.Sleep(50);
                long before = Interlocked.Read(ref counter);
                var watch = Stopwatch.StartNew();
                KluisMethods.SealBytes(new byte[] { 1 }, Secrets(new Secret.Password("default Argon2 cost"))); // 64 MiB, 3 passes
                Assert.True(Interlocked.Read(ref counter) - before > 10000, "the counting thread stalled during " + watch.ElapsedMilliseconds + " ms");
            }
            finally
            {
                Volatile.Write(ref stop, true);
                counting.Join();
            }
        }
    }
}
