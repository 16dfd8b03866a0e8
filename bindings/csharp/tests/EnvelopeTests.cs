// Sealing and opening in memory and in files.

using System.Collections.Generic;
using System.IO;
using System.Linq;
using Kluis.Testing;
using static Kluis.Tests.Support;

namespace Kluis.Tests
{
    public class EnvelopeTests
    {
        [Test]
        public void BytesRoundTripWithAKey()
        {
            Secret key = NewKey();
            byte[] envelope = KluisMethods.SealBytes(Utf8("vertrouwelijk"), Secrets(key));
            Opened opened = KluisMethods.OpenBytes(envelope, key);
            Assert.Bytes(Utf8("vertrouwelijk"), opened.Plaintext);
            Assert.Null(opened.Metadata);
        }

        [Test]
        public void PasswordMetadataAndSeveralSecrets()
        {
            Secret key = NewKey();
            var password = new Secret.Password("paard batterij nietje");
            var metadata = new Metadata(
                name: "notulen.txt", mediaType: "text/plain", size: 5,
                modified: "2026-11-26T12:00:00Z", extraJson: "{\"x-client\":\"test\"}");
            byte[] envelope = KluisMethods.SealBytes(Utf8("hallo"), Secrets(password, key), new SealOptions(argon2: FastArgon2, metadata: metadata));
            foreach (Secret secret in new[] { password, key })
            {
                Opened opened = KluisMethods.OpenBytes(envelope, secret);
                Assert.Bytes(Utf8("hallo"), opened.Plaintext);
                Assert.Equal(metadata, opened.Metadata);
                Assert.Equal("notulen.txt", opened.Metadata.Name);
                Assert.Equal((ulong?)5, opened.Metadata.Size);
            }
        }

        [Test]
        [Case(0)]
        [Case(1)]
        [Case(4095)]
        [Case(4096)]
        [Case(4097)]
        [Case(3 * 4096)]
        public void SizesAroundChunkBoundaries(int size)
        {
            Secret key = NewKey();
            byte[] data = RandomBytes(size);
            byte[] envelope = KluisMethods.SealBytes(data, Secrets(key), new SealOptions(chunkSize: 4096));
            Assert.Bytes(data, KluisMethods.OpenBytes(envelope, key).Plaintext);
        }

        [Test]
        public void InspectNeedsNoSecret()
        {
            byte[] envelope = KluisMethods.SealBytes(Utf8("abc"), Secrets(new Secret.Password("a long enough password"), NewKey()),
                new SealOptions(argon2: FastArgon2, chunkSize: 8192));
            EnvelopeInfo info = KluisMethods.Inspect(envelope);
            Assert.Equal((byte)1, info.Version);
            Assert.Equal(8192UL, info.ChunkSize);
            Assert.Equal(2, info.Slots.Count);
            Assert.Equal<SlotInfo>(new SlotInfo.Password(FastArgon2), info.Slots[0]);
            Assert.Equal<SlotInfo>(new SlotInfo.Key(), info.Slots[1]);
            Assert.True(info.Slots[0] is SlotInfo.Password);
            Assert.Equal(info, KluisMethods.Inspect(Slice(envelope, 0, (int)info.HeaderLen)));
        }

        [Test]
        public void FileRoundTrip()
        {
            using (var dir = new TempDir())
            {
                Secret key = NewKey();
                File.WriteAllBytes(dir.File("report.pdf"), RandomBytes(300000));
                KluisMethods.SealFile(dir.File("report.pdf"), dir.File("report.pdf.kluis"), Secrets(key),
                    new SealOptions(metadata: new Metadata(name: "report.pdf", size: 300000)));
                Metadata metadata = KluisMethods.OpenFile(dir.File("report.pdf.kluis"), dir.File("out.pdf"), key);
                Assert.Bytes(File.ReadAllBytes(dir.File("report.pdf")), File.ReadAllBytes(dir.File("out.pdf")));
                Assert.Equal("report.pdf", metadata.Name);
            }
        }

        [Test]
        public void OpenFileLeavesTheOutputAloneOnFailure()
        {
            using (var dir = new TempDir())
            {
                Secret key = NewKey();
                File.WriteAllBytes(dir.File("in.bin"), RandomBytes(200000));
                KluisMethods.SealFile(dir.File("in.bin"), dir.File("in.kluis"), Secrets(key), new SealOptions(chunkSize: 4096));
                byte[] bytes = File.ReadAllBytes(dir.File("in.kluis"));
                bytes[bytes.Length - 10] ^= 1;
                File.WriteAllBytes(dir.File("in.kluis"), bytes);
                File.WriteAllText(dir.File("out.bin"), "left alone");
                Assert.Throws<KluisException.Tampered>(() => KluisMethods.OpenFile(dir.File("in.kluis"), dir.File("out.bin"), key));
                Assert.Equal("left alone", File.ReadAllText(dir.File("out.bin")));
                Assert.Sequence(new[] { "in.bin", "in.kluis", "out.bin" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).OrderBy(n => n));
            }
        }

        [Test]
        public void SealFileLeavesNoOutputOnFailure()
        {
            using (var dir = new TempDir())
            {
                Assert.Throws<KluisException.Io>(() => KluisMethods.SealFile(dir.File("missing"), dir.File("out.kluis"), Secrets(NewKey())));
                Assert.Equal(0, Directory.GetFileSystemEntries(dir.Path).Length);
            }
        }

        [Test]
        public void RecordsAndVariantsAreValues()
        {
            var a = new Metadata(name: "a.txt");
            Assert.Equal(a, new Metadata(name: "a.txt", mediaType: null, size: null, modified: null, extraJson: null));
            Assert.NotEqual(a, new Metadata(name: "b.txt"));
            Assert.Equal(a.GetHashCode(), new Metadata(name: "a.txt").GetHashCode());
            var b = new Metadata { Name = "a.txt" };
            Assert.Equal(a, b);
            Assert.Equal<Secret>(new Secret.Key(new byte[] { 1, 2 }), new Secret.Key(new byte[] { 1, 2 }));
            Assert.NotEqual<Secret>(new Secret.Key(new byte[] { 1, 2 }), new Secret.Password("x"));
            Assert.Equal("hunter22", new Secret.Password("hunter22").Value);
            var source = new FileSource.Path("/tmp/x", null, null);
            Assert.Equal("/tmp/x", source.Value);
        }

        [Test]
        public void SealOptionsAreValidated()
        {
            Assert.Throws<KluisException.InvalidArgument>(() => KluisMethods.SealBytes(new byte[] { 1 }, Secrets(NewKey()), new SealOptions(chunkSize: 1000)));
        }

        [Test]
        public void NullIsRefusedWhereRustHasNoOption()
        {
            var e = Assert.Throws<System.ArgumentNullException>(() => KluisMethods.SealBytes(null, Secrets(NewKey())));
            Assert.Equal("plaintext", e.ParamName);
            Assert.Throws<System.ArgumentNullException>(() => KluisMethods.SealBytes(new byte[0], new List<Secret> { null }));
            Assert.Throws<System.ArgumentNullException>(() => KluisMethods.SealBytes(new byte[0], Secrets(NewKey()), new SealOptions { Argon2 = null }));
        }
    }
}
